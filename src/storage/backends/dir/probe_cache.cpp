#include "storage/backends/dir/probe_cache.h"

namespace virtus::storage::dir {

namespace {

bool sameTime(const os::FileTime& a, const os::FileTime& b) {
  return a.sec == b.sec && a.nsec == b.nsec;
}

}  // namespace

bool FileIdentity::operator==(const FileIdentity& other) const {
  return device == other.device && inode == other.inode && size == other.size &&
         sameTime(mtime, other.mtime) && sameTime(ctime, other.ctime);
}

FileIdentity identityOf(const os::FileStat& st) {
  return FileIdentity{st.device, st.inode, st.size, st.mtime, st.ctime};
}

bool isSettled(const os::FileTime& ctime, std::chrono::system_clock::time_point probeStart) {
  using namespace std::chrono;
  const auto changed = system_clock::time_point(
      duration_cast<system_clock::duration>(seconds(ctime.sec) + nanoseconds(ctime.nsec)));
  return changed + kSettleTime < probeStart;
}

const ProbedHeader* ProbeCache::find(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

void ProbeCache::add(std::string name, ProbedHeader header) {
  entries_.insert_or_assign(std::move(name), std::move(header));
}

}  // namespace virtus::storage::dir
