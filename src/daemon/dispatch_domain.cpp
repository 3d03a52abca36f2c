// Domain procedures over the driver::DomainDriver of the URI the client opened
// (RemoteSession::domains()). A URI without a domain driver (qemu:/// until the QEMU
// driver exists) has no domains: the lists are truthfully empty, which lets `virsh list`
// and clients that enumerate domains at connect time work, and every other domain
// procedure fails as libvirt does for a driver that lacks the API.

#include "common/check_flags.h"
#include "daemon/dispatch_handlers.h"
#include "model/domain/domain_xml.h"

namespace virtus::daemon {

namespace {

using namespace rpc::remote;
using driver::DomainDriver;

// The session's domain driver, or libvirt's error for a driver without procedure P.
template <Proc P>
Result<DomainDriver*> domainsFor(RemoteSession& s) {
  if (DomainDriver* d = s.domains())
    return d;
  return makeError(ErrorCode::NoSupport, ErrorDomain::Domain, std::string(ProcSpec<P>::kApi));
}

Result<HandleValue<Domain>> domainRet(Result<driver::DomainHandle> r) {
  if (!r)
    return std::move(r).error();
  return HandleValue<Domain>{toWire(*r)};
}

// virCheckFlags(0) for the procedures whose driver call takes no flags.
Result<void> checkNoFlags(std::uint32_t flags, std::string_view function) {
  return checkFlags(flags, 0, function, ErrorDomain::Domain);
}

IntValue boolRet(bool b) {
  return IntValue{b ? 1 : 0};
}

// A `char x<>` reply holding a C string, as libvirtd sends it: the bytes and the NUL.
template <std::uint32_t Max>
rpc::XdrList<std::int32_t, Max> cString(std::string_view s) {
  rpc::XdrList<std::int32_t, Max> out;
  for (char c : s)
    out.push_back(static_cast<unsigned char>(c));
  out.push_back(0);
  return out;
}

// The handles the session's driver lists with `flags`; none without a driver.
Result<std::vector<driver::DomainHandle>> listDomains(RemoteSession& s, unsigned flags) {
  DomainDriver* d = s.domains();
  if (!d)
    return std::vector<driver::DomainHandle>{};
  return d->listAllDomains(flags);
}

void registerLists(HandlerTable& t) {
  namespace ld = driver::list_domains;
  t.on<Proc::ConnectListAllDomains>(
      [](RemoteSession& s, const ListAllArgs& a) -> Result<ListAllRet<Domain>> {
        TRY_ASSIGN(auto domains, listDomains(s, a.flags));
        TRY(checkListLimit(domains.size(), "domains"));
        ListAllRet<Domain> ret;
        ret.ret = static_cast<std::uint32_t>(domains.size());
        if (a.needResults)
          for (const auto& x : domains)
            ret.items.push_back(toWire(x));
        return ret;
      });
  t.on<Proc::ConnectNumOfDomains>([](RemoteSession& s, const Void&) -> Result<IntValue> {
    TRY_ASSIGN(auto domains, listDomains(s, ld::kActive));
    return IntValue{static_cast<std::int32_t>(domains.size())};
  });
  t.on<Proc::ConnectNumOfDefinedDomains>([](RemoteSession& s, const Void&) -> Result<IntValue> {
    TRY_ASSIGN(auto domains, listDomains(s, ld::kInactive));
    return IntValue{static_cast<std::int32_t>(domains.size())};
  });
  t.on<Proc::ConnectListDomains>([](RemoteSession& s, const IntValue& a) -> Result<IdList> {
    TRY(checkMaxNames(a.value, "domains"));
    TRY_ASSIGN(auto domains, listDomains(s, ld::kActive));
    IdList ret;
    for (const auto& x : domains) {
      if (ret.ids.size() >= static_cast<std::size_t>(a.value))
        break;
      ret.ids.push_back(x.id);
    }
    return ret;
  });
  t.on<Proc::ConnectListDefinedDomains>(
      [](RemoteSession& s, const IntValue& a) -> Result<NameList> {
        TRY(checkMaxNames(a.value, "domains"));
        TRY_ASSIGN(auto domains, listDomains(s, ld::kInactive));
        NameList ret;
        for (const auto& x : domains) {
          if (ret.names.size() >= static_cast<std::size_t>(a.value))
            break;
          ret.names.push_back(x.name);
        }
        return ret;
      });
}

void registerLookupsAndDefinitions(HandlerTable& t) {
  t.on<Proc::DomainLookupByName>(
      [](RemoteSession& s, const StringValue& a) -> Result<HandleValue<Domain>> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainLookupByName>(s));
        return domainRet(d->lookupDomainByName(a.value));
      });
  t.on<Proc::DomainLookupByUuid>(
      [](RemoteSession& s, const UuidValue& a) -> Result<HandleValue<Domain>> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainLookupByUuid>(s));
        return domainRet(d->lookupDomainByUuid(a.uuid));
      });
  t.on<Proc::DomainLookupById>(
      [](RemoteSession& s, const IntValue& a) -> Result<HandleValue<Domain>> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainLookupById>(s));
        return domainRet(d->lookupDomainById(a.value));
      });
  t.on<Proc::DomainDefineXml>(
      [](RemoteSession& s, const StringValue& a) -> Result<HandleValue<Domain>> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainDefineXml>(s));
        return domainRet(d->defineDomain(a.value, 0));
      });
  t.on<Proc::DomainDefineXmlFlags>(
      [](RemoteSession& s, const StringFlags& a) -> Result<HandleValue<Domain>> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainDefineXmlFlags>(s));
        return domainRet(d->defineDomain(a.value, a.flags));
      });
  t.on<Proc::DomainUndefine>([](RemoteSession& s, const HandleValue<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainUndefine>(s));
    return d->undefineDomain(fromWire(a.value), 0);
  });
  t.on<Proc::DomainUndefineFlags>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<void> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainUndefineFlags>(s));
        return d->undefineDomain(fromWire(a.value), a.flags);
      });
  t.on<Proc::DomainGetXmlDesc>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<StringValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetXmlDesc>(s));
        TRY_ASSIGN(auto xml, d->domainXml(fromWire(a.value), a.flags));
        return StringValue{std::move(xml)};
      });
  t.on<Proc::DomainGetOsType>(
      [](RemoteSession& s, const HandleValue<Domain>& a) -> Result<StringValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetOsType>(s));
        // From the definition: the inactive XML has no live-only attributes to refuse.
        TRY_ASSIGN(auto xml, d->domainXml(fromWire(a.value), driver::domain_xml::kInactive));
        TRY_ASSIGN(auto def, model::parseDomainXml(xml));
        return StringValue{def.os.type};
      });
}

