// How automatic disk leases are named, exactly as libvirt's sanlock plugin names them, so
// that Virtus and libvirt hosts sharing a lease directory see the same leases: the lockspace
// __LIBVIRT__DISKS__ (its file of that name in disk_lease_dir), and for each disk a lease
// named by the MD5 hex digest of the disk's fully qualified path, in a file of that name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace virtus::locking::sanlock {

inline constexpr std::string_view kDiskLockspace = "__LIBVIRT__DISKS__";
// Room for one lease (or the lockspace's host records) with 512-byte sectors.
inline constexpr std::uint64_t kLeaseFileSize = 1024 * 1024;

// MD5 of `path` as 32 lower-case hex digits.
std::string diskLeaseName(std::string_view path);

// A lease file's name as diskLeaseName makes them (32 hex digits).
bool isDiskLeaseName(std::string_view name);

}  // namespace virtus::locking::sanlock
