// The REMOTE program's handlers by area, registered into one table, and the conversions
// between the driver API's handles and the wire's.
#pragma once

#include "daemon/dispatch_session.h"
#include "driver/domain_driver.h"
#include "driver/secret_driver.h"
#include "driver/storage_driver.h"
#include "rpc/protocol/remote_types.h"

namespace virtus::daemon {

void registerConnectHandlers(HandlerTable& table);
void registerStorageHandlers(HandlerTable& table);
void registerStreamHandlers(HandlerTable& table);
void registerConsoleHandlers(HandlerTable& table);  // dispatch_console.cpp
void registerSecretHandlers(HandlerTable& table);
void registerDomainHandlers(HandlerTable& table);
void registerDomainEventHandlers(HandlerTable& table);
void registerLockHandlers(HandlerTable& table);  // dispatch_locks.cpp

inline rpc::remote::Pool toWire(const driver::PoolHandle& p) {
  return {p.name, p.uuid};
}
inline driver::PoolHandle fromWire(const rpc::remote::Pool& p) {
  return {p.name, p.uuid};
}
inline rpc::remote::Vol toWire(const driver::VolHandle& v) {
  return {v.pool, v.name, v.key};
}
inline driver::VolHandle fromWire(const rpc::remote::Vol& v) {
  return {v.pool, v.name, v.key};
}
inline rpc::remote::Domain toWire(const driver::DomainHandle& d) {
  return {d.name, d.uuid, d.id};
}
inline driver::DomainHandle fromWire(const rpc::remote::Domain& d) {
  return {d.name, d.uuid, d.id};
}
inline rpc::remote::Secret toWire(const driver::SecretHandle& s) {
  return {s.uuid, static_cast<std::int32_t>(s.usageType), s.usageId};
}
inline driver::SecretHandle fromWire(const rpc::remote::Secret& s) {
  return {s.uuid, static_cast<driver::SecretUsageType>(s.usageType), s.usageID};
}

// A list reply's size check: libvirt refuses lists longer than the protocol's limit.
Result<void> checkListLimit(std::size_t size, std::string_view what);
// The legacy name-list calls' `maxnames` argument.
Result<void> checkMaxNames(std::int32_t maxnames, std::string_view what);

}  // namespace virtus::daemon
