// Secrets of network disks (an RBD cephx key, an iSCSI CHAP or HTTP password) handed to QEMU
// as "secret" objects that the block nodes name (key-secret, password-secret).
//
// libvirt encrypts each value with AES under a per-domain master key and puts the ciphertext
// on the command line. Virtus does not: it writes each value to its own file (mode 0600, in
// a directory of mode 0700 that only the driver uses) and the command line names the file
// ({"qom-type":"secret","id":...,"format":"raw","file":...}). The value never appears on a
// command line or in a log. The builder stays host-free: it returns the files to write
// (QemuSecretObject) and the driver writes them before it spawns QEMU and removes them once
// QMP is up (QEMU has read them by then). Hotplug passes the same objects over QMP
// (object-add with the value in base64) and needs no file.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// Where secret values come from and where their files go, for one run of a domain.
struct QemuSecretContext {
  // The value of the secret a disk's <auth> names (its raw bytes, as `virsh
  // secret-get-value` shows them base64-encoded). Empty: disks with <auth> are refused.
  std::function<Result<std::string>(const model::DiskSecretRef&)> lookup;
  // The directory the driver writes the files into (created with mode 0700). Required
  // when a disk has <auth>.
  std::string directory;
};

// One QEMU secret object of a disk.
struct QemuSecretObject {
  std::string id;     // libvirt's alias: "libvirt-2-storage-auth-secret0"
  std::string path;   // `directory`/`id`: the file to write with mode 0600
  std::string value;  // the secret's bytes: never log them

  // -object's JSON: {"qom-type":"secret","id":...,"format":"raw","file":path}.
  std::string commandLineJson() const;
  // object-add's arguments for hotplug: {"qom-type":"secret","id":...,"data":base64,
  // "format":"base64"}. Only ever sent to QEMU: never log them.
  nlohmann::json objectAddArguments() const;
};

// The secret object of a network disk's <auth> for its storage node `storageNode`
// ("libvirt-N-storage"), its value looked up through `context`.
Result<QemuSecretObject> prepareAuthSecret(const QemuSecretContext& context,
                                           const model::DiskAuth& auth,
                                           const std::string& storageNode,
                                           const std::string& diskTarget);

}  // namespace virtus::qemu
