// A FileSystem that hands every call to another one: the base of decorators (counting,
// fault injection) that override only the calls they watch. It keeps FileSystem's default
// openDirectory, so a Directory it opens goes through the decorator's path-based calls too.
#pragma once

#include "os/file_system.h"

namespace virtus::os {

class ForwardingFileSystem : public FileSystem {
 public:
  explicit ForwardingFileSystem(FileSystem& inner) : inner_(inner) {}

  Result<FilePtr> open(const std::string& path, OpenMode mode,
                       std::uint32_t createMode = 0600) override {
    return inner_.open(path, mode, createMode);
  }
  Result<FileStat> stat(const std::string& path) override { return inner_.stat(path); }
  Result<FileStat> lstat(const std::string& path) override { return inner_.lstat(path); }
  bool exists(const std::string& path) override { return inner_.exists(path); }
  Result<std::vector<std::string>> listDirectory(const std::string& path) override {
    return inner_.listDirectory(path);
  }
  Result<void> makeDirectory(const std::string& path, std::uint32_t mode) override {
    return inner_.makeDirectory(path, mode);
  }
  Result<void> makeDirectories(const std::string& path, std::uint32_t mode) override {
    return inner_.makeDirectories(path, mode);
  }
  Result<void> removeFile(const std::string& path) override { return inner_.removeFile(path); }
  Result<void> removeDirectory(const std::string& path) override {
    return inner_.removeDirectory(path);
  }
  Result<void> rename(const std::string& from, const std::string& to) override {
    return inner_.rename(from, to);
  }
  Result<void> symlink(const std::string& target, const std::string& linkPath) override {
    return inner_.symlink(target, linkPath);
  }
  Result<void> chmod(const std::string& path, std::uint32_t mode) override {
    return inner_.chmod(path, mode);
  }
  Result<void> chown(const std::string& path, std::optional<std::uint32_t> uid,
                     std::optional<std::uint32_t> gid) override {
    return inner_.chown(path, uid, gid);
  }
  Result<FsStat> statfs(const std::string& path) override { return inner_.statfs(path); }
  Result<std::string> readFile(const std::string& path) override { return inner_.readFile(path); }
  Result<void> writeFileAtomic(const std::string& path, std::string_view content,
                               std::uint32_t mode = 0600) override {
    return inner_.writeFileAtomic(path, content, mode);
  }

 protected:
  FileSystem& inner_;
};

}  // namespace virtus::os
