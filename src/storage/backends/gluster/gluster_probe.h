// One entry of a gluster pool's directory as a volume definition: what libvirt's gluster
// refresh reports (type network or netdir, stat sizes, permissions, timestamps) with the
// image header probed natively (formats/image_probe.h) on bytes read through gfapi.
#pragma once

#include <sys/stat.h>

#include <string>

#include "common/result.h"
#include "model/storage/vol_def.h"
#include "storage/backends/gluster/gluster_connection.h"

namespace virtus::storage::gluster {

// Fills `vol` (name, key, path, type, sizes, format, backing store…) for entry `name` of the
// pool directory, whose lstat is `st`. false: not a volume (a dangling symlink, a special
// file, an entry that vanished). An error: the entry is there but cannot be read.
Result<bool> probeGlusterEntry(GlusterConnection& conn, const std::string& name, struct stat st,
                               model::VolDef& vol);

}  // namespace virtus::storage::gluster
