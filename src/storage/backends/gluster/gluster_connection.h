// One libgfapi connection to a gluster volume (glfs_t), the files opened through it, and
// errors that name the pool and the file's gluster:// URI. The only code of the gluster
// backend that calls gfapi.
//
// glfs_t is thread-safe: one connection serves every call on its pool at once. Closing it
// (glfs_fini, ~10 s) happens on the reaper when the last user lets go.
#pragma once

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/backends/gluster/gluster_location.h"
#include "storage/backends/gluster/gluster_reaper.h"

struct glfs;
struct glfs_fd;

namespace virtus::storage::gluster {

class GlusterFile {
 public:
  // `uri` and `poolName` name the file in error messages.
  GlusterFile(glfs_fd* fd, std::string uri, const std::string& poolName)
      : fd_(fd),
        uri_(std::move(uri)),
        where_("'" + uri_ + "' of gluster pool '" + poolName + "'") {}
  GlusterFile(const GlusterFile&) = delete;
  GlusterFile& operator=(const GlusterFile&) = delete;
  ~GlusterFile();

  const std::string& uri() const { return uri_; }
  // Up to buf.size() bytes at offset; fewer only at the end of the file.
  Result<std::size_t> readAt(std::uint64_t offset, std::span<char> buf);
  Result<void> writeAt(std::uint64_t offset, std::span<const char> data);
  Result<void> truncate(std::uint64_t size);
  // Reserves [offset, offset + length) (fallocate without KEEP_SIZE).
  Result<void> allocate(std::uint64_t offset, std::uint64_t length);
  Result<struct stat> stat();
  // The first data offset at or after `offset`; nullopt when only a hole follows.
  // VIR_ERR_OPERATION_UNSUPPORTED when the volume cannot tell (no SEEK_DATA).
  Result<std::optional<std::uint64_t>> nextData(std::uint64_t offset);
  // The first hole at or after `offset` (the end of the file at the latest).
  Result<std::uint64_t> nextHole(std::uint64_t offset);
  Result<void> sync();

 private:
  glfs_fd* fd_;
  std::string uri_;
  std::string where_;
};

struct GlusterDirEntry {
  std::string name;
  struct stat st {};
};

class GlusterConnection {
 public:
  // Connects (glfs_new, glfs_set_volfile_server, glfs_init) and checks that the pool's
  // directory exists. glfs_init runs on a reaper thread and is waited for at most
  // `initTimeout`: VIR_ERR_OPERATION_TIMEOUT after that, naming the pool and server.
  static Result<std::shared_ptr<GlusterConnection>> connect(const GlusterLocation& loc,
                                                            const std::string& poolName,
                                                            GlusterReaper& reaper,
                                                            std::chrono::milliseconds initTimeout);
  GlusterConnection(const GlusterConnection&) = delete;
  GlusterConnection& operator=(const GlusterConnection&) = delete;
  // Hands glfs_fini to the reaper.
  ~GlusterConnection();

  const GlusterLocation& location() const { return loc_; }
  const std::string& poolName() const { return poolName_; }
  // The URI of a path inside the volume, for messages and volume paths.
  std::string uri(const std::string& path) const { return glusterUri(loc_, path); }

  // The entries of a directory of the volume with their (lstat) information, without "."
  // and "..".
  Result<std::vector<GlusterDirEntry>> list(const std::string& dir);
  // stat (following symlinks) or lstat; nullopt when nothing is there (ENOENT).
  Result<std::optional<struct stat>> stat(const std::string& path, bool follow = true);
  Result<struct statvfs> statvfs(const std::string& path);
  Result<std::unique_ptr<GlusterFile>> open(const std::string& path, int flags,
                                            std::uint32_t mode = 0);
  // unlink / rmdir; ok when already gone.
  Result<void> removeFile(const std::string& path);
  Result<void> removeDirectory(const std::string& path);
  Result<void> makeDirectory(const std::string& path, std::uint32_t mode);

 private:
  GlusterConnection(glfs* fs, GlusterLocation loc, std::string poolName, GlusterReaper& reaper)
      : fs_(fs), loc_(std::move(loc)), poolName_(std::move(poolName)), reaper_(reaper) {}
  Error fail(int errnum, const std::string& what, const std::string& path) const;

  glfs* fs_;
  GlusterLocation loc_;
  std::string poolName_;
  GlusterReaper& reaper_;
};

}  // namespace virtus::storage::gluster
