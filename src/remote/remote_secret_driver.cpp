#include "remote/remote_secret_driver.h"

#include <utility>

#include "remote/remote_handles.h"

namespace virtus::remote {

using rpc::remote::Proc;

namespace {

Result<driver::SecretHandle> secretFrom(Result<rpc::remote::HandleValue<rpc::remote::Secret>> r) {
  if (!r)
    return std::move(r).error();
  return fromWire(r->value);
}

}  // namespace

Result<std::vector<driver::SecretHandle>> RemoteSecretDriver::listAllSecrets(unsigned flags) {
  TRY_ASSIGN(auto ret, client_.call<Proc::ConnectListAllSecrets>({1, flags}));
  std::vector<driver::SecretHandle> secrets;
  secrets.reserve(ret.items.size());
  for (const auto& s : ret.items)
    secrets.push_back(fromWire(s));
  return secrets;
}

Result<driver::SecretHandle> RemoteSecretDriver::lookupSecretByUuid(const Uuid& uuid) {
  return secretFrom(client_.call<Proc::SecretLookupByUuid>({uuid}));
}

Result<driver::SecretHandle> RemoteSecretDriver::lookupSecretByUsage(driver::SecretUsageType type,
                                                                     std::string_view usageId) {
  return secretFrom(client_.call<Proc::SecretLookupByUsage>(
      {static_cast<std::int32_t>(type), std::string(usageId)}));
}

Result<driver::SecretHandle> RemoteSecretDriver::defineSecret(std::string_view xml,
                                                              unsigned flags) {
  return secretFrom(client_.call<Proc::SecretDefineXml>({std::string(xml), flags}));
}

Result<std::string> RemoteSecretDriver::secretXml(const driver::SecretHandle& secret,
                                                  unsigned flags) {
  TRY_ASSIGN(auto ret, client_.call<Proc::SecretGetXmlDesc>({toWire(secret), flags}));
  return std::move(ret.value);
}

Result<void> RemoteSecretDriver::setSecretValue(const driver::SecretHandle& secret,
                                                std::string_view value, unsigned flags) {
  rpc::remote::SecretSetValueArgs args;
  args.secret = toWire(secret);
  args.value.bytes = std::string(value);
  args.flags = flags;
  TRY(client_.call<Proc::SecretSetValue>(args));
  return ok();
}

Result<std::string> RemoteSecretDriver::secretValue(const driver::SecretHandle& secret,
                                                    unsigned flags, bool) {
  TRY_ASSIGN(auto ret, client_.call<Proc::SecretGetValue>({toWire(secret), flags}));
  return std::move(ret.value.bytes);
}

Result<void> RemoteSecretDriver::undefineSecret(const driver::SecretHandle& secret) {
  TRY(client_.call<Proc::SecretUndefine>({toWire(secret)}));
  return ok();
}

}  // namespace virtus::remote
