#include "storage/backends/gluster/gluster_probe.h"

#include <fcntl.h>

#include "storage/backends/gluster/gluster_location.h"
#include "storage/formats/image_format.h"
#include "storage/formats/image_probe.h"
#include "storage/image_format_facts.h"

namespace virtus::storage::gluster {

namespace {

model::Timestamp toTimestamp(const struct timespec& t) {
  return model::Timestamp{static_cast<std::int64_t>(t.tv_sec),
                          static_cast<std::int64_t>(t.tv_nsec)};
}

void fillFromStat(const struct stat& st, model::VolDef& vol) {
  vol.capacity = static_cast<std::uint64_t>(st.st_size);
  vol.hasCapacity = true;
  vol.allocation = static_cast<std::uint64_t>(st.st_blocks) * 512;
  vol.hasAllocation = true;
  vol.physical = static_cast<std::uint64_t>(st.st_size);
  vol.target.perms.mode = st.st_mode & 0777;
  vol.target.perms.uid = st.st_uid;
  vol.target.perms.gid = st.st_gid;
  model::StorageTimestamps ts;
  ts.atime = toTimestamp(st.st_atim);
  ts.ctime = toTimestamp(st.st_ctim);
  ts.mtime = toTimestamp(st.st_mtim);
  vol.target.timestamps = ts;
}

// The directory part of a URI ("gluster://h/vol/dir/" for "gluster://h/vol/dir/a.qcow2").
std::string uriDirectory(const std::string& uri) {
  return uri.substr(0, uri.rfind('/') + 1);
}

void fillFromImage(const formats::ImageInfo& info, model::VolDef& vol) {
  if (!fillImageFormatFacts(info, vol))
    vol.capacity = info.virtualSize;
  vol.backingStore.reset();
  if (info.backingPath && !info.backingPath->empty()) {
    model::VolBackingStore backing;
    const std::string& raw = *info.backingPath;
    // A relative name is relative to the image, as qemu resolves it: here, a URI.
    const bool absolute =
        raw.front() == '/' || raw.find("://") != std::string::npos || raw.rfind("json:", 0) == 0;
    backing.path = absolute ? raw : uriDirectory(vol.target.path) + raw;
    if (info.backingFormat)
      backing.format = std::string(formats::imageFormatName(*info.backingFormat));
    vol.backingStore = std::move(backing);
  }
}

}  // namespace

Result<bool> probeGlusterEntry(GlusterConnection& conn, const std::string& name, struct stat st,
                               model::VolDef& vol) {
  const GlusterLocation& loc = conn.location();
  const std::string path = loc.dir + name;
  vol = model::VolDef{};
  vol.name = name;
  vol.target.path = glusterVolumeUri(loc, name);
  vol.key = vol.target.path;
  vol.type = model::VolType::Network;

  if (S_ISLNK(st.st_mode)) {
    // Follow symlinks; dangling ones are not volumes (as libvirt).
    TRY_ASSIGN(auto target, conn.stat(path));
    if (!target)
      return false;
    st = *target;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    return false;
  fillFromStat(st, vol);
  if (S_ISDIR(st.st_mode)) {
    vol.type = model::VolType::Netdir;
    vol.target.format = "dir";
    return true;
  }
  auto opened = conn.open(path, O_RDONLY);
  if (!opened) {
    // Vanished between the listing and the open: not a volume any more.
    TRY_ASSIGN(auto again, conn.stat(path, false));
    if (!again)
      return false;
    return std::move(opened).error();
  }
  GlusterFile& file = **opened;
  TRY_ASSIGN(auto info, formats::probeImage(
                            static_cast<std::uint64_t>(st.st_size),
                            [&file](std::uint64_t offset, std::span<char> buf) {
                              return file.readAt(offset, buf);
                            },
                            name));
  fillFromImage(info, vol);
  return true;
}

}  // namespace virtus::storage::gluster
