#include "hypervisor/qemu/qemu_command_secret.h"

#include <nlohmann/json.hpp>

namespace virtus::qemu {

std::string QemuSecretObject::commandLineJson() const {
  nlohmann::ordered_json object{
      {"qom-type", "secret"}, {"id", id}, {"format", "raw"}, {"file", path}};
  return object.dump();
}

nlohmann::json QemuSecretObject::objectAddArguments() const {
  return nlohmann::json{
      {"qom-type", "secret"}, {"id", id}, {"data", base64Encode(value)}, {"format", "base64"}};
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

std::string base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(bytes[i + k]); };
    unsigned v = (b(0) << 16) | (b(1) << 8) | b(2);
    for (int shift : {18, 12, 6, 0})
      out += kAlphabet[(v >> shift) & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2)
      v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace virtus::qemu
