#include "storage/device_probe.h"

#include <blkid.h>

namespace virtus::storage {

namespace {

std::string quoted(std::string_view value) {
  return "'" + std::string(value) + "'";
}

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

// One blkid_probe, freed on every path.
class BlkidProbe {
 public:
  explicit BlkidProbe(const std::string& device)
      : probe_(blkid_new_probe_from_filename(device.c_str())) {}
  ~BlkidProbe() {
    if (probe_)
      blkid_free_probe(probe_);
  }
  BlkidProbe(const BlkidProbe&) = delete;
  BlkidProbe& operator=(const BlkidProbe&) = delete;

  blkid_probe get() const { return probe_; }

  // The value of `name` after a successful blkid_do_probe; "" when nothing was found.
  std::string lookup(const char* name) {
    if (blkid_do_probe(probe_) != 0)
      return {};
    const char* value = nullptr;
    if (blkid_probe_lookup_value(probe_, name, &value, nullptr) != 0 || value == nullptr)
      return {};
    return value;
  }

 private:
  blkid_probe probe_;
};

class LibblkidProbe final : public DeviceProbe {
 public:
  Result<DeviceContent> probe(const std::string& device) override {
    BlkidProbe probe(device);
    if (!probe.get()) {
      return storageError(ErrorCode::StorageProbeFailed,
                          "Failed to create filesystem probe for device " + quoted(device));
    }
    DeviceContent content;
    // Superblocks first (filesystems, LVM PVs...), then partition tables, each probe from
    // its start, as libvirt does.
    blkid_probe_enable_superblocks(probe.get(), 1);
    blkid_probe_reset_superblocks_filter(probe.get());
    blkid_probe_enable_partitions(probe.get(), 0);
    content.filesystem = probe.lookup("TYPE");
    if (content.filesystem.empty()) {
      blkid_reset_probe(probe.get());
      blkid_probe_enable_superblocks(probe.get(), 0);
      blkid_probe_enable_partitions(probe.get(), 1);
      blkid_probe_reset_partitions_filter(probe.get());
      content.partitionTable = probe.lookup("PTTYPE");
    }
    return content;
  }
};

// What is on the device compared with `format`: nothing, the same, or something else.
enum class Match { Nothing, Same, Different };

Match compare(const DeviceContent& content, std::string_view format) {
  const std::string& found =
      content.filesystem.empty() ? content.partitionTable : content.filesystem;
  if (found.empty())
    return Match::Nothing;
  return found == format ? Match::Same : Match::Different;
}

}  // namespace

std::unique_ptr<DeviceProbe> makeBlkidProbe() {
  return std::make_unique<LibblkidProbe>();
}

Result<void> checkDeviceEmpty(const DeviceContent& content, std::string_view device,
                              std::string_view format) {
  switch (compare(content, format)) {
    case Match::Nothing:
      return ok();
    case Match::Same:
      return storageError(
          ErrorCode::StoragePoolBuilt,
          "Device " + quoted(device) + " already formatted using " + quoted(format));
    case Match::Different:
      break;
  }
  return storageError(ErrorCode::StoragePoolBuilt, "Format of device " + quoted(device) +
                                                       " does not match the expected format " +
                                                       quoted(format) +
                                                       ", forced overwrite is necessary");
}

Result<void> checkDeviceFormat(const DeviceContent& content, std::string_view device,
                               std::string_view format) {
  switch (compare(content, format)) {
    case Match::Same:
      return ok();
    case Match::Nothing:
      return storageError(ErrorCode::StorageProbeFailed,
                          "Device " + quoted(device) + " is unrecognized, requires build");
    case Match::Different:
      break;
  }
  return storageError(ErrorCode::OperationInvalid, "Format of device " + quoted(device) +
                                                       " does not match the expected format " +
                                                       quoted(format));
}

}  // namespace virtus::storage
