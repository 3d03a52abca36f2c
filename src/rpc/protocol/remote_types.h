// The object handles of libvirt's REMOTE program (remote_protocol.x) and the small
// argument and result shapes that many procedures share. A procedure whose libvirt struct
// has the same wire layout as one of these uses it instead of a copy under another name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/uuid.h"
#include "rpc/xdr_codec.h"

namespace virtus::rpc::remote {

using rpc::Void;

inline constexpr std::uint32_t kAuthTypeListMax = 20;
inline constexpr std::uint32_t kSecretValueMax = 65536;

// remote_nonnull_domain
struct Domain {
  std::string name;
  Uuid uuid;
  std::int32_t id = -1;  // -1 while inactive
  VIRTUS_XDR(name, uuid, id)
};

// remote_nonnull_storage_pool
struct Pool {
  std::string name;
  Uuid uuid;
  VIRTUS_XDR(name, uuid)
};

// remote_nonnull_storage_vol
struct Vol {
  std::string pool;
  std::string name;
  std::string key;
  VIRTUS_XDR(pool, name, key)
};

// remote_nonnull_secret
struct Secret {
  Uuid uuid;
  std::int32_t usageType = 0;
  std::string usageID;
  VIRTUS_XDR(uuid, usageType, usageID)
};

// --- shapes shared by many procedures ---

struct IntValue {  // { int x; } (supported, num, active, autostart, callbackID …)
  std::int32_t value = 0;
  VIRTUS_XDR(value)
};
struct UintValue {  // { unsigned int flags; }
  std::uint32_t value = 0;
  VIRTUS_XDR(value)
};
struct HyperValue {  // { unsigned hyper x; } (versions)
  std::uint64_t value = 0;
  VIRTUS_XDR(value)
};
struct StringValue {  // { remote_nonnull_string x; } (names, XML, paths, keys, URIs)
  std::string value;
  VIRTUS_XDR(value)
};
struct UuidValue {  // { remote_uuid uuid; }
  Uuid uuid;
  VIRTUS_XDR(uuid)
};
struct StringFlags {  // { remote_nonnull_string xml; unsigned int flags; }
  std::string value;
  std::uint32_t flags = 0;
  VIRTUS_XDR(value, flags)
};
struct IdList {  // { int ids<LIST_MAX>; }
  XdrList<std::int32_t> ids;
  VIRTUS_XDR(ids)
};
struct NameList {  // { remote_nonnull_string names<LIST_MAX>; }
  XdrList<std::string> names;
  VIRTUS_XDR(names)
};
struct ListAllArgs {  // { int need_results; unsigned int flags; }
  std::int32_t needResults = 0;
  std::uint32_t flags = 0;
  VIRTUS_XDR(needResults, flags)
};

template <class Handle>
struct HandleValue {  // { remote_nonnull_X x; }
  Handle value;
  VIRTUS_XDR(value)
};
template <class Handle>
struct HandleFlags {  // { remote_nonnull_X x; unsigned int flags; }
  Handle value;
  std::uint32_t flags = 0;
  VIRTUS_XDR(value, flags)
};
template <class Handle>
struct HandleInt {  // { remote_nonnull_X x; int value; } (set autostart, maxnames)
  Handle handle;
  std::int32_t value = 0;
  VIRTUS_XDR(handle, value)
};
template <class Handle>
struct ListAllRet {  // { remote_nonnull_X items<LIST_MAX>; unsigned int ret; }
  XdrList<Handle> items;
  std::uint32_t ret = 0;
  VIRTUS_XDR(items, ret)
};

}  // namespace virtus::rpc::remote
