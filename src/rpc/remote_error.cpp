#include "rpc/remote_error.h"

#include "rpc/procedure_names.h"

namespace virtus::rpc {
namespace {

// libvirt formats every error detail into a 1024-byte buffer (VIR_ERROR_MAX_LENGTH), so a
// detail naming a huge value never makes a reply exceed the protocol's string limit.
constexpr std::size_t kDetailMax = 1023;

std::string truncatedDetail(std::string detail) {
  if (detail.size() <= kDetailMax)
    return detail;
  std::size_t end = kDetailMax;
  // Never cut a UTF-8 sequence in two: back up to the start of the sequence.
  while (end > 0 && (static_cast<unsigned char>(detail[end]) & 0xC0) == 0x80)
    --end;
  detail.resize(end);
  return detail;
}

}  // namespace

RemoteError toRemoteError(const Error& error) {
  Error sent = error;
  sent.message = truncatedDetail(error.message);
  RemoteError out;
  out.code = static_cast<std::int32_t>(sent.code);
  out.domain = static_cast<std::int32_t>(sent.domain);
  out.message = sent.text();
  // As libvirtd: str1 is the code's format, str2 the detail that fills it.
  out.str1 = std::string(errorFormat(sent.code));
  out.str2 = sent.message;
  return out;
}

Error fromRemoteError(const RemoteError& remote) {
  Error out;
  out.code = static_cast<ErrorCode>(remote.code);
  out.domain = static_cast<ErrorDomain>(remote.domain);
  if (remote.str2 && remote.str1 && *remote.str1 == errorFormat(out.code)) {
    out.message = *remote.str2;
  } else if (remote.message) {
    out.message = errorDetail(out.code, *remote.message).value_or(*remote.message);
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
