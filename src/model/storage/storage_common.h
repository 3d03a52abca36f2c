// Pieces shared by pool and volume definitions (and, later, domain disks): permissions,
// authentication, timestamps, encryption. Plain data; parse/format live beside the users.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/uuid.h"

namespace virtus::model {

enum class TriState { Absent, Yes, No };

// <permissions>: mode, owner, group, label. Unset fields are not formatted.
struct StoragePerms {
  std::optional<std::uint32_t> mode;
  std::optional<std::int64_t> uid;  // libvirt keeps -1 as "unset"
  std::optional<std::int64_t> gid;
  std::string label;
  bool operator==(const StoragePerms&) const = default;
};

// A reference to a secret: by UUID or by usage string.
struct SecretRef {
  std::optional<Uuid> uuid;
  std::string usage;
  bool operator==(const SecretRef&) const = default;
};

// <auth type='chap|ceph' username='...'><secret uuid|usage/></auth>
struct StorageAuth {
  std::string type;  // "chap" or "ceph"
  std::string username;
  SecretRef secret;
  bool operator==(const StorageAuth&) const = default;
};

struct Timestamp {
  std::int64_t sec = 0;
  std::int64_t nsec = 0;
  bool operator==(const Timestamp&) const = default;
};

// <timestamps>: output only; libvirt formats atime, mtime, ctime, btime when known.
struct StorageTimestamps {
  std::optional<Timestamp> atime;
  std::optional<Timestamp> btime;
  std::optional<Timestamp> ctime;
  std::optional<Timestamp> mtime;
  bool operator==(const StorageTimestamps&) const = default;
};

struct EncryptionSecret {
  std::string type;  // "passphrase"
  SecretRef ref;
  bool operator==(const EncryptionSecret&) const = default;
};

// <encryption format='luks|qcow|default'>
struct StorageEncryption {
  std::string format;
  std::string engine;  // "qemu" or "librbd"; empty is libvirt's default engine
  std::vector<EncryptionSecret> secrets;
  // LUKS details: <cipher name size mode hash/> and <ivgen name hash/>
  std::string cipherName;
  std::optional<std::uint32_t> cipherSize;
  std::string cipherMode;
  std::string cipherHash;
  std::string ivgenName;
  std::string ivgenHash;
  bool hasCipher = false;
  bool hasIvgen = false;
  // libvirt keeps present-but-empty attributes (mode='') and writes them back.
  bool hasCipherMode = false;
  bool hasCipherHash = false;
  bool hasIvgenHash = false;
  bool operator==(const StorageEncryption&) const = default;
};

}  // namespace virtus::model
