#include "storage/formats/image_format.h"

#include <array>

namespace virtus::formats {

namespace {
constexpr std::array<std::string_view, 19> kNames = {
    "none", "raw",   "dir", "bochs", "cloop", "dmg", "iso",  "vpc",  "vdi",  "fat",
    "vhd",  "ploop", "cow", "qcow",  "qcow2", "qed", "vmdk", "luks", "vhdx",
};
}  // namespace

std::string_view imageFormatName(ImageFormat format) {
  return kNames[static_cast<std::size_t>(format)];
}

std::optional<ImageFormat> imageFormatFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name)
      return static_cast<ImageFormat>(i);
  }
  return std::nullopt;
}

bool isLibvirtImageFormat(ImageFormat format) {
  return static_cast<int>(format) <= static_cast<int>(ImageFormat::Vmdk);
}

ImageFormat libvirtProbedFormat(ImageFormat format) {
  switch (format) {
    case ImageFormat::Bochs:
    case ImageFormat::Cloop:
    case ImageFormat::Dmg:
    case ImageFormat::Luks:
    case ImageFormat::Vhdx:
      return ImageFormat::Raw;
    default:
      return format;
  }
}

}  // namespace virtus::formats
