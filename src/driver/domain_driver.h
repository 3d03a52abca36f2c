// The domain API as libvirt's hypervisor drivers expose it (virDomain*): guests addressed by
// handles, definitions exchanged as libvirt's domain XML. The QEMU driver and the in-memory
// test driver (test:///default) implement it; virtusd dispatches the wire procedures to it;
// the remote driver implements it over the wire for the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/uuid.h"
#include "driver/domain_flags.h"

namespace virtus {
template <typename Event>
class EventBus;
}  // namespace virtus

namespace virtus::driver {

struct DomainLifecycleEvent;  // driver/domain_events.h
using DomainEventBus = EventBus<DomainLifecycleEvent>;

// virDomainPtr: what identifies a guest to callers. id is -1 while it does not run.
struct DomainHandle {
  std::string name;
  Uuid uuid;
  int id = -1;
  bool operator==(const DomainHandle&) const = default;
};

// virDomainInfo
struct DomainInfo {
  DomainState state = DomainState::NoState;
  std::uint64_t maxMemKiB = 0;
  std::uint64_t memoryKiB = 0;
  unsigned vcpus = 0;
  std::uint64_t cpuTimeNs = 0;
};

struct DomainStateReason {
  DomainState state = DomainState::NoState;
  int reason = 0;  // from the *_reason namespace of the state
};

// virDomainBlockInfo: for domblkinfo.
struct BlockInfo {
  std::uint64_t capacity = 0;
  std::uint64_t allocation = 0;
  std::uint64_t physical = 0;
};

// virDomainBlockStatsStruct: for domblkstat. -1: not known.
struct BlockStats {
  std::int64_t rdReq = -1;
  std::int64_t rdBytes = -1;
  std::int64_t wrReq = -1;
  std::int64_t wrBytes = -1;
  std::int64_t errs = -1;
};

// virDomainConsoleFlags
namespace console_flags {
inline constexpr unsigned kForce = 1;  // VIR_DOMAIN_CONSOLE_FORCE: ends another session
inline constexpr unsigned kSafe = 2;   // VIR_DOMAIN_CONSOLE_SAFE
}  // namespace console_flags

class DomainDriver {
 public:
  virtual ~DomainDriver() = default;

  // Where this driver publishes its domains' lifecycle events (driver/domain_events.h).
  virtual DomainEventBus& events() = 0;

  // Lookups and lists
  virtual Result<std::vector<DomainHandle>> listAllDomains(unsigned flags) = 0;
  virtual Result<DomainHandle> lookupDomainByName(std::string_view name) = 0;
  virtual Result<DomainHandle> lookupDomainByUuid(const Uuid& uuid) = 0;
  virtual Result<DomainHandle> lookupDomainById(int id) = 0;

  // Definitions
  virtual Result<DomainHandle> defineDomain(std::string_view xml, unsigned flags) = 0;
  virtual Result<void> undefineDomain(const DomainHandle& dom, unsigned flags) = 0;
  virtual Result<std::string> domainXml(const DomainHandle& dom, unsigned flags) = 0;

  // Lifecycle
  virtual Result<DomainHandle> createDomain(std::string_view xml, unsigned flags) = 0;  // transient
  virtual Result<DomainHandle> startDomain(const DomainHandle& dom, unsigned flags) = 0;
  virtual Result<void> destroyDomain(const DomainHandle& dom, unsigned flags) = 0;
  virtual Result<void> shutdownDomain(const DomainHandle& dom, unsigned flags) = 0;
  virtual Result<void> rebootDomain(const DomainHandle& dom, unsigned flags) = 0;
  virtual Result<void> resetDomain(const DomainHandle& dom) = 0;
  virtual Result<void> suspendDomain(const DomainHandle& dom) = 0;
  virtual Result<void> resumeDomain(const DomainHandle& dom) = 0;

  // State
  virtual Result<DomainInfo> domainInfo(const DomainHandle& dom) = 0;
  virtual Result<DomainStateReason> domainState(const DomainHandle& dom) = 0;
  virtual Result<bool> domainIsActive(const DomainHandle& dom) = 0;
  virtual Result<bool> domainIsPersistent(const DomainHandle& dom) = 0;
  virtual Result<bool> domainAutostart(const DomainHandle& dom) = 0;
  virtual Result<void> setDomainAutostart(const DomainHandle& dom, bool autostart) = 0;

  // Devices (a <disk> element; flags from driver::affect)
  virtual Result<void> attachDevice(const DomainHandle& dom, std::string_view xml,
                                    unsigned flags) = 0;
  virtual Result<void> detachDevice(const DomainHandle& dom, std::string_view xml,
                                    unsigned flags) = 0;
  virtual Result<void> updateDevice(const DomainHandle& dom, std::string_view xml,
                                    unsigned flags) = 0;
  virtual Result<BlockInfo> blockInfo(const DomainHandle& dom, std::string_view disk) = 0;
  // virDomainBlockStats of a running domain's disk (target or source path).
  virtual Result<BlockStats> blockStats(const DomainHandle& dom, std::string_view disk);
  // virDomainOpenConsole: the running domain's console `devName` (empty: the default one)
  // opened read-write and non-blocking; the caller owns the descriptor. One session at a
  // time per domain: console_flags::kForce ends the other one (its descriptor then reads
  // end of file), without it OPERATION_FAILED.
  virtual Result<int> openConsole(const DomainHandle& dom, std::string_view devName,
                                  unsigned flags);
};

inline Result<BlockStats> DomainDriver::blockStats(const DomainHandle&, std::string_view) {
  return makeError(ErrorCode::NoSupport, ErrorDomain::Domain, "virDomainBlockStats");
}

inline Result<int> DomainDriver::openConsole(const DomainHandle&, std::string_view, unsigned) {
  return makeError(ErrorCode::NoSupport, ErrorDomain::Domain, "virDomainOpenConsole");
}

}  // namespace virtus::driver
