// virConnectListAllDomains' filter groups (active/inactive, persistent/transient, state,
// managed save, autostart, snapshot, checkpoint), shared by the domain drivers.
#pragma once

#include "driver/domain_flags.h"

namespace virtus::hypervisor {

// What the filter looks at of one domain.
struct DomainListFacts {
  bool active = false;
  bool persistent = false;
  bool autostart = false;
  driver::DomainState state = driver::DomainState::Shutoff;
  bool hasManagedSave = false;
  bool hasSnapshot = false;
  bool hasCheckpoint = false;
};

// Every flag listAllDomains accepts.
unsigned allDomainListFlags();

// Whether a domain passes `flags`. Within a group, no flag or both flags select everything;
// across groups the conditions add up.
bool matchesDomainListFlags(const DomainListFacts& dom, unsigned flags);

}  // namespace virtus::hypervisor
