// Pure builders of the qemu-img and scrub command lines the dir backend runs for what it
// does not do natively, argument for argument as libvirt's storage_util.c builds them
// (tests/storagevolxml2argvdata in libvirt's tree).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "driver/storage_flags.h"
#include "model/storage/vol_def.h"
#include "os/command.h"

namespace virtus::storage::dir {

inline constexpr const char* kQemuImg = "qemu-img";
inline constexpr const char* kScrub = "scrub";

// The "-o" option string for a new image of vol's format: backing_fmt, preallocation,
// nocow, compat (qcow2 defaults to 0.10, as libvirt), cluster_size, lazy_refcounts.
// `backingFormat` is used only when vol has a backing store. Empty when nothing applies.
Result<std::string> qemuImgCreateOptions(const model::VolDef& vol, const std::string& backingFormat,
                                         unsigned flags);

// qemu-img create -f FMT [-b BACKING] [-o OPTS] PATH [SIZEK]
// (the size is the capacity in KiB, rounded up; omitted when the volume has no capacity and
// a backing store gives it).
Result<os::Command> buildQemuImgCreate(const model::VolDef& vol, const std::string& backingFormat,
                                       unsigned flags);

// qemu-img convert -f SRCFMT -O DSTFMT [-o OPTS] SRCPATH DSTPATH
Result<os::Command> buildQemuImgConvert(const model::VolDef& vol, const model::VolDef& source,
                                        unsigned flags);

// qemu-img resize [--shrink] PATH SIZE (bytes, rounded up to a multiple of 512)
os::Command buildQemuImgResize(const std::string& path, std::uint64_t capacity, bool shrink);

// The scrub pattern name of a wipe algorithm; nullopt for zero and trim (done natively).
std::optional<std::string> scrubPatternName(driver::WipeAlgorithm algorithm);

// scrub -f -p PATTERN PATH
os::Command buildScrub(const std::string& pattern, const std::string& path);

}  // namespace virtus::storage::dir
