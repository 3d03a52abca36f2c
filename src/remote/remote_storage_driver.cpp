#include "remote/remote_storage_driver.h"

#include <utility>

#include "remote/remote_handles.h"

namespace virtus::remote {

using rpc::remote::HandleFlags;
using rpc::remote::HandleInt;
using rpc::remote::HandleValue;
using rpc::remote::Pool;
using rpc::remote::Proc;
using rpc::remote::Vol;

namespace {

template <class T>
Result<T> poolFrom(Result<HandleValue<Pool>> ret) {
  if (!ret)
    return std::move(ret).error();
  return fromWire(ret->value);
}

Result<driver::VolHandle> volFrom(Result<HandleValue<Vol>> ret) {
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

Result<std::string> text(Result<rpc::remote::StringValue> ret) {
  if (!ret)
    return std::move(ret).error();
  return std::move(ret->value);
}

}  // namespace

// --- pools ------------------------------------------------------------------------

Result<std::vector<driver::PoolHandle>> RemoteStorageDriver::listAllPools(unsigned flags) {
  TRY_ASSIGN(auto ret, client_.call<Proc::ConnectListAllStoragePools>({1, flags}));
  std::vector<driver::PoolHandle> pools;
  pools.reserve(ret.items.size());
  for (const Pool& p : ret.items)
    pools.push_back(fromWire(p));
  return pools;
}

Result<driver::PoolHandle> RemoteStorageDriver::lookupPoolByName(std::string_view name) {
  return poolFrom<driver::PoolHandle>(
      client_.call<Proc::StoragePoolLookupByName>({std::string(name)}));
}

Result<driver::PoolHandle> RemoteStorageDriver::lookupPoolByUuid(const Uuid& uuid) {
  return poolFrom<driver::PoolHandle>(client_.call<Proc::StoragePoolLookupByUuid>({uuid}));
}

Result<driver::PoolHandle> RemoteStorageDriver::lookupPoolByVolume(const driver::VolHandle& vol) {
  return poolFrom<driver::PoolHandle>(client_.call<Proc::StoragePoolLookupByVolume>({toWire(vol)}));
}

Result<driver::PoolHandle> RemoteStorageDriver::definePool(std::string_view xml, unsigned flags) {
  return poolFrom<driver::PoolHandle>(
      client_.call<Proc::StoragePoolDefineXml>({std::string(xml), flags}));
}

Result<driver::PoolHandle> RemoteStorageDriver::createPool(std::string_view xml, unsigned flags) {
  return poolFrom<driver::PoolHandle>(
      client_.call<Proc::StoragePoolCreateXml>({std::string(xml), flags}));
}

Result<void> RemoteStorageDriver::undefinePool(const driver::PoolHandle& pool) {
  return done(client_.call<Proc::StoragePoolUndefine>({toWire(pool)}));
}

Result<void> RemoteStorageDriver::buildPool(const driver::PoolHandle& pool, unsigned flags) {
  return done(client_.call<Proc::StoragePoolBuild>({toWire(pool), flags}));
}

Result<void> RemoteStorageDriver::startPool(const driver::PoolHandle& pool, unsigned flags) {
  return done(client_.call<Proc::StoragePoolCreate>({toWire(pool), flags}));
}

Result<void> RemoteStorageDriver::destroyPool(const driver::PoolHandle& pool) {
  return done(client_.call<Proc::StoragePoolDestroy>({toWire(pool)}));
}

Result<void> RemoteStorageDriver::deletePool(const driver::PoolHandle& pool, unsigned flags) {
  return done(client_.call<Proc::StoragePoolDelete>({toWire(pool), flags}));
}

Result<void> RemoteStorageDriver::refreshPool(const driver::PoolHandle& pool, unsigned flags) {
  return done(client_.call<Proc::StoragePoolRefresh>({toWire(pool), flags}));
}

Result<driver::PoolInfo> RemoteStorageDriver::poolInfo(const driver::PoolHandle& pool) {
  TRY_ASSIGN(auto ret, client_.call<Proc::StoragePoolGetInfo>({toWire(pool)}));
  driver::PoolInfo info;
  info.state = static_cast<driver::PoolState>(ret.state);
  info.capacity = ret.capacity;
  info.allocation = ret.allocation;
  info.available = ret.available;
  return info;
}

Result<std::string> RemoteStorageDriver::poolXml(const driver::PoolHandle& pool, unsigned flags) {
  return text(client_.call<Proc::StoragePoolGetXmlDesc>({toWire(pool), flags}));
}

Result<bool> RemoteStorageDriver::poolAutostart(const driver::PoolHandle& pool) {
  return flag(client_.call<Proc::StoragePoolGetAutostart>({toWire(pool)}));
}

Result<void> RemoteStorageDriver::setPoolAutostart(const driver::PoolHandle& pool, bool autostart) {
  return done(client_.call<Proc::StoragePoolSetAutostart>({toWire(pool), autostart ? 1 : 0}));
}

Result<bool> RemoteStorageDriver::poolIsActive(const driver::PoolHandle& pool) {
  return flag(client_.call<Proc::StoragePoolIsActive>({toWire(pool)}));
}

Result<bool> RemoteStorageDriver::poolIsPersistent(const driver::PoolHandle& pool) {
  return flag(client_.call<Proc::StoragePoolIsPersistent>({toWire(pool)}));
}

Result<driver::PoolHandle> RemoteStorageDriver::lookupPoolByTargetPath(std::string_view path) {
  return poolFrom<driver::PoolHandle>(
      client_.call<Proc::StoragePoolLookupByTargetPath>({std::string(path)}));
}

Result<std::string> RemoteStorageDriver::findPoolSources(std::string_view type,
                                                         std::string_view srcSpecXml,
                                                         unsigned flags) {
  rpc::remote::FindPoolSourcesArgs args;
  args.type = std::string(type);
  if (!srcSpecXml.empty())
    args.srcSpec = std::string(srcSpecXml);
  args.flags = flags;
  return text(client_.call<Proc::ConnectFindStoragePoolSources>(args));
}

Result<std::string> RemoteStorageDriver::poolCapabilities(unsigned flags) {
  return text(client_.call<Proc::ConnectGetStoragePoolCapabilities>({flags}));
}

Result<driver::PoolStatus> RemoteStorageDriver::poolStatus(const driver::PoolHandle& pool) {
  TRY_ASSIGN(auto ret, client_.call<Proc::VirtusPoolStatus>({toWire(pool), 0}));
  driver::PoolStatus status;
  status.health = driver::PoolHealth{ret.healthy != 0, ret.reason, ret.since};
  for (const auto& u : ret.unreadable) {
    status.unreadable.push_back(driver::UnreadableVolume{
        u.path, makeError(static_cast<ErrorCode>(u.code), ErrorDomain::Storage, u.message)});
  }
  return status;
}

// --- volumes ----------------------------------------------------------------------

Result<std::vector<driver::VolHandle>> RemoteStorageDriver::listAllVolumes(
    const driver::PoolHandle& pool, unsigned flags) {
  TRY_ASSIGN(auto ret, client_.call<Proc::StoragePoolListAllVolumes>({toWire(pool), 1, flags}));
  std::vector<driver::VolHandle> vols;
  vols.reserve(ret.items.size());
  for (const Vol& v : ret.items)
    vols.push_back(fromWire(v));
  return vols;
}

Result<driver::VolHandle> RemoteStorageDriver::lookupVolByName(const driver::PoolHandle& pool,
                                                               std::string_view name) {
  return volFrom(client_.call<Proc::StorageVolLookupByName>({toWire(pool), std::string(name)}));
}

Result<driver::VolHandle> RemoteStorageDriver::lookupVolByKey(std::string_view key) {
  return volFrom(client_.call<Proc::StorageVolLookupByKey>({std::string(key)}));
}

Result<driver::VolHandle> RemoteStorageDriver::lookupVolByPath(std::string_view path) {
  return volFrom(client_.call<Proc::StorageVolLookupByPath>({std::string(path)}));
}

Result<driver::VolHandle> RemoteStorageDriver::createVol(const driver::PoolHandle& pool,
                                                         std::string_view xml, unsigned flags) {
  return volFrom(client_.call<Proc::StorageVolCreateXml>({toWire(pool), std::string(xml), flags}));
}

Result<driver::VolHandle> RemoteStorageDriver::createVolFrom(const driver::PoolHandle& pool,
                                                             std::string_view xml,
                                                             const driver::VolHandle& source,
                                                             unsigned flags,
                                                             const driver::ProgressFn&) {
  // The protocol reports no progress for a clone: the call returns when it is done.
  return volFrom(client_.call<Proc::StorageVolCreateXmlFrom>(
      {toWire(pool), std::string(xml), toWire(source), flags}));
}

Result<void> RemoteStorageDriver::deleteVol(const driver::VolHandle& vol, unsigned flags) {
  return done(client_.call<Proc::StorageVolDelete>({toWire(vol), flags}));
}

Result<void> RemoteStorageDriver::wipeVol(const driver::VolHandle& vol,
                                          driver::WipeAlgorithm algorithm, unsigned flags,
                                          const driver::ProgressFn&) {
  // virsh sends WIPE_PATTERN for every vol-wipe, the default algorithm included.
  return done(client_.call<Proc::StorageVolWipePattern>(
      {toWire(vol), static_cast<std::uint32_t>(algorithm), flags}));
}

Result<void> RemoteStorageDriver::resizeVol(const driver::VolHandle& vol, std::uint64_t capacity,
                                            unsigned flags) {
  return done(client_.call<Proc::StorageVolResize>({toWire(vol), capacity, flags}));
}

Result<driver::VolInfo> RemoteStorageDriver::volInfo(const driver::VolHandle& vol, unsigned flags) {
  // GET_INFO_FLAGS exists only since libvirt 3.0: use the old call when it says the same.
  Result<rpc::remote::VolInfoRet> ret =
      flags == 0 ? client_.call<Proc::StorageVolGetInfo>({toWire(vol)})
                 : client_.call<Proc::StorageVolGetInfoFlags>({toWire(vol), flags});
  if (!ret)
    return std::move(ret).error();
  driver::VolInfo info;
  info.type = static_cast<model::VolType>(ret->type);
  info.capacity = ret->capacity;
  info.allocation = ret->allocation;
  return info;
}

Result<std::string> RemoteStorageDriver::volXml(const driver::VolHandle& vol, unsigned flags) {
  return text(client_.call<Proc::StorageVolGetXmlDesc>({toWire(vol), flags}));
}

Result<std::string> RemoteStorageDriver::volPath(const driver::VolHandle& vol) {
  return text(client_.call<Proc::StorageVolGetPath>({toWire(vol)}));
}

Result<void> RemoteStorageDriver::uploadVol(const driver::VolHandle& vol, std::uint64_t offset,
                                            std::uint64_t length, unsigned flags,
                                            driver::StreamSource& source,
                                            const driver::ProgressFn& progress) {
  std::uint64_t moved = 0;
  auto next = [&](std::size_t maxBytes) -> Result<rpc::UploadPiece> {
    TRY_ASSIGN(driver::StreamChunk chunk, source.next(maxBytes));
    rpc::UploadPiece piece;
    switch (chunk.kind) {
      case driver::StreamChunk::Kind::Data:
        piece.kind = rpc::UploadPiece::Kind::Data;
        moved += chunk.data.size();
        piece.data = std::move(chunk.data);
        break;
      case driver::StreamChunk::Kind::Hole:
        piece.kind = rpc::UploadPiece::Kind::Hole;
        piece.holeLength = chunk.holeLength;
        moved += chunk.holeLength;
        break;
      case driver::StreamChunk::Kind::End:
        piece.kind = rpc::UploadPiece::Kind::End;
        return piece;
    }
    if (progress)
      progress(moved, length);
    return piece;
  };
  return client_.upload<Proc::StorageVolUpload>({toWire(vol), offset, length, flags}, next);
}

Result<void> RemoteStorageDriver::downloadVol(const driver::VolHandle& vol, std::uint64_t offset,
                                              std::uint64_t length, unsigned flags,
                                              driver::StreamSink& sink,
                                              const driver::ProgressFn& progress) {
  std::uint64_t moved = 0;
  rpc::DownloadSink remoteSink;
  remoteSink.data = [&](std::string_view data) -> Result<void> {
    TRY(sink.write(std::span<const char>(data.data(), data.size())));
    moved += data.size();
    if (progress)
      progress(moved, length);
    return ok();
  };
  if (flags & driver::stream_flags::kSparseStream) {
    remoteSink.hole = [&](std::uint64_t hole) -> Result<void> {
      TRY(sink.hole(hole));
      moved += hole;
      if (progress)
        progress(moved, length);
      return ok();
    };
  }
  TRY(client_.download<Proc::StorageVolDownload>({toWire(vol), offset, length, flags}, remoteSink));
  return sink.finish();
}

}  // namespace virtus::remote
