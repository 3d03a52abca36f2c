#include "hypervisor/common/domain_list_filter.h"

namespace virtus::hypervisor {

namespace ld = driver::list_domains;

unsigned allDomainListFlags() {
  return ld::kActive | ld::kInactive | ld::kPersistent | ld::kTransient | ld::kRunning |
         ld::kPaused | ld::kShutoff | ld::kOther | ld::kManagedSave | ld::kNoManagedSave |
         ld::kAutostart | ld::kNoAutostart | ld::kHasSnapshot | ld::kNoSnapshot |
         ld::kHasCheckpoint | ld::kNoCheckpoint;
}

namespace {

// A two-flag group: passes when neither flag is set, or when a set one agrees with `cond`.
bool passesPair(unsigned flags, unsigned yes, unsigned no, bool cond) {
  if (!(flags & (yes | no)))
    return true;
  return ((flags & yes) && cond) || ((flags & no) && !cond);
}

bool passesState(unsigned flags, driver::DomainState state) {
  if (!(flags & (ld::kRunning | ld::kPaused | ld::kShutoff | ld::kOther)))
    return true;
  switch (state) {
    case driver::DomainState::Running:
      return flags & ld::kRunning;
    case driver::DomainState::Paused:
      return flags & ld::kPaused;
    case driver::DomainState::Shutoff:
      return flags & ld::kShutoff;
    default:
      return flags & ld::kOther;
  }
}

}  // namespace

bool matchesDomainListFlags(const DomainListFacts& dom, unsigned flags) {
  return passesPair(flags, ld::kActive, ld::kInactive, dom.active) &&
         passesPair(flags, ld::kPersistent, ld::kTransient, dom.persistent) &&
         passesState(flags, dom.state) &&
         passesPair(flags, ld::kManagedSave, ld::kNoManagedSave, dom.hasManagedSave) &&
         passesPair(flags, ld::kAutostart, ld::kNoAutostart, dom.autostart) &&
         passesPair(flags, ld::kHasSnapshot, ld::kNoSnapshot, dom.hasSnapshot) &&
         passesPair(flags, ld::kHasCheckpoint, ld::kNoCheckpoint, dom.hasCheckpoint);
}

}  // namespace virtus::hypervisor