void registerLifecycle(HandlerTable& t) {
  t.on<Proc::DomainCreate>([](RemoteSession& s, const HandleValue<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainCreate>(s));
    TRY(d->startDomain(fromWire(a.value), 0));
    return {};
  });
  t.on<Proc::DomainCreateWithFlags>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<HandleValue<Domain>> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainCreateWithFlags>(s));
        return domainRet(d->startDomain(fromWire(a.value), a.flags));
      });
  t.on<Proc::DomainCreateXml>(
      [](RemoteSession& s, const StringFlags& a) -> Result<HandleValue<Domain>> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainCreateXml>(s));
        return domainRet(d->createDomain(a.value, a.flags));
      });
  t.on<Proc::DomainDestroy>([](RemoteSession& s, const HandleValue<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainDestroy>(s));
    return d->destroyDomain(fromWire(a.value), 0);
  });
  t.on<Proc::DomainDestroyFlags>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<void> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainDestroyFlags>(s));
        return d->destroyDomain(fromWire(a.value), a.flags);
      });
  t.on<Proc::DomainShutdown>([](RemoteSession& s, const HandleValue<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainShutdown>(s));
    return d->shutdownDomain(fromWire(a.value), 0);
  });
  t.on<Proc::DomainShutdownFlags>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<void> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainShutdownFlags>(s));
        return d->shutdownDomain(fromWire(a.value), a.flags);
      });
  t.on<Proc::DomainReboot>([](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainReboot>(s));
    return d->rebootDomain(fromWire(a.value), a.flags);
  });
  t.on<Proc::DomainReset>([](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainReset>(s));
    TRY(checkNoFlags(a.flags, "virDomainReset"));
    return d->resetDomain(fromWire(a.value));
  });
  t.on<Proc::DomainSuspend>([](RemoteSession& s, const HandleValue<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainSuspend>(s));
    return d->suspendDomain(fromWire(a.value));
  });
  t.on<Proc::DomainResume>([](RemoteSession& s, const HandleValue<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainResume>(s));
    return d->resumeDomain(fromWire(a.value));
  });
}

