// The calls into libsanlock the driver and its tools make, as small functions over plain
// C++ values: the only code that includes sanlock's headers. Every function returns
// sanlock's rv (0 or more: success; -errno; or sanlock's own codes, -200 and below) and
// talks to the daemon whose socket is in $SANLOCK_RUN_DIR (default /run/sanlock).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace virtus::locking::sanlock {

// One resource lease: a named paxos lease at `offset` in the file `path`, in a lockspace.
struct Lease {
  std::string lockspace;
  std::string name;
  std::string path;
  std::uint64_t offset = 0;
  bool shared = false;

  bool operator==(const Lease&) const = default;
};

// A host as sanlock sees it in a lockspace, or an owner of a lease.
struct SanlockHost {
  std::uint64_t hostId = 0;
  std::uint64_t generation = 0;
  std::uint64_t timestamp = 0;  // owners: set for an exclusive owner; 0 once released
  std::uint32_t flags = 0;      // hosts: liveness (kHostLive, ...)
};

inline constexpr std::uint32_t kHostUnknown = 1;
inline constexpr std::uint32_t kHostFree = 2;
inline constexpr std::uint32_t kHostLive = 3;
inline constexpr std::uint32_t kHostFail = 4;
inline constexpr std::uint32_t kHostDead = 5;
inline constexpr std::uint32_t kHostStateMask = 0xf;

// sanlock's limits: names of lockspaces and leases, paths of their files.
inline constexpr std::size_t kMaxNameLength = 47;
inline constexpr std::size_t kMaxPathLength = 1023;
inline constexpr int kMaxResources = 8;
// A kill path and its arguments (SANLK_HELPER_PATH_LEN, SANLK_HELPER_ARGS_LEN, with the NUL).
inline constexpr std::size_t kMaxKillPathLength = 127;
inline constexpr std::size_t kMaxKillArgsLength = 127;

// What an rv means: sanlock's text for its own codes, strerror for -errno.
std::string sanlockErrorText(int rv);

// An rv that says the lease is held elsewhere: by another pid of this host (-EEXIST) or by
// another host (SANLK_ACQUIRE_IDLIVE, _OWNED, _OTHER, _SHRETRY, _OWNED_RETRY, -EAGAIN).
bool isBusyRv(int rv);

// "<what>: <text>" as VIR_ERR_INTERNAL_ERROR for sanlock's codes, or a system error.
Error sanlockError(std::string_view what, int rv);

// Lockspaces. The lockspace's io_timeout is written on disk at init, and add must use the
// same value: a join then takes about 3 s with io_timeout 1, 21 s with the default 10.
int writeLockspace(const std::string& name, const std::string& path, std::uint32_t ioTimeout);
int addLockspaceAsync(const std::string& name, std::uint64_t hostId, const std::string& path,
                      std::uint32_t ioTimeout);
// 0: joined; -EINPROGRESS: being joined; -ENOENT: not joined (or the join failed).
int inquireLockspace(const std::string& name, std::uint64_t hostId, const std::string& path);
// Whether this host's daemon has joined `name` (with any host id); its host id in `hostId`.
int lockspaceJoined(const std::string& name, bool& joined, std::uint64_t& hostId);

// Resource leases.
int writeResource(const Lease& lease);
int readResourceOwners(const Lease& lease, std::vector<SanlockHost>& owners, bool& shared);
int getHosts(const std::string& lockspace, std::vector<SanlockHost>& hosts);

// sock -1: for the registered process `pid`; else on the caller's own registered socket.
int registerProcess();
int acquire(int sock, pid_t pid, const std::vector<Lease>& leases, const std::string& owner,
            bool ownerNoWait = false);
// With a state string from inquire (a migration): acquires what it names.
int acquireState(pid_t pid, const std::string& state, const std::string& owner);
// `leases` empty: all the process holds.
int release(int sock, pid_t pid, const std::vector<Lease>& leases);
int inquire(pid_t pid, std::string& state);
// Parses a state string ("LS:NAME:PATH:OFFSET:LVER ...") into leases.
int parseState(const std::string& state, std::vector<Lease>& leases);

}  // namespace virtus::locking::sanlock
