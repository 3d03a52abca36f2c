// Files and directories, injected. Only src/os touches the host; everything else reaches
// files through these interfaces so that tests can substitute or fault-inject them.
// Errors are VIR_ERR_SYSTEM_ERROR with libvirt's wording ("cannot open file '/p': reason")
// unless a method says otherwise.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace virtus::os {

struct FileTime {
  std::int64_t sec = 0;
  std::int64_t nsec = 0;
};

struct FileStat {
  std::uint64_t size = 0;
  std::uint64_t allocated = 0;  // st_blocks * 512
  std::uint32_t mode = 0;       // permission bits (07777)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  bool isRegular = false;
  bool isDirectory = false;
  bool isBlockDevice = false;
  bool isSymlink = false;
  FileTime atime, mtime, ctime;
  std::optional<FileTime> btime;  // birth time where the filesystem knows it (statx)
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
};

struct FsStat {
  std::uint64_t capacity = 0;   // f_blocks * f_frsize
  std::uint64_t available = 0;  // f_bavail * f_frsize
  std::uint64_t free = 0;       // f_bfree * f_frsize
};

// An open file descriptor; closed when destroyed.
class File {
 public:
  virtual ~File() = default;
  // Reads up to buf.size() bytes; fewer only at end of file.
  virtual Result<std::size_t> readAt(std::uint64_t offset, std::span<char> buf) = 0;
  // Writes all of data (retrying short writes); ENOSPC etc. are errors.
  virtual Result<void> writeAt(std::uint64_t offset, std::span<const char> data) = 0;
  virtual Result<FileStat> stat() = 0;
  virtual Result<void> truncate(std::uint64_t size) = 0;
  // Reserves blocks (fallocate mode 0). VIR_ERR_OPERATION_UNSUPPORTED where the
  // filesystem cannot, so callers may fall back to writing zeros.
  virtual Result<void> allocate(std::uint64_t offset, std::uint64_t length) = 0;
  // Deallocates a range, keeping the size (FALLOC_FL_PUNCH_HOLE).
  virtual Result<void> punchHole(std::uint64_t offset, std::uint64_t length) = 0;
  // SEEK_DATA: the next offset >= `offset` holding data, nullopt when only a hole follows.
  virtual Result<std::optional<std::uint64_t>> nextData(std::uint64_t offset) = 0;
  // SEEK_HOLE: the next offset >= `offset` starting a hole (the size at the end).
  virtual Result<std::uint64_t> nextHole(std::uint64_t offset) = 0;
  // Makes this file share `source`'s blocks (FICLONE). Returns false when the filesystem
  // cannot reflink, so the caller copies instead.
  virtual Result<bool> cloneFrom(File& source) = 0;
  virtual Result<void> sync() = 0;
  virtual const std::string& path() const = 0;
};

using FilePtr = std::unique_ptr<File>;

// An open directory whose entries are reached by name relative to it (openat/fstatat on its
// descriptor on Linux), sparing a walk of the whole path for each of thousands of files.
// Error messages name the entry's full path, worded as FileSystem's. Usable from several
// threads at once.
class Directory {
 public:
  virtual ~Directory() = default;
  virtual const std::string& path() const = 0;
  // Entry names (no "." or ".."), in no particular order.
  virtual Result<std::vector<std::string>> list() = 0;
  // stat (following symlinks) and lstat of entry `name`.
  virtual Result<FileStat> statAt(const std::string& name) = 0;
  virtual Result<FileStat> lstatAt(const std::string& name) = 0;
  // Opens entry `name` as FileSystem::open(path, OpenMode::Read) does.
  virtual Result<FilePtr> openAt(const std::string& name) = 0;
};

using DirectoryPtr = std::unique_ptr<Directory>;

enum class OpenMode {
  Read,             // O_RDONLY
  ReadWrite,        // O_RDWR
  WriteOnly,        // O_WRONLY: sysfs attributes that refuse readers (scan, vport_create)
  CreateExclusive,  // O_RDWR | O_CREAT | O_EXCL, with the given mode
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<FilePtr> open(const std::string& path, OpenMode mode,
                               std::uint32_t createMode = 0600) = 0;
  virtual Result<FileStat> stat(const std::string& path) = 0;  // follows symlinks
  virtual Result<FileStat> lstat(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
  // Entry names (no "." or ".."), in no particular order.
  virtual Result<std::vector<std::string>> listDirectory(const std::string& path) = 0;
  // "cannot open directory '/p': reason" when path is not an openable directory. The default
  // works through the path-based methods above (joining names to the path), so decorators
  // and fakes that only override those still see every access.
  virtual Result<DirectoryPtr> openDirectory(const std::string& path);
  virtual Result<void> makeDirectory(const std::string& path, std::uint32_t mode) = 0;
  // mkdir -p
  virtual Result<void> makeDirectories(const std::string& path, std::uint32_t mode) = 0;
  virtual Result<void> removeFile(const std::string& path) = 0;
  virtual Result<void> removeDirectory(const std::string& path) = 0;
  virtual Result<void> rename(const std::string& from, const std::string& to) = 0;
  virtual Result<void> symlink(const std::string& target, const std::string& linkPath) = 0;
  virtual Result<void> chmod(const std::string& path, std::uint32_t mode) = 0;
  virtual Result<void> chown(const std::string& path, std::optional<std::uint32_t> uid,
                             std::optional<std::uint32_t> gid) = 0;
  virtual Result<FsStat> statfs(const std::string& path) = 0;
  virtual Result<std::string> readFile(const std::string& path) = 0;
  // Crash-safe replace: temp file in the same directory, fsync, rename, fsync of the
  // directory. A crash leaves the old or the new content, never a mix.
  virtual Result<void> writeFileAtomic(const std::string& path, std::string_view content,
                                       std::uint32_t mode = 0600) = 0;
};

// One file read by readXmlFiles.
struct XmlFile {
  std::string name;  // "default.xml"
  std::string path;  // dir + "/" + name
  std::string text;
};

// The regular files named *.xml directly in `dir` (symlinks followed), by name, with their
// contents: how the stores load saved definitions. A missing directory has none; what
// cannot be listed or read goes to `problems`, and the rest is still read.
std::vector<XmlFile> readXmlFiles(FileSystem& fs, const std::string& dir,
                                  std::vector<Error>& problems);

}  // namespace virtus::os
