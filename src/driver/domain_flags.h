// libvirt's domain flag and enum values (include/libvirt/libvirt-domain.h). They are
// wire-visible: keep the numbers.
#pragma once

namespace virtus::driver {

// virDomainState
enum class DomainState {
  NoState = 0,
  Running = 1,
  Blocked = 2,
  Paused = 3,
  Shutdown = 4,  // being shut down
  Shutoff = 5,
  Crashed = 6,
  PmSuspended = 7,
};

// The reasons that go with each state (virDomainRunningReason, virDomainShutoffReason, …):
// only the values Virtus reports.
namespace running_reason {
inline constexpr int kUnknown = 0;
inline constexpr int kBooted = 1;
inline constexpr int kRestored = 3;
inline constexpr int kUnpaused = 5;
}  // namespace running_reason
namespace paused_reason {
inline constexpr int kUnknown = 0;
inline constexpr int kUser = 1;
inline constexpr int kIoError = 5;
inline constexpr int kStartingUp = 11;
}  // namespace paused_reason
namespace shutoff_reason {
inline constexpr int kUnknown = 0;
inline constexpr int kShutdown = 1;
inline constexpr int kDestroyed = 2;
inline constexpr int kCrashed = 3;
inline constexpr int kFailed = 6;
inline constexpr int kDaemon = 8;
}  // namespace shutoff_reason

// virConnectListAllDomainsFlags
namespace list_domains {
inline constexpr unsigned kActive = 1u << 0;
inline constexpr unsigned kInactive = 1u << 1;
inline constexpr unsigned kPersistent = 1u << 2;
inline constexpr unsigned kTransient = 1u << 3;
inline constexpr unsigned kRunning = 1u << 4;
inline constexpr unsigned kPaused = 1u << 5;
inline constexpr unsigned kShutoff = 1u << 6;
inline constexpr unsigned kOther = 1u << 7;
inline constexpr unsigned kManagedSave = 1u << 8;
inline constexpr unsigned kNoManagedSave = 1u << 9;
inline constexpr unsigned kAutostart = 1u << 10;
inline constexpr unsigned kNoAutostart = 1u << 11;
inline constexpr unsigned kHasSnapshot = 1u << 12;
inline constexpr unsigned kNoSnapshot = 1u << 13;
inline constexpr unsigned kHasCheckpoint = 1u << 14;
inline constexpr unsigned kNoCheckpoint = 1u << 15;
}  // namespace list_domains

// virDomainXMLFlags
namespace domain_xml {
inline constexpr unsigned kSecure = 1u << 0;
inline constexpr unsigned kInactive = 1u << 1;
inline constexpr unsigned kUpdateCpu = 1u << 2;
inline constexpr unsigned kMigratable = 1u << 3;
}  // namespace domain_xml

// virDomainDefineFlags, virDomainCreateFlags
namespace define_domain {
inline constexpr unsigned kValidate = 1u << 0;
}  // namespace define_domain
namespace start_domain {
inline constexpr unsigned kPaused = 1u << 0;
inline constexpr unsigned kAutodestroy = 1u << 1;
inline constexpr unsigned kBypassCache = 1u << 2;
inline constexpr unsigned kForceBoot = 1u << 3;
inline constexpr unsigned kValidate = 1u << 4;
}  // namespace start_domain

// virDomainUndefineFlagsValues
namespace undefine_domain {
inline constexpr unsigned kManagedSave = 1u << 0;
inline constexpr unsigned kSnapshotsMetadata = 1u << 1;
inline constexpr unsigned kNvram = 1u << 2;
inline constexpr unsigned kKeepNvram = 1u << 3;
inline constexpr unsigned kCheckpointsMetadata = 1u << 4;
inline constexpr unsigned kTpm = 1u << 5;
inline constexpr unsigned kKeepTpm = 1u << 6;
}  // namespace undefine_domain

// virDomainDestroyFlagsValues
namespace destroy_domain {
inline constexpr unsigned kGraceful = 1u << 0;
}  // namespace destroy_domain

// virDomainShutdownFlagValues (also virDomainRebootFlagValues)
namespace shutdown_domain {
inline constexpr unsigned kAcpiPowerButton = 1u << 0;
inline constexpr unsigned kGuestAgent = 1u << 1;
inline constexpr unsigned kInitctl = 1u << 2;
inline constexpr unsigned kSignal = 1u << 3;
inline constexpr unsigned kParavirt = 1u << 4;
}  // namespace shutdown_domain

// virDomainModificationImpact: which definition a change applies to.
namespace affect {
inline constexpr unsigned kCurrent = 0;
inline constexpr unsigned kLive = 1u << 0;
inline constexpr unsigned kConfig = 1u << 1;
}  // namespace affect

}  // namespace virtus::driver
