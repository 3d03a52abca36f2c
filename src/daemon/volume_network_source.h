// The network source a guest's disk uses for a volume of a network pool (libvirt's
// virStorageTranslateDiskSourcePool): protocol, name, hosts, initiator and authentication
// come from the pool's definition, as QEMU reaches the storage itself.
//
// - iscsi-direct: protocol iscsi, name "TARGET/LUN", the pool's host, initiator IQN and CHAP
//   (as libvirt).
// - rbd: protocol rbd, name "POOL/IMAGE", the pool's monitors and cephx user; gluster:
//   protocol gluster, name "VOLUME/DIR/FILE", the pool's host. libvirt 9.0 refuses these
//   ("using 'rbd' pools for backing 'volume' disks isn't yet supported"); Virtus does not.
// Other types: VIR_ERR_CONFIG_UNSUPPORTED (sheepdog: QEMU removed its driver).
#pragma once

#include "common/result.h"
#include "model/domain/domain_def.h"
#include "model/storage/pool_def.h"
#include "model/storage/vol_def.h"

namespace virtus::daemon {

Result<model::StorageSource> networkSourceOfVolume(const model::PoolDef& pool,
                                                   const model::VolDef& vol);

}  // namespace virtus::daemon
