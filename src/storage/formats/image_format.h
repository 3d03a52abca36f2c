// Disk image formats, named as libvirt names them (virStorageFileFormat).
#pragma once

#include <optional>
#include <string_view>

namespace virtus::formats {

// libvirt 9.0's virStorageFileFormat, same names and numbers (None .. Vmdk), followed by
// formats that qemu knows but libvirt 9.0 does not name (Luks, Vhdx): libvirt rejects them as
// a volume format ("unknown volume format type luks") and probes them as raw.
enum class ImageFormat {
  None = 0,
  Raw,
  Dir,
  Bochs,
  Cloop,
  Dmg,
  Iso,
  Vpc,
  Vdi,
  Fat,
  Vhd,
  Ploop,
  Cow,
  Qcow,
  Qcow2,
  Qed,
  Vmdk,
  // Beyond libvirt's list: qemu driver names only.
  Luks,
  Vhdx,
};

std::string_view imageFormatName(ImageFormat format);
// Any name above, including the qemu-only ones.
std::optional<ImageFormat> imageFormatFromName(std::string_view name);
// Whether libvirt 9.0 has the format in virStorageFileFormat (accepts it as a volume format).
bool isLibvirtImageFormat(ImageFormat format);
// What libvirt 9.0's probe reports for a file of this real format: libvirt recognises no
// bochs, cloop, dmg or vhdx header and sees a LUKS volume as raw with LUKS encryption, so those
// become Raw (with the file size as capacity, except LUKS: file size minus the payload offset).
ImageFormat libvirtProbedFormat(ImageFormat format);

}  // namespace virtus::formats
