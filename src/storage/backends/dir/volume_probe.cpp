#include "storage/backends/dir/volume_probe.h"

#include "common/path_util.h"
#include "storage/block_node_info.h"
#include "storage/formats/image_format.h"
#include "storage/formats/image_probe.h"
#include "storage/image_format_facts.h"

namespace virtus::storage::dir {

namespace {

// Why an open failed, found without errno: entries that vanished (a race with a delete),
// dangling or looping symlinks and special files are not volumes (libvirt skips them too).
bool isSkippable(os::FileSystem& fs, const std::string& path) {
  auto l = fs.lstat(path);
  if (!l)
    return true;  // vanished
  if (l->isSymlink)
    return !fs.stat(path).has_value();
  return !(l->isRegular || l->isDirectory || l->isBlockDevice);
}

void fillFromStat(const os::FileStat& st, model::VolDef& vol) {
  vol.capacity = st.size;
  vol.hasCapacity = true;
  vol.allocation = st.allocated;
  vol.hasAllocation = true;
  vol.physical = st.size;
  fillNodeFacts(st, vol);
}

void fillFromImage(os::FileSystem& fs, const formats::ImageInfo& info, model::VolDef& vol) {
  // Reported as libvirt 9.0 sees the file: a header it does not know makes a raw volume as
  // large as the file.
  const bool seenAsRaw = fillImageFormatFacts(info, vol);
  vol.capacity = seenAsRaw ? vol.physical.value_or(info.virtualSize) : info.virtualSize;
  // vol.target.clusterSize is left as it is: libvirt 9.0 never fills it from a header, so a
  // volume shows one only while it keeps the definition it was created from.
  vol.backingStore.reset();
  if (info.backingPath && !info.backingPath->empty()) {
    model::VolBackingStore backing;
    backing.path = resolveRelativeTo(parentDirectory(vol.target.path), *info.backingPath);
    if (info.backingFormat) {
      backing.format = std::string(formats::imageFormatName(*info.backingFormat));
    }
    // Permissions of a backing file that is reachable; unknown otherwise (as libvirt).
    if (auto st = fs.stat(backing.path)) {
      backing.perms.mode = st->mode & 0777;
      backing.perms.uid = st->uid;
      backing.perms.gid = st->gid;
    }
    vol.backingStore = std::move(backing);
  }
}

void fillAsDirectory(model::VolDef& vol) {
  vol.type = model::VolType::Dir;
  vol.target.format = "dir";
}

}  // namespace

std::string resolveRelativeTo(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find("://") != std::string::npos ||
      path.rfind("json:", 0) == 0) {
    return path;
  }
  return joinPath(dir, path);
}

namespace {

// Fills vol from an open file (its stat and header); `probed` receives the header facts of a
// regular file.
Result<ProbeOutcome> probeOpenFile(os::FileSystem& fs, os::File& file, model::VolDef& vol,
                                   std::optional<ProbedHeader>* probed) {
  TRY_ASSIGN(auto st, file.stat());
  if (!st.isRegular && !st.isDirectory && !st.isBlockDevice)
    return ProbeOutcome::Skipped;
  fillFromStat(st, vol);
  if (st.isDirectory) {
    fillAsDirectory(vol);
    // Nothing read: remembered only so that the next refresh need not open it.
    if (probed != nullptr) {
      formats::ImageInfo info;
      info.format = formats::ImageFormat::Dir;
      *probed = ProbedHeader{identityOf(st), std::move(info)};
    }
    return ProbeOutcome::Volume;
  }
  vol.type = st.isBlockDevice ? model::VolType::Block : model::VolType::File;
  auto info = formats::probeImage(
      st.size,
      [&file](std::uint64_t offset, std::span<char> buf) { return file.readAt(offset, buf); },
      vol.target.path);
  if (!info)
    return std::move(info).error();
  fillFromImage(fs, *info, vol);
  // Block devices never: their size and times do not follow what is written to them.
  if (probed != nullptr && st.isRegular)
    *probed = ProbedHeader{identityOf(st), std::move(*info)};
  return ProbeOutcome::Volume;
}

// Why an entry of `dir` could not be opened or stat'ed, as isSkippable.
bool isSkippableAt(os::Directory& dir, const std::string& name) {
  auto l = dir.lstatAt(name);
  if (!l)
    return true;  // vanished
  if (l->isSymlink)
    return !dir.statAt(name).has_value();
  return !(l->isRegular || l->isDirectory || l->isBlockDevice);
}

void initEntry(const std::string& poolPath, const std::string& name, model::VolDef& vol) {
  vol = model::VolDef{};
  vol.name = name;
  vol.target.path = joinPath(poolPath, name);
  vol.key = vol.target.path;
  vol.type = model::VolType::File;
}

}  // namespace

Result<ProbeOutcome> probeVolumeFile(os::FileSystem& fs, model::VolDef& vol) {
  const std::string& path = vol.target.path;
  auto opened = fs.open(path, os::OpenMode::Read);
  if (!opened) {
    if (isSkippable(fs, path))
      return ProbeOutcome::Skipped;
    return std::move(opened).error();
  }
  return probeOpenFile(fs, **opened, vol, nullptr);
}

Result<ProbeOutcome> probePoolEntry(os::FileSystem& fs, const std::string& poolPath,
                                    const std::string& name, model::VolDef& vol) {
  initEntry(poolPath, name, vol);
  return probeVolumeFile(fs, vol);
}

Result<ProbeOutcome> probeDirEntry(os::FileSystem& fs, os::Directory& dir, const std::string& name,
                                   const ProbedHeader* cached, model::VolDef& vol,
                                   std::optional<ProbedHeader>& probed) {
  initEntry(dir.path(), name, vol);
  probed.reset();
  if (cached != nullptr) {
    auto st = dir.statAt(name);
    if (!st) {
      if (isSkippableAt(dir, name))
        return ProbeOutcome::Skipped;
      return std::move(st).error();
    }
    if (st->isDirectory) {
      // A directory has no header: its stat is all there is to know.
      fillFromStat(*st, vol);
      fillAsDirectory(vol);
      formats::ImageInfo info;
      info.format = formats::ImageFormat::Dir;
      probed = ProbedHeader{identityOf(*st), std::move(info)};
      return ProbeOutcome::Volume;
    }
    if (st->isRegular && identityOf(*st) == cached->identity &&
        cached->info.format != formats::ImageFormat::Dir) {
      fillFromStat(*st, vol);
      fillFromImage(fs, cached->info, vol);
      probed = *cached;
      return ProbeOutcome::Volume;
    }
  }
  auto opened = dir.openAt(name);
  if (!opened) {
    if (isSkippableAt(dir, name))
      return ProbeOutcome::Skipped;
    return std::move(opened).error();
  }
  return probeOpenFile(fs, **opened, vol, &probed);
}

}  // namespace virtus::storage::dir
