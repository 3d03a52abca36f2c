// Storage pool and volume messages of the REMOTE program that need their own shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rpc/protocol/remote_types.h"

namespace virtus::rpc::remote {

struct FindPoolSourcesArgs {
  std::string type;
  std::optional<std::string> srcSpec;
  std::uint32_t flags = 0;
  VIRTUS_XDR(type, srcSpec, flags)
};

struct PoolInfoRet {
  std::uint32_t state = 0;  // unsigned char
  std::uint64_t capacity = 0;
  std::uint64_t allocation = 0;
  std::uint64_t available = 0;
  VIRTUS_XDR(state, capacity, allocation, available)
};

struct PoolListAllVolumesArgs {
  Pool pool;
  std::int32_t needResults = 0;
  std::uint32_t flags = 0;
  VIRTUS_XDR(pool, needResults, flags)
};

struct VolLookupByNameArgs {
  Pool pool;
  std::string name;
  VIRTUS_XDR(pool, name)
};

struct VolCreateXmlArgs {
  Pool pool;
  std::string xml;
  std::uint32_t flags = 0;
  VIRTUS_XDR(pool, xml, flags)
};

struct VolCreateXmlFromArgs {
  Pool pool;
  std::string xml;
  Vol clonevol;
  std::uint32_t flags = 0;
  VIRTUS_XDR(pool, xml, clonevol, flags)
};

struct VolInfoRet {
  std::int32_t type = 0;  // char
  std::uint64_t capacity = 0;
  std::uint64_t allocation = 0;
  VIRTUS_XDR(type, capacity, allocation)
};

struct VolResizeArgs {
  Vol vol;
  std::uint64_t capacity = 0;
  std::uint32_t flags = 0;
  VIRTUS_XDR(vol, capacity, flags)
};

struct VolWipePatternArgs {
  Vol vol;
  std::uint32_t algorithm = 0;
  std::uint32_t flags = 0;
  VIRTUS_XDR(vol, algorithm, flags)
};

// STORAGE_VOL_UPLOAD and STORAGE_VOL_DOWNLOAD: the data follows as a stream.
struct VolTransferArgs {
  Vol vol;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint32_t flags = 0;
  VIRTUS_XDR(vol, offset, length, flags)
};

struct PoolEventRegisterArgs {
  std::int32_t eventID = 0;
  std::optional<Pool> pool;
  VIRTUS_XDR(eventID, pool)
};

// STORAGE_POOL_EVENT_LIFECYCLE (a MESSAGE from the server)
struct PoolEventLifecycleMsg {
  std::int32_t callbackID = 0;
  Pool pool;
  std::int32_t event = 0;
  std::int32_t detail = 0;
  VIRTUS_XDR(callbackID, pool, event, detail)
};

// VIRTUS_POOL_STATUS (Virtus's own call): the pool's health and the volumes its last refresh
// could not read (driver::PoolHealth, driver::UnreadableVolume).
struct VirtusUnreadableVolume {
  std::string path;
  std::int32_t code = 0;  // libvirt's error code
  std::string message;
  VIRTUS_XDR(path, code, message)
};
struct VirtusPoolStatusRet {
  std::int32_t healthy = 1;
  std::string reason;
  std::int64_t since = 0;
  XdrList<VirtusUnreadableVolume> unreadable;
  VIRTUS_XDR(healthy, reason, since, unreadable)
};

// STORAGE_POOL_EVENT_REFRESH (a MESSAGE from the server)
struct PoolEventRefreshMsg {
  std::int32_t callbackID = 0;
  Pool pool;
  VIRTUS_XDR(callbackID, pool)
};

}  // namespace virtus::rpc::remote
