#include "storage/image_format_facts.h"

namespace virtus::storage {

bool fillImageFormatFacts(const formats::ImageInfo& info, model::VolDef& vol) {
  using formats::ImageFormat;
  const ImageFormat shown = formats::libvirtProbedFormat(info.format);
  const bool seenAsRaw = shown == ImageFormat::Raw && info.format != ImageFormat::Raw &&
                         info.format != ImageFormat::Luks;
  vol.target.format = std::string(formats::imageFormatName(shown));
  vol.target.encryption.reset();
  if (info.format == ImageFormat::Luks) {
    vol.target.format = "raw";
    model::StorageEncryption enc;
    enc.format = "luks";
    vol.target.encryption = enc;
  } else if (info.encrypted) {
    model::StorageEncryption enc;
    enc.format = info.encryptionFormat.empty() ? "qcow" : info.encryptionFormat;
    vol.target.encryption = enc;
  }
  // libvirt names a compat level only for qcow2 version 3 images ("1.1"): a version 2 image
  // has none in its volume XML.
  const bool v3 = info.format == ImageFormat::Qcow2 && info.compat == "1.1";
  vol.target.compat = v3 ? "1.1" : "";
  vol.target.lazyRefcounts = info.lazyRefcounts;
  vol.target.hasFeatures = v3;
  return seenAsRaw;
}

}  // namespace virtus::storage
