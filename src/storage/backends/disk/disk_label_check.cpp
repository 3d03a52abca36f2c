#include "storage/backends/disk/disk_label_check.h"

#include <algorithm>
#include <array>

#include "storage/backends/disk/disk_layout.h"
#include "storage/backends/disk/parted_commands.h"

namespace virtus::storage::disk {

namespace {

// libvirt's disk pool formats (virStoragePoolFormatDisk), "unknown" aside.
constexpr std::array<std::string_view, 8> kKnownLabels = {
    "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2",
};

Error failed(std::string message) {
  return makeError(ErrorCode::OperationFailed, ErrorDomain::Storage, std::move(message));
}

}  // namespace

bool needsPartedLabelCheck(std::string_view format) {
  return format == "dvh" || format == "pc98";
}

Result<void> checkPartedLabel(const os::CommandOutput& print, std::string_view format,
                              bool writelabel) {
  if (print.exitStatus != 0) {
    if (isUnrecognisedLabel(print.out, print.err)) {
      if (writelabel)
        return ok();
      return failed("Unrecognized disk label found, requires build");
    }
    return failed("Error checking for disk label, failed to get disk partition information");
  }
  auto table = parsePrint(print.out);
  if (!table)
    return failed("Unable to determine Partition Type, requires build --overwrite");
  const std::string label = libvirtLabel(table->label);
  if (std::find(kKnownLabels.begin(), kKnownLabels.end(), label) == kKnownLabels.end())
    return failed("Unknown Partition Type, requires build --overwrite");
  if (label != format)
    return failed("Known, but different label format present, requires build --overwrite");
  if (writelabel) {
    return makeError(ErrorCode::OperationInvalid, ErrorDomain::Storage,
                     "Disk label already formatted using '" + std::string(format) + "'");
  }
  return ok();
}

}  // namespace virtus::storage::disk
