#include "remote/remote_domain_driver.h"

#include <utility>

#include "common/event_bus.h"
#include "driver/domain_events.h"
#include "remote/remote_handles.h"

namespace virtus::remote {

using rpc::remote::Domain;
using rpc::remote::HandleValue;
using rpc::remote::Proc;

namespace {

Result<driver::DomainHandle> domainFrom(Result<HandleValue<Domain>> ret) {
  if (!ret)
    return std::move(ret).error();
  return fromWire(ret->value);
}

Result<void> done(Result<rpc::Void> ret) {
  if (!ret)
    return std::move(ret).error();
  return ok();
}

Result<bool> flag(Result<rpc::remote::IntValue> ret) {
  if (!ret)
    return std::move(ret).error();
  return ret->value != 0;
}

// rpcgen's `char x<N>`: one character per XDR unit, NUL-terminated when shorter than N.
template <class List>
std::string charsToString(const List& chars) {
  std::string out;
  for (std::int32_t c : chars) {
    if (c == 0)
      break;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

rpc::remote::DomainXmlFlagsArgs xmlArgs(const driver::DomainHandle& dom, std::string_view xml,
                                        unsigned flags) {
  rpc::remote::DomainXmlFlagsArgs args;
  args.dom = toWire(dom);
  args.xml = std::string(xml);
  args.flags = flags;
  return args;
}

}  // namespace

RemoteDomainDriver::RemoteDomainDriver(rpc::RpcClient& client)
    : client_(client), events_(std::make_unique<driver::DomainEventBus>()) {}

RemoteDomainDriver::~RemoteDomainDriver() = default;

driver::DomainEventBus& RemoteDomainDriver::events() {
  return *events_;
}

// --- lookups and lists -------------------------------------------------------------------

Result<std::vector<driver::DomainHandle>> RemoteDomainDriver::listAllDomains(unsigned flags) {
  TRY_ASSIGN(auto ret, client_.call<Proc::ConnectListAllDomains>({1, flags}));
  std::vector<driver::DomainHandle> domains;
  domains.reserve(ret.items.size());
  for (const Domain& d : ret.items)
    domains.push_back(fromWire(d));
  return domains;
}

Result<driver::DomainHandle> RemoteDomainDriver::lookupDomainByName(std::string_view name) {
  return domainFrom(client_.call<Proc::DomainLookupByName>({std::string(name)}));
}

Result<driver::DomainHandle> RemoteDomainDriver::lookupDomainByUuid(const Uuid& uuid) {
  return domainFrom(client_.call<Proc::DomainLookupByUuid>({uuid}));
}

Result<driver::DomainHandle> RemoteDomainDriver::lookupDomainById(int id) {
  return domainFrom(client_.call<Proc::DomainLookupById>({id}));
}

// --- definitions -------------------------------------------------------------------------

Result<driver::DomainHandle> RemoteDomainDriver::defineDomain(std::string_view xml,
                                                              unsigned flags) {
  if (flags == 0)
    return domainFrom(client_.call<Proc::DomainDefineXml>({std::string(xml)}));
  return domainFrom(client_.call<Proc::DomainDefineXmlFlags>({std::string(xml), flags}));
}

Result<void> RemoteDomainDriver::undefineDomain(const driver::DomainHandle& dom, unsigned flags) {
  return done(client_.call<Proc::DomainUndefineFlags>({toWire(dom), flags}));
}

Result<std::string> RemoteDomainDriver::domainXml(const driver::DomainHandle& dom, unsigned flags) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainGetXmlDesc>({toWire(dom), flags}));
  return std::move(ret.value);
}

// --- lifecycle ---------------------------------------------------------------------------

Result<driver::DomainHandle> RemoteDomainDriver::createDomain(std::string_view xml,
                                                              unsigned flags) {
  return domainFrom(client_.call<Proc::DomainCreateXml>({std::string(xml), flags}));
}

Result<driver::DomainHandle> RemoteDomainDriver::startDomain(const driver::DomainHandle& dom,
                                                             unsigned flags) {
  if (flags != 0)
    return domainFrom(client_.call<Proc::DomainCreateWithFlags>({toWire(dom), flags}));
  // DOMAIN_CREATE answers nothing: the new id comes from a lookup, as in libvirt's client.
  TRY(client_.call<Proc::DomainCreate>({toWire(dom)}));
  return lookupDomainByUuid(dom.uuid);
}

Result<void> RemoteDomainDriver::destroyDomain(const driver::DomainHandle& dom, unsigned flags) {
  if (flags == 0)
    return done(client_.call<Proc::DomainDestroy>({toWire(dom)}));
  return done(client_.call<Proc::DomainDestroyFlags>({toWire(dom), flags}));
}

Result<void> RemoteDomainDriver::shutdownDomain(const driver::DomainHandle& dom, unsigned flags) {
  if (flags == 0)
    return done(client_.call<Proc::DomainShutdown>({toWire(dom)}));
  return done(client_.call<Proc::DomainShutdownFlags>({toWire(dom), flags}));
}

Result<void> RemoteDomainDriver::rebootDomain(const driver::DomainHandle& dom, unsigned flags) {
  return done(client_.call<Proc::DomainReboot>({toWire(dom), flags}));
}

Result<void> RemoteDomainDriver::resetDomain(const driver::DomainHandle& dom) {
  return done(client_.call<Proc::DomainReset>({toWire(dom), 0}));
}

Result<void> RemoteDomainDriver::suspendDomain(const driver::DomainHandle& dom) {
  return done(client_.call<Proc::DomainSuspend>({toWire(dom)}));
}

Result<void> RemoteDomainDriver::resumeDomain(const driver::DomainHandle& dom) {
  return done(client_.call<Proc::DomainResume>({toWire(dom)}));
}

// --- state -------------------------------------------------------------------------------

Result<driver::DomainInfo> RemoteDomainDriver::domainInfo(const driver::DomainHandle& dom) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainGetInfo>({toWire(dom)}));
  driver::DomainInfo info;
  info.state = static_cast<driver::DomainState>(ret.state);
  info.maxMemKiB = ret.maxMem;
  info.memoryKiB = ret.memory;
  info.vcpus = ret.nrVirtCpu;
  info.cpuTimeNs = ret.cpuTime;
  return info;
}

