// driver::StorageDriver over the REMOTE program: one procedure per method.
#pragma once

#include "driver/storage_driver.h"
#include "rpc/client.h"

namespace virtus::remote {

class RemoteStorageDriver final : public driver::StorageDriver {
 public:
  explicit RemoteStorageDriver(rpc::RpcClient& client) : client_(client) {}

  Result<std::vector<driver::PoolHandle>> listAllPools(unsigned flags) override;
  Result<driver::PoolHandle> lookupPoolByName(std::string_view name) override;
  Result<driver::PoolHandle> lookupPoolByUuid(const Uuid& uuid) override;
  Result<driver::PoolHandle> lookupPoolByVolume(const driver::VolHandle& vol) override;
  Result<driver::PoolHandle> definePool(std::string_view xml, unsigned flags) override;
  Result<driver::PoolHandle> createPool(std::string_view xml, unsigned flags) override;
  Result<void> undefinePool(const driver::PoolHandle& pool) override;
  Result<void> buildPool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<void> startPool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<void> destroyPool(const driver::PoolHandle& pool) override;
  Result<void> deletePool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<void> refreshPool(const driver::PoolHandle& pool, unsigned flags) override;
  Result<driver::PoolInfo> poolInfo(const driver::PoolHandle& pool) override;
  Result<std::string> poolXml(const driver::PoolHandle& pool, unsigned flags) override;
  Result<bool> poolAutostart(const driver::PoolHandle& pool) override;
  Result<void> setPoolAutostart(const driver::PoolHandle& pool, bool autostart) override;
  Result<bool> poolIsActive(const driver::PoolHandle& pool) override;
  Result<bool> poolIsPersistent(const driver::PoolHandle& pool) override;
  Result<driver::PoolHandle> lookupPoolByTargetPath(std::string_view path) override;
  Result<std::string> findPoolSources(std::string_view type, std::string_view srcSpecXml,
                                      unsigned flags) override;
  Result<std::string> poolCapabilities(unsigned flags) override;
  // Both through Virtus's own VIRTUS_POOL_STATUS; a daemon without it (libvirtd) fails the
  // call with its unknown-procedure error.
  Result<driver::PoolStatus> poolStatus(const driver::PoolHandle& pool) override;

  Result<std::vector<driver::VolHandle>> listAllVolumes(const driver::PoolHandle& pool,
                                                        unsigned flags) override;
  Result<driver::VolHandle> lookupVolByName(const driver::PoolHandle& pool,
                                            std::string_view name) override;
  Result<driver::VolHandle> lookupVolByKey(std::string_view key) override;
  Result<driver::VolHandle> lookupVolByPath(std::string_view path) override;
  Result<driver::VolHandle> createVol(const driver::PoolHandle& pool, std::string_view xml,
                                      unsigned flags) override;
  Result<driver::VolHandle> createVolFrom(const driver::PoolHandle& pool, std::string_view xml,
                                          const driver::VolHandle& source, unsigned flags,
                                          const driver::ProgressFn& progress = {}) override;
  Result<void> deleteVol(const driver::VolHandle& vol, unsigned flags) override;
  Result<void> wipeVol(const driver::VolHandle& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress = {}) override;
  Result<void> resizeVol(const driver::VolHandle& vol, std::uint64_t capacity,
                         unsigned flags) override;
  Result<driver::VolInfo> volInfo(const driver::VolHandle& vol, unsigned flags) override;
  Result<std::string> volXml(const driver::VolHandle& vol, unsigned flags) override;
  Result<std::string> volPath(const driver::VolHandle& vol) override;
  Result<void> uploadVol(const driver::VolHandle& vol, std::uint64_t offset, std::uint64_t length,
                         unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress = {}) override;
  Result<void> downloadVol(const driver::VolHandle& vol, std::uint64_t offset, std::uint64_t length,
                           unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress = {}) override;

 private:
  rpc::RpcClient& client_;
};

}  // namespace virtus::remote
