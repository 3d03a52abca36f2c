// The QEMU capabilities cache: a probe result per binary, kept as JSON in
// <cacheDir>/<sha256 of the binary's path>.json together with the identity of the binary it
// describes (path, size, mtime and ctime in ns, inode) and the cache format version. A load
// whose binary still has that identity reads the file and spawns nothing; otherwise the
// binary is probed again and the file replaced atomically (temp file + rename). The host
// facts the probe depends on (hostKey) are kept too: when they change, the probe runs again.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "hypervisor/qemu/qemu_caps.h"
#include "hypervisor/qemu/qemu_caps_probe.h"

namespace virtus::os {
class FileSystem;
}

namespace virtus::qemu {

struct QemuBinaryIdentity {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtimeNs = 0;
  std::int64_t ctimeNs = 0;
  std::uint64_t inode = 0;
  bool operator==(const QemuBinaryIdentity&) const = default;
};

// The identity of `path` now (stat follows symlinks: the identity is the real binary's).
Result<QemuBinaryIdentity> qemuBinaryIdentity(os::FileSystem& fs, const std::string& path);

class QemuCapsCache {
 public:
  // Bumped whenever QemuCaps or its JSON changes meaning: older files are probed again.
  static constexpr int kFormatVersion = 1;

  // `prober` is called for a binary without a valid cache entry (probeQemuCaps in the
  // daemon). `hostKey` names the host facts the probe depends on (qemuCapsHostKey): an
  // entry written under another key is stale. `fs` must outlive the cache.
  QemuCapsCache(std::string cacheDir, os::FileSystem& fs, QemuCapsProber prober,
                std::string hostKey = {});

  // The capabilities of `binary`: from memory or the cache file when the binary's identity
  // is unchanged, else from a new probe (then written to the cache; a failed write is not
  // an error, the next load probes again). Errors: the binary cannot be stat'ed
  // (SYSTEM_ERROR), or the probe failed (its error). Serialised: concurrent loads of one
  // binary probe it once.
  Result<QemuCaps> load(const std::string& binary);

  // The cache file of `binary`.
  std::string cachePath(const std::string& binary) const;

 private:
  Result<QemuCaps> readEntry(const std::string& binary, const QemuBinaryIdentity& identity);
  Result<void> writeEntry(const QemuCaps& caps, const QemuBinaryIdentity& identity);

  std::string cacheDir_;
  os::FileSystem& fs_;
  QemuCapsProber prober_;
  std::string hostKey_;
  std::mutex mutex_;
  struct Entry {
    QemuBinaryIdentity identity;
    QemuCaps caps;
  };
  std::map<std::string, Entry> memory_;
};

}  // namespace virtus::qemu
