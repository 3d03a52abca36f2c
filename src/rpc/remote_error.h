// The error payload of a failed reply (virNetMessageError, libvirt's remote_error), and
// its conversion from and to virtus::Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/error.h"
#include "rpc/xdr_codec.h"

namespace virtus::rpc {

struct RemoteError {
  std::int32_t code = 0;
  std::int32_t domain = 0;
  std::optional<std::string> message;
  std::int32_t level = 2;           // VIR_ERR_ERROR
  std::optional<std::int32_t> dom;  // a domain handle in libvirt; never sent
  std::optional<std::string> str1;
  std::optional<std::string> str2;
  std::optional<std::string> str3;
  std::int32_t int1 = -1;
  std::int32_t int2 = -1;
  std::optional<std::int32_t> net;  // a network handle in libvirt; never sent
  VIRTUS_XDR(code, domain, message, level, dom, str1, str2, str3, int1, int2, net)
};

// As libvirtd sends it: message = the full text, str1 = the format, str2 = the detail.
RemoteError toRemoteError(const Error& error);
// What a client makes of it: the detail (str2, else the message without its prefix).
Error fromRemoteError(const RemoteError& remote);

// libvirtd's answer to a procedure it does not know. libvirt's client turns exactly this
// (VIR_ERR_RPC from VIR_FROM_RPC, message starting "unknown procedure") into
// VIR_ERR_NO_SUPPORT, which virsh's fallbacks test for.
Error unknownProcedureError(std::int32_t procedure);

}  // namespace virtus::rpc