Result<driver::DomainStateReason> RemoteDomainDriver::domainState(const driver::DomainHandle& dom) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainGetState>({toWire(dom), 0}));
  return driver::DomainStateReason{static_cast<driver::DomainState>(ret.state), ret.reason};
}

Result<bool> RemoteDomainDriver::domainIsActive(const driver::DomainHandle& dom) {
  return flag(client_.call<Proc::DomainIsActive>({toWire(dom)}));
}

Result<bool> RemoteDomainDriver::domainIsPersistent(const driver::DomainHandle& dom) {
  return flag(client_.call<Proc::DomainIsPersistent>({toWire(dom)}));
}

Result<bool> RemoteDomainDriver::domainAutostart(const driver::DomainHandle& dom) {
  return flag(client_.call<Proc::DomainGetAutostart>({toWire(dom)}));
}

Result<void> RemoteDomainDriver::setDomainAutostart(const driver::DomainHandle& dom,
                                                    bool autostart) {
  return done(client_.call<Proc::DomainSetAutostart>({toWire(dom), autostart ? 1 : 0}));
}

// --- devices -----------------------------------------------------------------------------

Result<void> RemoteDomainDriver::attachDevice(const driver::DomainHandle& dom, std::string_view xml,
                                              unsigned flags) {
  return done(client_.call<Proc::DomainAttachDeviceFlags>(xmlArgs(dom, xml, flags)));
}

Result<void> RemoteDomainDriver::detachDevice(const driver::DomainHandle& dom, std::string_view xml,
                                              unsigned flags) {
  return done(client_.call<Proc::DomainDetachDeviceFlags>(xmlArgs(dom, xml, flags)));
}

Result<void> RemoteDomainDriver::updateDevice(const driver::DomainHandle& dom, std::string_view xml,
                                              unsigned flags) {
  return done(client_.call<Proc::DomainUpdateDeviceFlags>(xmlArgs(dom, xml, flags)));
}

Result<driver::BlockInfo> RemoteDomainDriver::blockInfo(const driver::DomainHandle& dom,
                                                        std::string_view disk) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainGetBlockInfo>(xmlArgs(dom, disk, 0)));
  return driver::BlockInfo{ret.capacity, ret.allocation, ret.physical};
}

Result<driver::BlockStats> RemoteDomainDriver::blockStats(const driver::DomainHandle& dom,
                                                          std::string_view disk) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainBlockStats>({toWire(dom), std::string(disk)}));
  return driver::BlockStats{ret.rdReq, ret.rdBytes, ret.wrReq, ret.wrBytes, ret.errs};
}

// --- beyond the driver API ---------------------------------------------------------------

Result<std::string> RemoteDomainDriver::osType(const driver::DomainHandle& dom) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainGetOsType>({toWire(dom)}));
  return std::move(ret.value);
}

Result<bool> RemoteDomainDriver::hasManagedSaveImage(const driver::DomainHandle& dom) {
  return flag(client_.call<Proc::DomainHasManagedSaveImage>({toWire(dom), 0}));
}

Result<SecurityModel> RemoteDomainDriver::nodeSecurityModel() {
  TRY_ASSIGN(auto ret, client_.call<Proc::NodeGetSecurityModel>({}));
  return SecurityModel{charsToString(ret.model), charsToString(ret.doi)};
}

Result<std::string> RemoteDomainDriver::lockReportJson() {
  TRY_ASSIGN(auto ret, client_.call<Proc::VirtusLockList>({0}));
  return std::move(ret.value);
}

Result<SecurityLabel> RemoteDomainDriver::securityLabel(const driver::DomainHandle& dom) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainGetSecurityLabel>({toWire(dom)}));
  return SecurityLabel{charsToString(ret.label), ret.enforcing != 0};
}

Result<std::vector<std::string>> RemoteDomainDriver::messages(const driver::DomainHandle& dom) {
  TRY_ASSIGN(auto ret, client_.call<Proc::DomainGetMessages>({toWire(dom), 0}));
  return std::vector<std::string>(ret.names.begin(), ret.names.end());
}

}  // namespace virtus::remote
