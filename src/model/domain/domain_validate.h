// Checks on a DomainDef that libvirt makes after parsing (virDomainDefValidate and the
// parser's own checks), kept apart so that definitions built in code meet the same rules.
#pragma once

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::model {

// A name, memory, current vcpus not above the maximum, unique disk targets, boot orders
// unique across disks and interfaces, per-device boot not mixed with <os><boot>, read-only
// dir disks.
Result<void> validateDomain(const DomainDef& def);

}  // namespace virtus::model
