// What a volume definition shows of a probed image header, as libvirt 9.0 shows it: the
// format libvirt itself would probe (formats::libvirtProbedFormat: bochs, cloop, dmg and
// vhdx look raw to it), a LUKS container as an encrypted raw volume, the encryption of qcow
// images, and qcow2 version 3's compat level and features. Shared by the backends that probe
// headers natively (dir, gluster); capacity and backing store are theirs to fill.
#pragma once

#include "model/storage/vol_def.h"
#include "storage/formats/image_probe.h"

namespace virtus::storage {

// Fills vol.target's format, encryption, compat, lazyRefcounts and hasFeatures. Returns
// true when libvirt sees the image as raw although it is not: its capacity is then the size
// of the file, not the image's virtual size.
bool fillImageFormatFacts(const formats::ImageInfo& info, model::VolDef& vol);

}  // namespace virtus::storage
