#include "storage/storage_backend.h"

#include "model/storage/pool_type_name.h"

namespace virtus::storage {

namespace {
Error unsupported(const StorageBackend& backend, std::string_view operation) {
  return makeError(ErrorCode::NoSupport, ErrorDomain::Storage,
                   "storage pool type '" + std::string(model::poolTypeName(backend.type())) +
                       "' does not support " + std::string(operation));
}
}  // namespace

Result<bool> StorageBackend::checkPool(const PoolRuntime&) {
  return false;
}
Result<void> StorageBackend::buildPool(PoolRuntime&, unsigned) {
  return unsupported(*this, "pool build");
}
Result<void> StorageBackend::startPool(PoolRuntime&) {
  return ok();
}
Result<void> StorageBackend::stopPool(PoolRuntime&) {
  return ok();
}
Result<void> StorageBackend::deletePool(PoolRuntime&, unsigned) {
  return unsupported(*this, "pool deletion");
}
Result<std::string> StorageBackend::findPoolSources(std::string_view, unsigned) {
  return unsupported(*this, "source discovery");
}
Result<void> StorageBackend::createVol(PoolRuntime&, model::VolDef&) {
  return unsupported(*this, "volume creation");
}
Result<void> StorageBackend::buildVol(PoolRuntime&, model::VolDef&, unsigned) {
  return unsupported(*this, "volume building");
}
Result<void> StorageBackend::buildVolFrom(PoolRuntime&, model::VolDef&, const model::VolDef&,
                                          unsigned, const driver::ProgressFn&) {
  return unsupported(*this, "volume cloning");
}
Result<std::optional<model::VolDef>> StorageBackend::lookupVol(PoolRuntime&, std::string_view) {
  return std::optional<model::VolDef>();
}
Result<void> StorageBackend::refreshVol(PoolRuntime&, model::VolDef&) {
  return ok();
}
Result<void> StorageBackend::deleteVol(PoolRuntime&, model::VolDef&, unsigned) {
  return unsupported(*this, "volume deletion");
}
Result<void> StorageBackend::resizeVol(PoolRuntime&, model::VolDef&, std::uint64_t, unsigned) {
  return unsupported(*this, "volume resize");
}
Result<void> StorageBackend::uploadVol(PoolRuntime&, model::VolDef&, std::uint64_t, std::uint64_t,
                                       unsigned, driver::StreamSource&, const driver::ProgressFn&) {
  return unsupported(*this, "volume upload");
}
Result<void> StorageBackend::downloadVol(PoolRuntime&, const model::VolDef&, std::uint64_t,
                                         std::uint64_t, unsigned, driver::StreamSink&,
                                         const driver::ProgressFn&) {
  return unsupported(*this, "volume download");
}
Result<void> StorageBackend::wipeVol(PoolRuntime&, model::VolDef&, driver::WipeAlgorithm, unsigned,
                                     const driver::ProgressFn&) {
  return unsupported(*this, "volume wiping");
}

}  // namespace virtus::storage
