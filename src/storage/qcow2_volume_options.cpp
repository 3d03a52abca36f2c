#include "storage/qcow2_volume_options.h"

#include "driver/storage_flags.h"

namespace virtus::storage {

Result<formats::Qcow2Options> qcow2OptionsFor(const model::VolDef& vol, unsigned flags) {
  formats::Qcow2Options opts;
  opts.virtualSize = vol.capacity;
  if (vol.target.clusterSize)
    opts.clusterSize = static_cast<std::uint32_t>(*vol.target.clusterSize);
  opts.compat = vol.target.compat.empty() ? "0.10" : vol.target.compat;
  if (vol.target.lazyRefcounts && opts.compat == "0.10") {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "lazy_refcounts not supported with compat level 0.10");
  }
  opts.lazyRefcounts = vol.target.lazyRefcounts;
  opts.preallocateMetadata = flags & driver::create_vol::kPreallocMetadata;
  return opts;
}

}  // namespace virtus::storage
