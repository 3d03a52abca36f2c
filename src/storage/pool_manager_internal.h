// Helpers shared by the files that implement PoolManager (pool_manager.cpp,
// pool_manager_lifecycle.cpp, pool_manager_volumes.cpp): libvirt's error texts for the
// storage driver, flag checks, handles and allocation bookkeeping. Not for other users.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/result.h"
#include "driver/storage_driver.h"
#include "storage/pool_object.h"

namespace virtus::storage::pool_manager_detail {

Error storageError(ErrorCode code, std::string message);
std::string quoted(std::string_view s);

// libvirt's virCheckFlags.
Result<void> checkFlags(unsigned flags, unsigned allowed, const char* function);

Error notActive(const PoolObject& pool);
Error stillActive(const PoolObject& pool);
Error alreadyActive(const PoolObject& pool);
Error asyncJobsRunning(const PoolObject& pool);
Error noVolumeNamed(std::string_view name);
Error noPoolNamed(std::string_view name);
Error volumeInUse(const VolumeObject& vol);
Error volumeBuilding(const VolumeObject& vol);

// The pool's figures after a volume took or gave back `bytes`.
void chargeAllocation(model::PoolDef& def, std::uint64_t bytes);
void releaseAllocation(model::PoolDef& def, std::uint64_t bytes);

driver::PoolHandle handleOf(const PoolObject& pool);
driver::VolHandle volHandleOf(const PoolObject& pool, const VolumeObject& vol);

}  // namespace virtus::storage::pool_manager_detail
