// What each guest process holds through this host's sanlock driver: sanlock knows leases
// by pid, not by guest, so the driver keeps the guest's name, UUID, the disk behind each
// lease and since when, in a small JSON state file under the run directory (replaced
// atomically), for `lock-list` and for naming the holder of a busy disk after a restart.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/uuid.h"
#include "locking/sanlock/sanlock_client.h"

namespace virtus::locking::sanlock {

struct HeldLease {
  std::string resource;  // the disk path, or lockspace:key for a <lease>
  Lease lease;
  std::int64_t since = 0;

  bool operator==(const HeldLease&) const = default;
};

struct HeldProcess {
  pid_t pid = 0;
  std::string name;
  Uuid uuid;
  std::vector<HeldLease> leases;

  bool operator==(const HeldProcess&) const = default;
};

std::string formatHeldLeases(const std::vector<HeldProcess>& processes);
// VIR_ERR_INTERNAL_ERROR naming `source` for text that is not such a file.
Result<std::vector<HeldProcess>> parseHeldLeases(std::string_view text, std::string_view source);

}  // namespace virtus::locking::sanlock
