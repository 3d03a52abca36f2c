// The storage node of a network disk layer (<disk type='network'>): QEMU's protocol driver
// and its options in libvirt 9.0's -blockdev form (qemu_block.c), for nbd, iscsi, rbd,
// gluster, http, https, ftp and ftps. Sheepdog is refused: QEMU removed its driver in 6.0.
//
// The caller adds the options every storage node has (node-name, auto-read-only, discard,
// cache). Hosts without a port get the protocol's default port (nbd 10809, iscsi 3260,
// gluster 24007, http 80, https 443, ftp 21, ftps 990; none for rbd), as libvirt's post-parse
// gives them (libvirt leaves rdma hosts at port 0; Virtus gives iSER the iSCSI port too).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "hypervisor/qemu/qemu_command_secret.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

struct NetworkStorageNode {
  nlohmann::ordered_json props;           // {"driver":"rbd","pool":...}
  std::vector<QemuSecretObject> secrets;  // what `props` names (key-secret, password-secret)
};

// `src` is one layer of disk `diskTarget` whose storage node is `storageNode`
// ("libvirt-N-storage"). CONFIG_UNSUPPORTED for a protocol or host Virtus cannot give QEMU,
// XML_ERROR for a name the protocol cannot split (rbd/gluster "pool/image", iscsi
// "target/lun").
Result<NetworkStorageNode> buildNetworkStorageNode(const model::StorageSource& src,
                                                   const std::string& storageNode,
                                                   const std::string& diskTarget,
                                                   const QemuSecretContext& secrets);

}  // namespace virtus::qemu
