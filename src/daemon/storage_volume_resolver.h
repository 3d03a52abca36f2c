// Disks of type 'volume' (<source pool= volume=>) reach the QEMU driver as a path and a
// format, or for network pools as a network source (volume_network_source.h): this resolver
// asks the storage driver, as libvirt's QEMU driver asks its storage driver when it prepares
// a guest's disks.
#pragma once

#include "driver/storage_driver.h"
#include "hypervisor/qemu/qemu_driver.h"

namespace virtus::daemon {

// `storage` must outlive the resolver.
qemu::VolumeResolver makeStorageVolumeResolver(driver::StorageDriver& storage);

}  // namespace virtus::daemon
