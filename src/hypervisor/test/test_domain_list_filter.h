// virConnectListAllDomains' filter groups (active/inactive, persistent/transient, state,
// managed save, autostart, snapshot, checkpoint) applied to a test driver guest.
#pragma once

#include "hypervisor/test/test_domain_object.h"

namespace virtus::testdrv {

// Every flag accepted by listAllDomains.
unsigned allListDomainFlags();

// Whether `dom` passes `flags`. Within a group, no flag or both flags select everything;
// across groups the conditions add up. The test driver keeps no managed save, snapshot or
// checkpoint: the "has" flags of those groups select nothing.
bool matchesListFlags(const TestDomainObject& dom, unsigned flags);

}  // namespace virtus::testdrv
