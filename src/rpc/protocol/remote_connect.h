// Connection-level messages of the REMOTE program (handshake, host information).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "rpc/protocol/remote_types.h"

namespace virtus::rpc::remote {

// libvirt's virDrvFeature values that clients ask about.
enum class Feature : std::int32_t {
  ProgramKeepalive = 10,
  RemoteEventCallback = 14,
  RemoteCloseCallback = 15,
};

// CONNECT_OPEN flags (the remote driver's internal word); only read-only matters here.
inline constexpr std::uint32_t kOpenReadOnly = 1u << 0;

struct AuthListRet {
  XdrList<std::int32_t, kAuthTypeListMax> types;  // remote_auth_type
  VIRTUS_XDR(types)
};

struct ConnectOpenArgs {
  std::optional<std::string> name;
  std::uint32_t flags = 0;
  VIRTUS_XDR(name, flags)
};

// CONNECT_GET_DOMAIN_CAPABILITIES (342): every argument may be absent (NULL).
struct ConnectGetDomainCapabilitiesArgs {
  std::optional<std::string> emulatorbin;
  std::optional<std::string> arch;
  std::optional<std::string> machine;
  std::optional<std::string> virttype;
  std::uint32_t flags = 0;
  VIRTUS_XDR(emulatorbin, arch, machine, virttype, flags)
};

struct NodeGetInfoRet {
  std::array<std::int32_t, 32> model{};  // char model[32]: one 4-byte word per character
  std::uint64_t memory = 0;              // KiB
  std::int32_t cpus = 0;
  std::int32_t mhz = 0;
  std::int32_t nodes = 0;
  std::int32_t sockets = 0;
  std::int32_t cores = 0;
  std::int32_t threads = 0;
  VIRTUS_XDR(model, memory, cpus, mhz, nodes, sockets, cores, threads)
};

}  // namespace virtus::rpc::remote
