// The benchmark's data: a directory of volumes, half raw, half qcow2, named as
// libvirtd_bench.py names them so that either generator can serve both sides.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace virtus::os {
class FileSystem;
}

namespace virtus::bench {

inline constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

// "vol-00000.raw", "vol-00001.qcow2", ...: interleaved so that directory order mixes them.
std::vector<std::string> benchVolumeNames(int count);

// Writes `count` volumes into `dir` (created if missing): raw ones sparse, qcow2 ones empty
// images of `capacity` laid out natively (one layout, written to every file).
Result<void> populateVolumes(os::FileSystem& fs, const std::string& dir, int count,
                             std::uint64_t capacity = kGiB);

// Drops the clean page-cache pages of every regular file in `dir`, so that a first start
// reads the headers from disk again; returns how many files it reached. Dropping all caches
// needs privileges these machines do not give.
int evictPageCache(const std::string& dir);

}  // namespace virtus::bench
