// The secret API as libvirt's virSecretDriver exposes it: secrets addressed by handles
// (UUID, usage type, usage id). The in-process secret manager implements it; the daemon
// serves it over libvirt's wire protocol and the remote client consumes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/uuid.h"

namespace virtus::driver {

// libvirt's virSecretUsageType; the values are wire-visible.
enum class SecretUsageType : int {
  None = 0,
  Volume = 1,
  Ceph = 2,
  Iscsi = 3,
  Tls = 4,
  Vtpm = 5,
};

// virSecretPtr: UUID plus the usage, which clients print without another call.
struct SecretHandle {
  Uuid uuid;
  SecretUsageType usageType = SecretUsageType::None;
  std::string usageId;  // volume path, ceph/iscsi/tls/vtpm name; empty for none
  bool operator==(const SecretHandle&) const = default;
};

// virConnectListAllSecretsFlags
namespace secret_list {
inline constexpr unsigned kEphemeral = 1u << 0;
inline constexpr unsigned kNoEphemeral = 1u << 1;
inline constexpr unsigned kPrivate = 1u << 2;
inline constexpr unsigned kNoPrivate = 1u << 3;
}  // namespace secret_list

// virSecretDefineFlags
namespace secret_define {
inline constexpr unsigned kValidate = 1u << 0;
}  // namespace secret_define

class SecretDriver {
 public:
  virtual ~SecretDriver() = default;

  virtual Result<std::vector<SecretHandle>> listAllSecrets(unsigned flags) = 0;
  virtual Result<SecretHandle> lookupSecretByUuid(const Uuid& uuid) = 0;
  virtual Result<SecretHandle> lookupSecretByUsage(SecretUsageType type,
                                                   std::string_view usageId) = 0;
  virtual Result<SecretHandle> defineSecret(std::string_view xml, unsigned flags) = 0;
  virtual Result<std::string> secretXml(const SecretHandle& secret, unsigned flags) = 0;
  virtual Result<void> setSecretValue(const SecretHandle& secret, std::string_view value,
                                      unsigned flags) = 0;
  // Refused for private secrets (VIR_ERR_INVALID_SECRET "secret is private") unless
  // `internal` is set: internal callers (disk authentication) may read any secret.
  virtual Result<std::string> secretValue(const SecretHandle& secret, unsigned flags,
                                          bool internal = false) = 0;
  virtual Result<void> undefineSecret(const SecretHandle& secret) = 0;
};

}  // namespace virtus::driver
