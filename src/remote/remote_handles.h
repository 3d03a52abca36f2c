// The driver's handles and the REMOTE program's: the same fields, kept apart so that the
// driver API does not depend on the wire structs.
#pragma once

#include "driver/domain_driver.h"
#include "driver/secret_driver.h"
#include "driver/storage_driver.h"
#include "rpc/protocol/remote_types.h"

namespace virtus::remote {

inline rpc::remote::Pool toWire(const driver::PoolHandle& pool) {
  return {pool.name, pool.uuid};
}
inline driver::PoolHandle fromWire(const rpc::remote::Pool& pool) {
  return {pool.name, pool.uuid};
}
inline rpc::remote::Vol toWire(const driver::VolHandle& vol) {
  return {vol.pool, vol.name, vol.key};
}
inline driver::VolHandle fromWire(const rpc::remote::Vol& vol) {
  return {vol.pool, vol.name, vol.key};
}
inline rpc::remote::Secret toWire(const driver::SecretHandle& secret) {
  return {secret.uuid, static_cast<std::int32_t>(secret.usageType), secret.usageId};
}
inline driver::SecretHandle fromWire(const rpc::remote::Secret& secret) {
  return {secret.uuid, static_cast<driver::SecretUsageType>(secret.usageType), secret.usageID};
}

inline rpc::remote::Domain toWire(const driver::DomainHandle& dom) {
  return {dom.name, dom.uuid, dom.id};
}
inline driver::DomainHandle fromWire(const rpc::remote::Domain& dom) {
  return {dom.name, dom.uuid, dom.id};
}

}  // namespace virtus::remote
