#include "locking/sanlock/lease_files.h"

#include "locking/sanlock/lease_name.h"

namespace virtus::locking::sanlock {

Result<bool> createLeaseFile(os::FileSystem& fs, const std::string& path, const FileOwner& owner,
                             std::string_view what, const std::function<int()>& format) {
  if (fs.exists(path))
    return false;
  std::uint32_t mode = owner.gid ? 0660 : 0600;
  auto file = fs.open(path, os::OpenMode::CreateExclusive, mode);
  if (!file) {
    if (fs.exists(path))
      return false;  // created by someone else between the check and the open
    return makeError(
        ErrorCode::SystemError, ErrorDomain::Locking,
        "Unable to create " + std::string(what) + " " + path + ": " + file.error().message);
  }
  auto fail = [&](Error error) -> Result<bool> {
    (void)fs.removeFile(path);
    return error;
  };
  if (owner.uid || owner.gid) {
    auto chowned = fs.chown(path, owner.uid, owner.gid);
    if (!chowned)
      return fail(chowned.error());
  }
  auto allocated = (*file)->allocate(0, kLeaseFileSize);
  if (!allocated) {
    auto truncated = (*file)->truncate(kLeaseFileSize);
    if (!truncated)
      return fail(makeError(ErrorCode::SystemError, ErrorDomain::Locking,
                            "Unable to allocate " + std::string(what) + " " + path + ": " +
                                truncated.error().message));
  }
  file->reset();
  int rv = format();
  if (rv < 0)
    return fail(sanlockError("Unable to initialize " + std::string(what) + " " + path, rv));
  return true;
}

Result<void> ensureDiskLockspace(os::FileSystem& fs, const std::string& dir, const FileOwner& owner,
                                 std::uint32_t ioTimeout) {
  TRY(fs.makeDirectories(dir, 0755));
  std::string path = dir + "/" + std::string(kDiskLockspace);
  if (path.size() > kMaxPathLength) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                     "Lockspace path '" + path + "' exceeded " +
                         std::to_string(kMaxPathLength + 1) + " characters");
  }
  TRY(createLeaseFile(fs, path, owner, "lockspace", [&] {
    return writeLockspace(std::string(kDiskLockspace), path, ioTimeout);
  }));
  return ok();
}

Result<void> ensureLeaseFile(os::FileSystem& fs, const Lease& lease, const FileOwner& owner) {
  TRY(createLeaseFile(fs, lease.path, owner, "lease", [&] { return writeResource(lease); }));
  return ok();
}

}  // namespace virtus::locking::sanlock
