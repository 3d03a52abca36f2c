#include "model/storage/pool_validate.h"

#include <array>
#include <cstdio>

#include "model/storage/pool_type_traits.h"
#include "model/storage/storage_adapter_xml.h"

namespace virtus::model {

namespace {
Error xmlError(std::string message) {
  return makeError(ErrorCode::XmlError, ErrorDomain::Storage, std::move(message));
}
Error unsupported(std::string message) {
  return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage, std::move(message));
}
}  // namespace

Result<void> checkPoolName(std::string_view name) {
  if (name.empty())
    return xmlError("missing pool source name element");
  if (name.find('/') != std::string_view::npos) {
    return xmlError("name " + std::string(name) + " cannot contain '/'");
  }
  return ok();
}

Result<void> checkPoolProtocolVer(const PoolDef& def) {
  if (!def.source.protocolVer)
    return ok();
  const PoolTypeTraits& traits = poolTypeTraits(def.type);
  // libvirt compares the format's number with netfs's nfs (1) and auto (0) whatever the
  // pool type, so a type without formats (number 0) passes.
  int index = traits.sourceFormats.empty() ? 0 : poolSourceFormatIndex(traits, def.source.format);
  if (index == 0 || index == 1)
    return ok();
  static constexpr std::array<std::string_view, 4> kNetfs = {"auto", "nfs", "glusterfs", "cifs"};
  std::string name = index > 0 && index < 4 ? std::string(kNetfs[index]) : "(null)";
  return unsupported("storage pool protocol ver unsupported for pool type '" + name + "'");
}

Result<void> checkPoolCow(const PoolDef& def) {
  if (def.featureCow == TriState::Absent || poolTypeTraits(def.type).supportsCow)
    return ok();
  return makeError(ErrorCode::NoSupport, ErrorDomain::Storage,
                   "cow feature may only be used for 'fs' and 'dir' pools");
}

Result<void> checkPoolRequiredSource(const PoolDef& def) {
  const PoolTypeTraits& traits = poolTypeTraits(def.type);
  if (traits.requiresHost && def.source.hosts.empty()) {
    return xmlError("missing storage pool source host name");
  }
  if (traits.requiresDir && def.source.dir.empty()) {
    return xmlError("missing storage pool source path");
  }
  if (traits.requiresAdapter)
    TRY(validateStorageAdapter(def.source.adapter));
  if (traits.requiresDevice && def.source.devices.empty()) {
    return xmlError("missing storage pool source device name");
  }
  return ok();
}

Result<void> checkPoolInitiator(const PoolDef& def) {
  if (poolTypeTraits(def.type).requiresInitiatorIqn && def.source.initiatorIqn.empty()) {
    return unsupported("missing initiator IQN");
  }
  return ok();
}

Result<void> validatePool(const PoolDef& def) {
  const PoolTypeTraits& traits = poolTypeTraits(def.type);
  if (traits.requiresSourceName && def.source.name.empty()) {
    return xmlError("element 'name' is mandatory for RBD pool");
  }
  if (!traits.sourceFormats.empty() && !def.source.format.empty() &&
      poolSourceFormatIndex(traits, def.source.format) < 0) {
    return unsupported("unknown pool format type " + def.source.format);
  }
  for (const PoolSourceHost& host : def.source.hosts) {
    if (host.name.empty())
      return xmlError("missing storage pool host name");
  }
  for (const PoolSourceDevice& device : def.source.devices) {
    if (device.path.empty())
      return xmlError("missing storage pool source device path");
  }
  if (def.source.auth) {
    const StorageAuth& auth = *def.source.auth;
    if (auth.username.empty())
      return xmlError("missing username for auth");
    if (auth.type.empty())
      return unsupported("storage pool missing auth type");
    if (auth.type != "chap" && auth.type != "ceph") {
      return unsupported("unknown auth type '" + auth.type + "'");
    }
  }
  TRY(checkPoolProtocolVer(def));
  TRY(checkPoolName(def.name));
  TRY(checkPoolCow(def));
  TRY(checkPoolRequiredSource(def));
  if (traits.targetPath == PoolTargetPath::FromXml && def.target.path.empty()) {
    return xmlError("missing storage pool target path");
  }
  TRY(checkPoolInitiator(def));
  if (auto pos = def.name.find('\n'); pos != std::string::npos) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(def.name[pos]));
    return makeError(ErrorCode::XmlDetail, ErrorDomain::Storage,
                     std::string("invalid char in name: ") + buf);
  }
  return ok();
}

}  // namespace virtus::model
