// The dir backend's memory between refreshes: for each regular file of the pool, what its
// header said (for a subdirectory, only that it is one) (format, virtual size, backing store,
// compat, cluster size, encryption…) and the stat fields that prove the file has not changed since,
// so that a refresh costs one statx per unchanged file instead of an open, a statx, reads and a
// close.
//
// Why a matching identity is proof enough: the kernel sets a file's ctime to the current time
// on every change of its data (write, truncate, fallocate, mmap write-back) and of its inode
// (chmod, chown, rename, link, utimes), and no system call lets a user set ctime. A file
// replaced under the same name has another inode (rename, or delete and create) or, when
// rewritten in place, a new ctime. Device and inode pin the very file; size and mtime are
// checked too, for free. The one hole is timestamp granularity: the ctime is a clock tick,
// so a file changed twice within one tick, with a probe between the two changes, would keep
// its ctime. Hence a result is cached only for a file whose ctime lies before the probe by
// more than kSettleTime (files changed just before a refresh are probed again next time).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "os/file_system.h"
#include "storage/formats/image_probe.h"
#include "storage/storage_backend.h"

namespace virtus::storage::dir {

// Far longer than any timestamp tick (at most 10 ms with HZ=100), and than the small clock
// offsets of a network filesystem's server.
inline constexpr std::chrono::seconds kSettleTime{2};

struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  os::FileTime mtime, ctime;

  bool operator==(const FileIdentity& other) const;
};

FileIdentity identityOf(const os::FileStat& st);

// Whether a file last changed at `ctime` did so more than kSettleTime before `probeStart`
// (wall clock, read before the file was stat'ed).
bool isSettled(const os::FileTime& ctime, std::chrono::system_clock::time_point probeStart);

// What probing a regular file's header found, with the identity of the file it was read from
// (info.format Dir for a subdirectory: nothing read).
struct ProbedHeader {
  FileIdentity identity;
  formats::ImageInfo info;
};

class ProbeCache final : public RefreshCache {
 public:
  // For the pool directory `directory`: a cache made for another path is not used.
  explicit ProbeCache(std::string directory) : directory_(std::move(directory)) {}

  const std::string& directory() const { return directory_; }
  // The entry for file `name` of the directory, or nullptr.
  const ProbedHeader* find(const std::string& name) const;
  void add(std::string name, ProbedHeader header);
  std::size_t size() const { return entries_.size(); }
  void reserve(std::size_t n) { entries_.reserve(n); }

 private:
  std::string directory_;
  std::unordered_map<std::string, ProbedHeader> entries_;
};

}  // namespace virtus::storage::dir
