#include "rpc/remote_error.h"

#include "rpc/procedure_names.h"

namespace virtus::rpc {

RemoteError toRemoteError(const Error& error) {
  RemoteError out;
  out.code = static_cast<std::int32_t>(error.code);
  out.domain = static_cast<std::int32_t>(error.domain);
  out.message = error.text();
  out.str1 = std::string(errorPrefix(error.code)) + "%s";
  out.str2 = error.message;
  return out;
}

Error fromRemoteError(const RemoteError& remote) {
  Error out;
  out.code = static_cast<ErrorCode>(remote.code);
  out.domain = static_cast<ErrorDomain>(remote.domain);
  std::string_view prefix = errorPrefix(out.code);
  if (remote.str2 && remote.str1 && *remote.str1 == std::string(prefix) + "%s") {
    out.message = *remote.str2;
  } else if (remote.message) {
    std::string_view text = *remote.message;
    if (!prefix.empty() && text.starts_with(prefix))
      text.remove_prefix(prefix.size());
    out.message = std::string(text);
  }
  if (out.code == ErrorCode::Rpc &&
      (out.domain == ErrorDomain::Rpc || out.domain == ErrorDomain::Remote) &&
      out.message.starts_with("unknown procedure"))
    out.code = ErrorCode::NoSupport;
  return out;
}

Error unknownProcedureError(std::int32_t procedure) {
  std::string text = "unknown procedure: " + std::to_string(procedure);
  if (auto name = remoteProcedureName(procedure); !name.empty())
    text += " (" + std::string(name) + " is not implemented by virtusd)";
  return makeError(ErrorCode::Rpc, ErrorDomain::Rpc, std::move(text));
}

}  // namespace virtus::rpc
