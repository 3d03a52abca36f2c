// The real FileSystem on Linux: POSIX calls plus statx (birth time), fallocate,
// SEEK_DATA/SEEK_HOLE and the FICLONE ioctl. Stateless, so one instance may serve every
// thread; every File it opens is independent (pread/pwrite, no shared offset).
#pragma once

#include "os/file_system.h"

namespace virtus::os {

class LinuxFileSystem final : public FileSystem {
 public:
  Result<FilePtr> open(const std::string& path, OpenMode mode,
                       std::uint32_t createMode = 0600) override;
  Result<FileStat> stat(const std::string& path) override;
  Result<FileStat> lstat(const std::string& path) override;
  bool exists(const std::string& path) override;
  Result<std::vector<std::string>> listDirectory(const std::string& path) override;
  // A descriptor-relative directory: statx/openat on its fd, one getdents batch per list.
  Result<DirectoryPtr> openDirectory(const std::string& path) override;
  Result<void> makeDirectory(const std::string& path, std::uint32_t mode) override;
  Result<void> makeDirectories(const std::string& path, std::uint32_t mode) override;
  Result<void> removeFile(const std::string& path) override;
  Result<void> removeDirectory(const std::string& path) override;
  Result<void> rename(const std::string& from, const std::string& to) override;
  Result<void> symlink(const std::string& target, const std::string& linkPath) override;
  Result<void> chmod(const std::string& path, std::uint32_t mode) override;
  Result<void> chown(const std::string& path, std::optional<std::uint32_t> uid,
                     std::optional<std::uint32_t> gid) override;
  Result<FsStat> statfs(const std::string& path) override;
  Result<std::string> readFile(const std::string& path) override;
  Result<void> writeFileAtomic(const std::string& path, std::string_view content,
                               std::uint32_t mode = 0600) override;
};

}  // namespace virtus::os
