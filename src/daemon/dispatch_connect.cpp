// Handshake and host information procedures.
#include <algorithm>

#include "common/check_flags.h"
#include "daemon/dispatch_handlers.h"
#include "daemon/dispatch_host_info.h"

namespace virtus::daemon {

namespace {

using namespace rpc::remote;

}  // namespace

Result<void> checkListLimit(std::size_t size, std::string_view what) {
  if (size > rpc::kListMax)
    return makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                     "too many " + std::string(what) + ": " + std::to_string(size) + " > " +
                         std::to_string(rpc::kListMax));
  return {};
}

Result<void> checkMaxNames(std::int32_t maxnames, std::string_view what) {
  if (maxnames < 0 || static_cast<std::uint32_t>(maxnames) > rpc::kListMax)
    return makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                     "maxnames " + std::to_string(maxnames) + " for " + std::string(what) +
                         " is out of range (at most " + std::to_string(rpc::kListMax) + ")");
  return {};
}

void registerConnectHandlers(HandlerTable& t) {
  t.on<Proc::AuthList>([](RemoteSession&, const Void&) -> Result<AuthListRet> {
    AuthListRet ret;
    ret.types.push_back(0);  // REMOTE_AUTH_NONE: unix socket permissions are the access rule
    return ret;
  });
  t.on<Proc::ConnectSupportsFeature>([](RemoteSession& s, const IntValue& a) -> Result<IntValue> {
    switch (static_cast<Feature>(a.value)) {
      case Feature::ProgramKeepalive:
        s.enableKeepalive();
        return IntValue{1};
      case Feature::RemoteEventCallback:
      case Feature::RemoteCloseCallback:
        if (!s.isOpen())
          return makeError(ErrorCode::InternalError, ErrorDomain::Rpc, "connection not open");
        return IntValue{1};
      default:
        if (!s.isOpen())
          return makeError(ErrorCode::InternalError, ErrorDomain::Rpc, "connection not open");
        return IntValue{0};
    }
  });
  t.on<Proc::ConnectOpen>([](RemoteSession& s, const ConnectOpenArgs& a) -> Result<void> {
    return s.open(a.name, a.flags);
  });
  t.on<Proc::ConnectClose>([](RemoteSession&, const Void&) -> Result<void> { return {}; });
  t.on<Proc::ConnectRegisterCloseCallback>(
      [](RemoteSession&, const Void&) -> Result<void> { return {}; });
  t.on<Proc::ConnectUnregisterCloseCallback>(
      [](RemoteSession&, const Void&) -> Result<void> { return {}; });
  t.on<Proc::ConnectGetUri>(
      [](RemoteSession& s, const Void&) -> Result<StringValue> { return StringValue{s.uri()}; });
  t.on<Proc::ConnectGetType>([](RemoteSession& s, const Void&) -> Result<StringValue> {
    return StringValue{s.uri().starts_with("test:") ? "Test" : "QEMU"};
  });
  t.on<Proc::ConnectGetVersion>([](RemoteSession& s, const Void&) -> Result<HyperValue> {
    std::uint64_t version = s.services().host->hypervisorVersion();
    if (version == 0)  // libvirt's QEMU driver without an emulator
      return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                       "Cannot find suitable emulator for " + s.services().host->nodeInfo().model);
    return HyperValue{version};
  });
  t.on<Proc::ConnectGetLibVersion>([](RemoteSession&, const Void&) -> Result<HyperValue> {
    return HyperValue{kCompatLibVersion};
  });
  t.on<Proc::ConnectGetHostname>([](RemoteSession& s, const Void&) -> Result<StringValue> {
    return StringValue{s.services().host->hostname()};
  });
  t.on<Proc::ConnectGetCapabilities>([](RemoteSession& s, const Void&) -> Result<StringValue> {
    return StringValue{s.services().host->capabilities()};
  });
  t.on<Proc::ConnectGetDomainCapabilities>(
      [](RemoteSession& s, const ConnectGetDomainCapabilitiesArgs& a) -> Result<StringValue> {
        // libvirt's test driver has no domain capabilities.
        if (s.uri().starts_with("test:"))
          return makeError(ErrorCode::NoSupport, ErrorDomain::None,
                           "virConnectGetDomainCapabilities");
        TRY(checkFlags(a.flags, 0, "qemuConnectGetDomainCapabilities", ErrorDomain::Qemu));
        DomainCapsQuery query{a.emulatorbin, a.arch, a.machine, a.virttype};
        TRY_ASSIGN(std::string xml, s.services().host->domainCapabilities(query));
        return StringValue{std::move(xml)};
      });
  t.on<Proc::ConnectIsSecure>(
      [](RemoteSession&, const Void&) -> Result<IntValue> { return IntValue{1}; });
  t.on<Proc::NodeGetInfo>([](RemoteSession& s, const Void&) -> Result<NodeGetInfoRet> {
    NodeInfo info = s.services().host->nodeInfo();
    NodeGetInfoRet ret;
    // char model[32], NUL-terminated: at most 31 characters.
    std::size_t n = std::min<std::size_t>(info.model.size(), ret.model.size() - 1);
    for (std::size_t i = 0; i < n; ++i)
      ret.model[i] = static_cast<unsigned char>(info.model[i]);
    ret.memory = info.memoryKiB;
    ret.cpus = info.cpus;
    ret.mhz = info.mhz;
    ret.nodes = info.nodes;
    ret.sockets = info.sockets;
    ret.cores = info.cores;
    ret.threads = info.threads;
    return ret;
  });
}

}  // namespace virtus::daemon
