// One guest of the in-memory test driver: its definitions and its run state, as libvirt's
// virDomainObj keeps them.
#pragma once

#include <optional>

#include "driver/domain_flags.h"
#include "model/domain/domain_def.h"

namespace virtus::testdrv {

struct TestDomainObject {
  // The definition in effect: the live one while the guest runs, else the persistent one.
  model::DomainDef def;
  // While a persistent guest runs: its persistent definition (the next boot's), which a
  // define while running replaces. Empty while the guest is inactive or transient.
  std::optional<model::DomainDef> nextDef;
  bool persistent = false;
  bool autostart = false;
  driver::DomainState state = driver::DomainState::Shutoff;
  int reason = driver::shutoff_reason::kUnknown;
  int id = -1;  // -1 while inactive

  bool isActive() const { return id != -1; }
  // The definition the guest boots with next (VIR_DOMAIN_XML_INACTIVE).
  const model::DomainDef& persistentDef() const { return nextDef ? *nextDef : def; }
};

}  // namespace virtus::testdrv
