#include "hypervisor/qemu/qemu_command_secret.h"

#include <nlohmann/json.hpp>

#include "common/base64.h"

namespace virtus::qemu {

std::string QemuSecretObject::commandLineJson() const {
  nlohmann::ordered_json object{
      {"qom-type", "secret"}, {"id", id}, {"format", "raw"}, {"file", path}};
  return object.dump();
}

nlohmann::json QemuSecretObject::objectAddArguments() const {
  return nlohmann::json{
      {"qom-type", "secret"}, {"id", id}, {"data", encodeBase64(value)}, {"format", "base64"}};
}

Result<QemuSecretObject> prepareAuthSecret(const QemuSecretContext& context,
                                           const model::DiskAuth& auth,
                                           const std::string& storageNode,
                                           const std::string& diskTarget) {
  if (!context.lookup || context.directory.empty())
    return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                     "disk '" + diskTarget +
                         "' needs a secret, but the QEMU command line builder was given no "
                         "secret lookup or no directory for secret files");
  QemuSecretObject secret;
  secret.id = storageNode + "-auth-secret0";
  secret.path = context.directory + "/" + secret.id;
  TRY_ASSIGN(secret.value, context.lookup(auth.secret));
  return secret;
}

}  // namespace virtus::qemu
