// What a client holds: one connection to a Virtus instance, in-process (LocalConnection,
// the storage manager on a root directory) or remote over libvirt's protocol.
#pragma once

#include <memory>
#include <string>

#include "driver/domain_driver.h"
#include "driver/secret_driver.h"
#include "driver/storage_driver.h"

namespace virtus::driver {

class Connection {
 public:
  virtual ~Connection() = default;
  virtual StorageDriver& storage() = 0;
  virtual SecretDriver& secrets() = 0;
  // The guests of the connection's hypervisor, or null when it has none (the in-process
  // connection manages storage and secrets only).
  virtual DomainDriver* domains() { return nullptr; }
  // The URI this connection serves ("virtus:///embed?root=/path" for in-process).
  virtual std::string uri() const = 0;
};

using ConnectionPtr = std::unique_ptr<Connection>;

}  // namespace virtus::driver
