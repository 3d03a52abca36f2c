// Native qcow2 creation: the bytes qemu-img would write for a new image, computed without
// touching the host; the caller applies them to the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/formats/image_format.h"

namespace virtus::formats {

struct Qcow2Options {
  std::uint64_t virtualSize = 0;
  std::uint32_t clusterSize = 65536;  // power of two, 512 .. 2 MiB
  std::string compat = "1.1";         // "0.10" (version 2) or "1.1" (version 3)
  bool lazyRefcounts = false;         // only with compat 1.1
  std::optional<std::string> backingFile;
  std::optional<ImageFormat> backingFormat;
  bool preallocateMetadata = false;  // qemu-img's preallocation=metadata
};

// What to write into a new, empty file: the regions qemu-img writes (whole metadata clusters,
// zeros included, so that the file allocates what qemu-img's does); the rest stays a hole.
struct ImageLayout {
  std::vector<std::pair<std::uint64_t, std::string>> writes;  // (offset, bytes), non-overlapping
  std::uint64_t fileSize = 0;  // truncate the file to this after the writes
};

// Checks and normalises the options: VIR_ERR_INVALID_ARG or VIR_ERR_CONFIG_UNSUPPORTED with a
// message naming the offending value.
Result<Qcow2Options> validateQcow2Options(Qcow2Options options);

// The writes that make an empty (or metadata-preallocated) qcow2 image.
Result<ImageLayout> layoutQcow2(const Qcow2Options& options);

}  // namespace virtus::formats