void registerState(HandlerTable& t) {
  t.on<Proc::DomainGetInfo>(
      [](RemoteSession& s, const HandleValue<Domain>& a) -> Result<DomainGetInfoRet> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetInfo>(s));
        TRY_ASSIGN(auto info, d->domainInfo(fromWire(a.value)));
        DomainGetInfoRet ret;
        ret.state = static_cast<std::uint32_t>(info.state);
        ret.maxMem = info.maxMemKiB;
        ret.memory = info.memoryKiB;
        ret.nrVirtCpu = info.vcpus;
        ret.cpuTime = info.cpuTimeNs;
        return ret;
      });
  t.on<Proc::DomainGetState>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<DomainGetStateRet> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetState>(s));
        TRY(checkNoFlags(a.flags, "virDomainGetState"));
        TRY_ASSIGN(auto st, d->domainState(fromWire(a.value)));
        return DomainGetStateRet{static_cast<std::int32_t>(st.state), st.reason};
      });
  t.on<Proc::DomainIsActive>(
      [](RemoteSession& s, const HandleValue<Domain>& a) -> Result<IntValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainIsActive>(s));
        TRY_ASSIGN(bool active, d->domainIsActive(fromWire(a.value)));
        return boolRet(active);
      });
  t.on<Proc::DomainIsPersistent>(
      [](RemoteSession& s, const HandleValue<Domain>& a) -> Result<IntValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainIsPersistent>(s));
        TRY_ASSIGN(bool persistent, d->domainIsPersistent(fromWire(a.value)));
        return boolRet(persistent);
      });
  t.on<Proc::DomainIsUpdated>(
      [](RemoteSession& s, const HandleValue<Domain>& a) -> Result<IntValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainIsUpdated>(s));
        TRY(d->domainIsActive(fromWire(a.value)));  // the guest must exist
        return IntValue{0};
      });
  t.on<Proc::DomainGetAutostart>(
      [](RemoteSession& s, const HandleValue<Domain>& a) -> Result<IntValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetAutostart>(s));
        TRY_ASSIGN(bool autostart, d->domainAutostart(fromWire(a.value)));
        return boolRet(autostart);
      });
  t.on<Proc::DomainSetAutostart>([](RemoteSession& s, const HandleInt<Domain>& a) -> Result<void> {
    TRY_ASSIGN(auto* d, domainsFor<Proc::DomainSetAutostart>(s));
    return d->setDomainAutostart(fromWire(a.handle), a.value != 0);
  });
  t.on<Proc::DomainHasManagedSaveImage>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<IntValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainHasManagedSaveImage>(s));
        TRY(checkNoFlags(a.flags, "virDomainHasManagedSaveImage"));
        TRY(d->domainIsActive(fromWire(a.value)));
        return IntValue{0};  // Virtus has no managed save
      });
  t.on<Proc::DomainSnapshotNum>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<IntValue> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainSnapshotNum>(s));
        TRY(d->domainIsActive(fromWire(a.value)));
        return IntValue{0};  // nor snapshots
      });
  t.on<Proc::DomainGetMessages>(
      [](RemoteSession& s, const HandleFlags<Domain>& a) -> Result<NameList> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetMessages>(s));
        TRY(d->domainIsActive(fromWire(a.value)));
        return NameList{};  // no tainting or deprecation messages
      });
  t.on<Proc::DomainGetSecurityLabel>(
      [](RemoteSession& s, const HandleValue<Domain>& a) -> Result<DomainGetSecurityLabelRet> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetSecurityLabel>(s));
        TRY(d->domainIsActive(fromWire(a.value)));
        // No security driver: libvirt's "none" model gives an empty, unenforced label.
        DomainGetSecurityLabelRet ret;
        ret.label = cString<kSecurityLabelMax>("");
        ret.enforcing = 0;
        return ret;
      });
  t.on<Proc::NodeGetSecurityModel>(
      [](RemoteSession&, const Void&) -> Result<NodeGetSecurityModelRet> {
        NodeGetSecurityModelRet ret;
        ret.model = cString<kSecurityModelMax>("");
        ret.doi = cString<kSecurityDoiMax>("");
        return ret;
      });
}

void registerDevices(HandlerTable& t) {
  t.on<Proc::DomainAttachDeviceFlags>(
      [](RemoteSession& s, const DomainXmlFlagsArgs& a) -> Result<void> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainAttachDeviceFlags>(s));
        return d->attachDevice(fromWire(a.dom), a.xml, a.flags);
      });
  t.on<Proc::DomainDetachDeviceFlags>(
      [](RemoteSession& s, const DomainXmlFlagsArgs& a) -> Result<void> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainDetachDeviceFlags>(s));
        return d->detachDevice(fromWire(a.dom), a.xml, a.flags);
      });
  t.on<Proc::DomainUpdateDeviceFlags>(
      [](RemoteSession& s, const DomainXmlFlagsArgs& a) -> Result<void> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainUpdateDeviceFlags>(s));
        return d->updateDevice(fromWire(a.dom), a.xml, a.flags);
      });
  t.on<Proc::DomainGetBlockInfo>(
      [](RemoteSession& s, const DomainXmlFlagsArgs& a) -> Result<DomainGetBlockInfoRet> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainGetBlockInfo>(s));
        TRY(checkNoFlags(a.flags, "virDomainGetBlockInfo"));
        TRY_ASSIGN(auto info, d->blockInfo(fromWire(a.dom), a.xml));
        return DomainGetBlockInfoRet{info.allocation, info.capacity, info.physical};
      });
  t.on<Proc::DomainBlockStats>(
      [](RemoteSession& s, const DomainBlockStatsArgs& a) -> Result<DomainBlockStatsRet> {
        TRY_ASSIGN(auto* d, domainsFor<Proc::DomainBlockStats>(s));
        TRY_ASSIGN(auto st, d->blockStats(fromWire(a.dom), a.path));
        return DomainBlockStatsRet{st.rdReq, st.rdBytes, st.wrReq, st.wrBytes, st.errs};
      });
}

}  // namespace

void registerDomainHandlers(HandlerTable& t) {
  registerLists(t);
  registerLookupsAndDefinitions(t);
  registerLifecycle(t);
  registerState(t);
  registerDevices(t);
}

}  // namespace virtus::daemon
