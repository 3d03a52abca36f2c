#include "locking/sanlock/lease_cleanup.h"

#include <unistd.h>

#include <algorithm>

#include "locking/sanlock/lease_name.h"
#include "locking/sanlock/sanlock_client.h"

namespace virtus::locking::sanlock {

Result<CleanupReport> cleanupLeases(os::FileSystem& fs, const std::string& dir, bool dryRun) {
  std::string lockspace(kDiskLockspace);
  bool joined = false;
  std::uint64_t hostId = 0;
  int rv = lockspaceJoined(lockspace, joined, hostId);
  if (rv < 0)
    return sanlockError("cannot list the lockspaces of the sanlock daemon", rv);
  if (!joined) {
    return makeError(ErrorCode::OperationInvalid, ErrorDomain::Locking,
                     "this host's sanlock daemon has not joined the lockspace '" + lockspace +
                         "': only a member of the lockspace can tell whether a lease is free");
  }
  TRY_ASSIGN(auto names, fs.listDirectory(dir));
  std::sort(names.begin(), names.end());
  int sock = registerProcess();
  if (sock < 0)
    return sanlockError("Failed to open socket to sanlock daemon", sock);
  CleanupReport report;
  for (const std::string& name : names) {
    if (!isDiskLeaseName(name))
      continue;
    Lease lease{lockspace, name, dir + "/" + name, 0, false};
    rv = acquire(sock, 0, {lease}, "virtus-sanlock-cleanup", /*ownerNoWait=*/true);
    if (rv < 0) {
      report.kept.push_back({lease.path, isBusyRv(rv) ? "held" : sanlockErrorText(rv)});
      continue;
    }
    // Held by us alone: nobody can take it while the file goes.
    Result<void> removed = ok();
    if (!dryRun)
      removed = fs.removeFile(lease.path);
    (void)release(sock, 0, {lease});
    if (removed)
      report.removed.push_back({lease.path, ""});
    else
      report.kept.push_back({lease.path, removed.error().message});
  }
  ::close(sock);
  return report;
}

}  // namespace virtus::locking::sanlock
