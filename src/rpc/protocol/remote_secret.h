// Secret messages of the REMOTE program that need their own shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rpc/protocol/remote_types.h"

namespace virtus::rpc::remote {

struct SecretLookupByUsageArgs {
  std::int32_t usageType = 0;
  std::string usageID;
  VIRTUS_XDR(usageType, usageID)
};

struct SecretSetValueArgs {
  Secret secret;
  XdrOpaque<kSecretValueMax> value;
  std::uint32_t flags = 0;
  VIRTUS_XDR(secret, value, flags)
};

struct SecretValueRet {
  XdrOpaque<kSecretValueMax> value;
  VIRTUS_XDR(value)
};

struct SecretEventRegisterArgs {
  std::int32_t eventID = 0;
  std::optional<Secret> secret;
  VIRTUS_XDR(eventID, secret)
};

}  // namespace virtus::rpc::remote
