// virtus-lockd's state: the owners (guests, keyed by UUID) and the locks each holds, with
// the fds that carry them. All-or-nothing acquire, release, the pending-owner rules (pid 0:
// tied to the connection that acquired), lock-loss detection, and the snapshot a re-exec
// hands to the next process. Single-threaded: the daemon's poll loop owns it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "lockd/lockd_types.h"
#include "lockd/pidfd.h"
#include "os/clock.h"

namespace virtus::lockd {

// One held lock as a re-exec passes it on (and as the table keeps it).
struct LockRecord {
  std::string lockspace, name, display, file;
  bool shared = false;
  bool autocreate = false;
  std::int64_t since = 0;
  int fd = -1;
};

struct OwnerRecord {
  std::string uuid, name;
  int id = 0;
  pid_t pid = 0;
  std::int64_t since = 0;
  std::vector<LockRecord> locks;
};

class LockTable {
 public:
  LockTable(std::string host, const os::Clock& clock) : host_(std::move(host)), clock_(clock) {}
  // Closes every fd (the locks go as the process would drop them), leaving the files.
  ~LockTable();
  LockTable(const LockTable&) = delete;
  LockTable& operator=(const LockTable&) = delete;

  const std::string& host() const { return host_; }

  // Locks `resources` for `owner`, all or nothing. With owner.pid 0 the owner is pending and
  // what it acquires here is tied to `connection` until setPid. With a pid, the owner is
  // watched (pidfd) and released when that process exits; a pid that is gone is an error.
  Result<void> acquire(const LockdOwnerSpec& owner, const std::vector<LockdResourceSpec>& resources,
                       std::uint64_t connection);
  // Attaches `pid` to a known owner: its locks no longer depend on a connection.
  Result<void> setPid(const std::string& uuid, pid_t pid);
  // Releases the listed resources of `uuid` (lockspace + name), or all of them and the owner
  // itself when the list is empty. Whatever is not held is ignored.
  void release(const std::string& uuid, const std::vector<LockdResourceSpec>& resources);
  // A connection closed: the locks pending owners took on it are released.
  void connectionClosed(std::uint64_t connection);
  // Releases every pending owner (before a re-exec, which closes all connections).
  void releasePending();

  std::vector<LockdHeld> list() const;

  // Drops the indirect locks whose file was removed or replaced, and says which.
  std::vector<LockdEvent> checkLost();

  // (pidfd, uuid) for each owner with a pid: readable once that process exited; the daemon
  // then calls release(uuid, {}).
  std::vector<std::pair<int, std::string>> pidFds() const;

  // Re-exec: the owners (pending ones excluded) with their fds, which stay open here.
  std::vector<OwnerRecord> snapshot() const;
  // Takes over owners and fds from a previous process. Fds that are not open are dropped;
  // owners whose process is gone are released.
  void adopt(std::vector<OwnerRecord> owners);

 private:
  struct Lock {
    LockRecord record;
    dev_t dev = 0;
    ino_t ino = 0;
    std::uint64_t pendingConnection = 0;  // 0: not tied to a connection
  };
  struct Owner {
    std::string uuid, name;
    int id = 0;
    pid_t pid = 0;
    std::int64_t since = 0;
    int pidfd = -1;
    std::uint64_t connection = 0;  // pending: the last connection that acquired for it
    std::vector<Lock> locks;
  };

  std::int64_t now() const;
  Result<Lock> lockOne(const Owner& owner, const LockdResourceSpec& spec,
                       std::uint64_t connection) const;
  Error busyError(const LockdResourceSpec& spec, dev_t dev, ino_t ino,
                  const std::string& holder) const;
  void writeHolderRecord(const Owner& owner, const Lock& lock) const;
  static void unlock(Lock& lock);
  void dropOwner(std::map<std::string, Owner>::iterator it);
  static bool alive(int pidfd);

  std::string host_;
  const os::Clock& clock_;
  std::map<std::string, Owner> owners_;
};

}  // namespace virtus::lockd
