// The <storagepoolCapabilities> document of virConnectGetStoragePoolCapabilities: every
// pool type libvirt knows, whether this build can run it, and the source and volume
// formats each type takes. Formatting works from plain data so that it can be tested
// without a manager; describePoolTypes() fills that data from the model's tables.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/storage/pool_def.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// One <poolOptions> or <volOptions> element: the default and the names of the enum.
struct FormatChoices {
  std::string_view defaultFormat;
  std::span<const std::string_view> values;
};

struct PoolTypeCapability {
  std::string_view type;
  bool supported = false;
  std::optional<FormatChoices> poolOptions;  // <enum name='sourceFormatType'>
  std::optional<FormatChoices> volOptions;   // <enum name='targetFormatType'>
  // Virtus's <operations> (driver::pool_caps::kVirtusOperations): what the type's backend
  // implements, from operationNames(); nullopt leaves the element out, as libvirt has none.
  std::optional<std::vector<std::string_view>> operations;
};

// libvirt 9.0's virStoragePoolCapsFormat layout, pools in the order given.
std::string formatPoolCapabilities(std::span<const PoolTypeCapability> pools);

// The operations a backend implements, by the names virsh gives their commands without the
// "pool-" prefix ("build", "vol-resize"...), in a fixed order; "refresh" always.
std::vector<std::string_view> operationNames(const BackendFeatures& features);

// Every pool type in libvirt's enum order, with its formats from pool_type_traits.h and
// vol_format_names.h; `supported` says which types have a backend.
std::vector<PoolTypeCapability> describePoolTypes(
    const std::function<bool(model::PoolType)>& supported);

}  // namespace virtus::storage
