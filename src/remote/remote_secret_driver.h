// driver::SecretDriver over the REMOTE program: one procedure per method.
#pragma once

#include "driver/secret_driver.h"
#include "rpc/client.h"

namespace virtus::remote {

class RemoteSecretDriver final : public driver::SecretDriver {
 public:
  explicit RemoteSecretDriver(rpc::RpcClient& client) : client_(client) {}

  Result<std::vector<driver::SecretHandle>> listAllSecrets(unsigned flags) override;
  Result<driver::SecretHandle> lookupSecretByUuid(const Uuid& uuid) override;
  Result<driver::SecretHandle> lookupSecretByUsage(driver::SecretUsageType type,
                                                   std::string_view usageId) override;
  Result<driver::SecretHandle> defineSecret(std::string_view xml, unsigned flags) override;
  Result<std::string> secretXml(const driver::SecretHandle& secret, unsigned flags) override;
  Result<void> setSecretValue(const driver::SecretHandle& secret, std::string_view value,
                              unsigned flags) override;
  // `internal` cannot cross the wire: the daemon applies its own rule for private secrets.
  Result<std::string> secretValue(const driver::SecretHandle& secret, unsigned flags,
                                  bool internal = false) override;
  Result<void> undefineSecret(const driver::SecretHandle& secret) override;

 private:
  rpc::RpcClient& client_;
};

}  // namespace virtus::remote
