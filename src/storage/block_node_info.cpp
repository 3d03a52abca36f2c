#include "storage/block_node_info.h"

namespace virtus::storage {

namespace {

model::Timestamp toTimestamp(const os::FileTime& t) {
  return model::Timestamp{t.sec, t.nsec};
}

}  // namespace

void fillNodeFacts(const os::FileStat& st, model::VolDef& vol) {
  vol.target.perms.mode = st.mode & 0777;
  vol.target.perms.uid = st.uid;
  vol.target.perms.gid = st.gid;
  model::StorageTimestamps ts;
  ts.atime = toTimestamp(st.atime);
  if (st.btime)
    ts.btime = toTimestamp(*st.btime);
  ts.ctime = toTimestamp(st.ctime);
  ts.mtime = toTimestamp(st.mtime);
  vol.target.timestamps = ts;
}

Result<void> fillBlockNodeInfo(os::FileSystem& fs, const std::string& path, model::VolDef& vol) {
  os::FileStat st;
  if (auto file = fs.open(path, os::OpenMode::Read)) {
    TRY_ASSIGN(st, (*file)->stat());
    vol.physical = st.size;
  } else {
    TRY_ASSIGN(st, fs.stat(path));
  }
  fillNodeFacts(st, vol);
  return ok();
}

}  // namespace virtus::storage
