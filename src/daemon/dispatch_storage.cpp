// Storage pool and volume procedures over driver::StorageDriver, and the pool events
// that successful changes publish.
#include "common/check_flags.h"
#include "daemon/dispatch_handlers.h"
#include "daemon/dispatch_pool_events.h"

namespace virtus::daemon {

namespace {

using namespace rpc::remote;
using driver::PoolHandle;

void publish(RemoteSession& s, const PoolHandle& pool, PoolLifecycle what) {
  s.services().poolEvents.publish(PoolEvent{PoolEventId::Lifecycle, pool, what, 0});
}

// Runs a pool operation and publishes its lifecycle event when it succeeds.
Result<void> withEvent(RemoteSession& s, const Pool& pool, PoolLifecycle what,
                       Result<void> outcome) {
  if (outcome)
    publish(s, fromWire(pool), what);
  return outcome;
}

Result<NameList> poolNames(RemoteSession& s, std::int32_t maxnames, unsigned flags) {
  TRY(checkMaxNames(maxnames, "storage pools"));
  TRY_ASSIGN(auto pools, s.storage().listAllPools(flags));
  NameList ret;
  for (const auto& p : pools) {
    if (ret.names.size() >= static_cast<std::size_t>(maxnames))
      break;
    ret.names.push_back(p.name);
  }
  return ret;
}

Result<IntValue> poolCount(RemoteSession& s, unsigned flags) {
  TRY_ASSIGN(auto pools, s.storage().listAllPools(flags));
  return IntValue{static_cast<std::int32_t>(pools.size())};
}

Result<HandleValue<Pool>> poolRet(Result<PoolHandle> r) {
  if (!r)
    return std::move(r).error();
  return HandleValue<Pool>{toWire(*r)};
}

Result<HandleValue<Vol>> volRet(Result<driver::VolHandle> r) {
  if (!r)
    return std::move(r).error();
  return HandleValue<Vol>{toWire(*r)};
}

Result<VolInfoRet> volInfo(RemoteSession& s, const Vol& vol, unsigned flags) {
  TRY_ASSIGN(auto info, s.storage().volInfo(fromWire(vol), flags));
  return VolInfoRet{static_cast<std::int32_t>(info.type), info.capacity, info.allocation};
}

Result<IntValue> boolRet(Result<bool> r) {
  if (!r)
    return std::move(r).error();
  return IntValue{*r ? 1 : 0};
}

Result<StringValue> stringRet(Result<std::string> r) {
  if (!r)
    return std::move(r).error();
  return StringValue{std::move(*r)};
}

}  // namespace

void registerStorageHandlers(HandlerTable& t) {
  // Lists
  t.on<Proc::ConnectListAllStoragePools>(
      [](RemoteSession& s, const ListAllArgs& a) -> Result<ListAllRet<Pool>> {
        TRY_ASSIGN(auto pools, s.storage().listAllPools(a.flags));
        TRY(checkListLimit(pools.size(), "storage pools"));
        ListAllRet<Pool> ret;
        ret.ret = static_cast<std::uint32_t>(pools.size());
        if (a.needResults)
          for (const auto& p : pools)
            ret.items.push_back(toWire(p));
        return ret;
      });
  t.on<Proc::ConnectNumOfStoragePools>(
      [](RemoteSession& s, const Void&) { return poolCount(s, driver::list_pools::kActive); });
  t.on<Proc::ConnectNumOfDefinedStoragePools>(
      [](RemoteSession& s, const Void&) { return poolCount(s, driver::list_pools::kInactive); });
  t.on<Proc::ConnectListStoragePools>([](RemoteSession& s, const IntValue& a) {
    return poolNames(s, a.value, driver::list_pools::kActive);
  });
  t.on<Proc::ConnectListDefinedStoragePools>([](RemoteSession& s, const IntValue& a) {
    return poolNames(s, a.value, driver::list_pools::kInactive);
  });
  t.on<Proc::ConnectFindStoragePoolSources>([](RemoteSession& s, const FindPoolSourcesArgs& a) {
    return stringRet(s.storage().findPoolSources(a.type, a.srcSpec.value_or(""), a.flags));
  });
  t.on<Proc::ConnectGetStoragePoolCapabilities>([](RemoteSession& s, const UintValue& a) {
    return stringRet(s.storage().poolCapabilities(a.value));
  });

  // Pool lookups and information
  t.on<Proc::StoragePoolLookupByName>([](RemoteSession& s, const StringValue& a) {
    return poolRet(s.storage().lookupPoolByName(a.value));
  });
  t.on<Proc::StoragePoolLookupByUuid>([](RemoteSession& s, const UuidValue& a) {
    return poolRet(s.storage().lookupPoolByUuid(a.uuid));
  });
  t.on<Proc::StoragePoolLookupByVolume>([](RemoteSession& s, const HandleValue<Vol>& a) {
    return poolRet(s.storage().lookupPoolByVolume(fromWire(a.value)));
  });
  t.on<Proc::StoragePoolLookupByTargetPath>([](RemoteSession& s, const StringValue& a) {
    return poolRet(s.storage().lookupPoolByTargetPath(a.value));
  });
  t.on<Proc::StoragePoolGetInfo>(
      [](RemoteSession& s, const HandleValue<Pool>& a) -> Result<PoolInfoRet> {
        TRY_ASSIGN(auto info, s.storage().poolInfo(fromWire(a.value)));
        return PoolInfoRet{static_cast<std::uint32_t>(info.state), info.capacity, info.allocation,
                           info.available};
      });
  // Virtus's own: health and unreadable volumes (`virtus pool-info` over a connection).
  t.on<Proc::VirtusPoolStatus>([](RemoteSession& s,
                                  const HandleFlags<Pool>& a) -> Result<VirtusPoolStatusRet> {
    TRY(checkFlags(a.flags, 0, "virtusPoolStatus", ErrorDomain::Storage));
    const driver::PoolHandle pool = fromWire(a.value);
    TRY_ASSIGN(auto status, s.storage().poolStatus(pool));
    VirtusPoolStatusRet ret;
    ret.healthy = status.health.healthy ? 1 : 0;
    ret.reason = status.health.reason;
    ret.since = status.health.since;
    for (const auto& u : status.unreadable) {
      ret.unreadable.push_back({u.path, static_cast<std::int32_t>(u.error.code), u.error.message});
    }
    return ret;
  });
  t.on<Proc::StoragePoolGetXmlDesc>([](RemoteSession& s, const HandleFlags<Pool>& a) {
    return stringRet(s.storage().poolXml(fromWire(a.value), a.flags));
  });
  t.on<Proc::StoragePoolGetAutostart>([](RemoteSession& s, const HandleValue<Pool>& a) {
    return boolRet(s.storage().poolAutostart(fromWire(a.value)));
  });
  t.on<Proc::StoragePoolIsActive>([](RemoteSession& s, const HandleValue<Pool>& a) {
    return boolRet(s.storage().poolIsActive(fromWire(a.value)));
  });
  t.on<Proc::StoragePoolIsPersistent>([](RemoteSession& s, const HandleValue<Pool>& a) {
    return boolRet(s.storage().poolIsPersistent(fromWire(a.value)));
  });

  // Pool lifecycle
  t.on<Proc::StoragePoolDefineXml>(
      [](RemoteSession& s, const StringFlags& a) -> Result<HandleValue<Pool>> {
        TRY_ASSIGN(auto pool, s.storage().definePool(a.value, a.flags));
        publish(s, pool, PoolLifecycle::Defined);
        return HandleValue<Pool>{toWire(pool)};
      });
  t.on<Proc::StoragePoolCreateXml>(
      [](RemoteSession& s, const StringFlags& a) -> Result<HandleValue<Pool>> {
        TRY_ASSIGN(auto pool, s.storage().createPool(a.value, a.flags));
        publish(s, pool, PoolLifecycle::Started);
        return HandleValue<Pool>{toWire(pool)};
      });
  t.on<Proc::StoragePoolCreate>([](RemoteSession& s, const HandleFlags<Pool>& a) {
    return withEvent(s, a.value, PoolLifecycle::Started,
                     s.storage().startPool(fromWire(a.value), a.flags));
  });
  t.on<Proc::StoragePoolBuild>([](RemoteSession& s, const HandleFlags<Pool>& a) {
    return withEvent(s, a.value, PoolLifecycle::Created,
                     s.storage().buildPool(fromWire(a.value), a.flags));
  });
  t.on<Proc::StoragePoolDestroy>([](RemoteSession& s, const HandleValue<Pool>& a) {
    return withEvent(s, a.value, PoolLifecycle::Stopped,
                     s.storage().destroyPool(fromWire(a.value)));
  });
  t.on<Proc::StoragePoolDelete>([](RemoteSession& s, const HandleFlags<Pool>& a) {
    return withEvent(s, a.value, PoolLifecycle::Deleted,
                     s.storage().deletePool(fromWire(a.value), a.flags));
  });
  t.on<Proc::StoragePoolUndefine>([](RemoteSession& s, const HandleValue<Pool>& a) {
    return withEvent(s, a.value, PoolLifecycle::Undefined,
                     s.storage().undefinePool(fromWire(a.value)));
  });
  t.on<Proc::StoragePoolRefresh>([](RemoteSession& s, const HandleFlags<Pool>& a) -> Result<void> {
    TRY(s.storage().refreshPool(fromWire(a.value), a.flags));
    s.services().poolEvents.publish(
        PoolEvent{PoolEventId::Refresh, fromWire(a.value), PoolLifecycle::Defined, 0});
    return {};
  });
  t.on<Proc::StoragePoolSetAutostart>([](RemoteSession& s, const HandleInt<Pool>& a) {
    return s.storage().setPoolAutostart(fromWire(a.handle), a.value != 0);
  });

  // Pool events
  t.on<Proc::ConnectStoragePoolEventRegisterAny>(
      [](RemoteSession& s, const PoolEventRegisterArgs& a) -> Result<IntValue> {
        if (a.eventID != static_cast<std::int32_t>(PoolEventId::Lifecycle) &&
            a.eventID != static_cast<std::int32_t>(PoolEventId::Refresh))
          return makeError(ErrorCode::InvalidArg, ErrorDomain::Rpc,
                           "unsupported storage pool event ID " + std::to_string(a.eventID));
        std::optional<Uuid> pool;
        if (a.pool)
          pool = a.pool->uuid;
        return IntValue{s.addPoolEventCallback(a.eventID, pool)};
      });
  t.on<Proc::ConnectStoragePoolEventDeregisterAny>(
      [](RemoteSession& s, const IntValue& a) { return s.removePoolEventCallback(a.value); });

  // Volumes
  t.on<Proc::StoragePoolListAllVolumes>(
      [](RemoteSession& s, const PoolListAllVolumesArgs& a) -> Result<ListAllRet<Vol>> {
        TRY_ASSIGN(auto vols, s.storage().listAllVolumes(fromWire(a.pool), a.flags));
        TRY(checkListLimit(vols.size(), "storage volumes"));
        ListAllRet<Vol> ret;
        ret.ret = static_cast<std::uint32_t>(vols.size());
        if (a.needResults)
          for (const auto& v : vols)
            ret.items.push_back(toWire(v));
        return ret;
      });
  t.on<Proc::StoragePoolNumOfVolumes>(
      [](RemoteSession& s, const HandleValue<Pool>& a) -> Result<IntValue> {
        TRY_ASSIGN(auto vols, s.storage().listAllVolumes(fromWire(a.value), 0));
        return IntValue{static_cast<std::int32_t>(vols.size())};
      });
  t.on<Proc::StoragePoolListVolumes>(
      [](RemoteSession& s, const HandleInt<Pool>& a) -> Result<NameList> {
        TRY(checkMaxNames(a.value, "storage volumes"));
        TRY_ASSIGN(auto vols, s.storage().listAllVolumes(fromWire(a.handle), 0));
        NameList ret;
        for (const auto& v : vols) {
          if (ret.names.size() >= static_cast<std::size_t>(a.value))
            break;
          ret.names.push_back(v.name);
        }
        return ret;
      });
  t.on<Proc::StorageVolLookupByName>([](RemoteSession& s, const VolLookupByNameArgs& a) {
    return volRet(s.storage().lookupVolByName(fromWire(a.pool), a.name));
  });
  t.on<Proc::StorageVolLookupByKey>([](RemoteSession& s, const StringValue& a) {
    return volRet(s.storage().lookupVolByKey(a.value));
  });
  t.on<Proc::StorageVolLookupByPath>([](RemoteSession& s, const StringValue& a) {
    return volRet(s.storage().lookupVolByPath(a.value));
  });
  t.on<Proc::StorageVolCreateXml>([](RemoteSession& s, const VolCreateXmlArgs& a) {
    return volRet(s.storage().createVol(fromWire(a.pool), a.xml, a.flags));
  });
  t.on<Proc::StorageVolCreateXmlFrom>([](RemoteSession& s, const VolCreateXmlFromArgs& a) {
    return volRet(
        s.storage().createVolFrom(fromWire(a.pool), a.xml, fromWire(a.clonevol), a.flags));
  });
  t.on<Proc::StorageVolDelete>([](RemoteSession& s, const HandleFlags<Vol>& a) {
    return s.storage().deleteVol(fromWire(a.value), a.flags);
  });
  t.on<Proc::StorageVolGetInfo>(
      [](RemoteSession& s, const HandleValue<Vol>& a) { return volInfo(s, a.value, 0); });
  t.on<Proc::StorageVolGetInfoFlags>(
      [](RemoteSession& s, const HandleFlags<Vol>& a) { return volInfo(s, a.value, a.flags); });
  t.on<Proc::StorageVolGetXmlDesc>([](RemoteSession& s, const HandleFlags<Vol>& a) {
    return stringRet(s.storage().volXml(fromWire(a.value), a.flags));
  });
  t.on<Proc::StorageVolGetPath>([](RemoteSession& s, const HandleValue<Vol>& a) {
    return stringRet(s.storage().volPath(fromWire(a.value)));
  });
  t.on<Proc::StorageVolWipe>([](RemoteSession& s, const HandleFlags<Vol>& a) {
    return s.storage().wipeVol(fromWire(a.value), driver::WipeAlgorithm::Zero, a.flags);
  });
  t.on<Proc::StorageVolWipePattern>(
      [](RemoteSession& s, const VolWipePatternArgs& a) -> Result<void> {
        if (a.algorithm > static_cast<std::uint32_t>(driver::WipeAlgorithm::Trim))
          return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                           "wiping algorithm " + std::to_string(a.algorithm) + " not supported");
        return s.storage().wipeVol(fromWire(a.vol), static_cast<driver::WipeAlgorithm>(a.algorithm),
                                   a.flags);
      });
  t.on<Proc::StorageVolResize>([](RemoteSession& s, const VolResizeArgs& a) {
    return s.storage().resizeVol(fromWire(a.vol), a.capacity, a.flags);
  });
}

}  // namespace virtus::daemon
