#include "hypervisor/qemu/qemu_caps_cache.h"

#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "os/file_system.h"

namespace virtus::qemu {

using nlohmann::json;

namespace {

std::int64_t nanoseconds(const os::FileTime& t) {
  return t.sec * 1000000000LL + t.nsec;
}

json identityToJson(const QemuBinaryIdentity& id) {
  return {{"path", id.path},
          {"size", id.size},
          {"mtimeNs", id.mtimeNs},
          {"ctimeNs", id.ctimeNs},
          {"inode", id.inode}};
}

}  // namespace

Result<QemuBinaryIdentity> qemuBinaryIdentity(os::FileSystem& fs, const std::string& path) {
  TRY_ASSIGN(os::FileStat st, fs.stat(path));
  return QemuBinaryIdentity{path, st.size, nanoseconds(st.mtime), nanoseconds(st.ctime), st.inode};
}

QemuCapsCache::QemuCapsCache(std::string cacheDir, os::FileSystem& fs, QemuCapsProber prober,
                             std::string hostKey)
    : cacheDir_(std::move(cacheDir)),
      fs_(fs),
      prober_(std::move(prober)),
      hostKey_(std::move(hostKey)) {}

std::string QemuCapsCache::cachePath(const std::string& binary) const {
  return cacheDir_ + "/" + sha256Hex(binary) + ".json";
}

Result<QemuCaps> QemuCapsCache::readEntry(const std::string& binary,
                                          const QemuBinaryIdentity& identity) {
  TRY_ASSIGN(std::string text, fs_.readFile(cachePath(binary)));
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto stale = [&] {
    return makeError(ErrorCode::OperationFailed, ErrorDomain::Qemu,
                     "cached capabilities of '" + binary + "' are stale");
  };
  auto field = [&](const char* name) -> const json* {
    auto it = doc.find(name);
    return it == doc.end() ? nullptr : &*it;
  };
  if (!doc.is_object())
    return stale();
  const json* version = field("formatVersion");
  const json* hostKey = field("hostKey");
  const json* id = field("identity");
  if (!version || *version != kFormatVersion || !hostKey || *hostKey != hostKey_ || !id ||
      *id != identityToJson(identity) || !field("caps"))
    return stale();
  TRY_ASSIGN(QemuCaps caps, qemuCapsFromJson(doc["caps"]));
  if (caps.binary != binary)
    return stale();
  return caps;
}

Result<void> QemuCapsCache::writeEntry(const QemuCaps& caps, const QemuBinaryIdentity& identity) {
  json doc = {{"formatVersion", kFormatVersion},
              {"hostKey", hostKey_},
              {"identity", identityToJson(identity)},
              {"caps", qemuCapsToJson(caps)}};
  TRY(fs_.makeDirectories(cacheDir_, 0700));
  return fs_.writeFileAtomic(cachePath(caps.binary), doc.dump(1) + "\n", 0600);
}

Result<QemuCaps> QemuCapsCache::load(const std::string& binary) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(QemuBinaryIdentity identity, qemuBinaryIdentity(fs_, binary));
  auto known = memory_.find(binary);
  if (known != memory_.end() && known->second.identity == identity)
    return known->second.caps;
  auto cached = readEntry(binary, identity);
  if (!cached) {
    TRY_ASSIGN(QemuCaps probed, prober_(binary));
    (void)writeEntry(probed, identity);
    cached = std::move(probed);
  }
  memory_[binary] = Entry{identity, *cached};
  return cached;
}

}  // namespace virtus::qemu
