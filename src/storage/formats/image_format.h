// Disk image formats, named as libvirt names them (virStorageFileFormat).
#pragma once

#include <optional>
#include <string_view>

namespace virtus::formats {

// libvirt's virStorageFileFormat order.
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
  Luks,
  Vhdx,
};

std::string_view imageFormatName(ImageFormat format);
std::optional<ImageFormat> imageFormatFromName(std::string_view name);

}  // namespace virtus::formats
