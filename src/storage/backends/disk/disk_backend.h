// The `disk` pool backend, as libvirt 9.0's storage_backend_disk.c: a pool is one whole disk
// (<source><device path=>) with a partition table (<format type=>: dos, dvh, gpt, mac, bsd,
// pc98, sun, lvm2), its volumes are the disk's partitions, block devices named after their
// node ("sda1", "loop0p1").
//
//   build    without OVERWRITE, the disk must hold nothing (libblkid; parted for dvh and
//            pc98); then its first and last MiB are zeroed and `parted DEV mklabel --script
//            LABEL` writes the label (dos is parted's msdos; no format means dos)
//   start    the disk exists and holds the pool's label (checkPool: the same, false when the
//            disk is gone)
//   refresh  `parted -s -m DEV unit B print free` (libvirt runs libvirt_parthelper, which
//            reads the same table with libparted): partitions become volumes with their
//            extent, free regions the pool's free extents, with libvirt's figures
//   delete   zeroes the first and last MiB (the label)
//   volumes  create: `parted DEV mkpart --script TYPE STARTB ENDB` placed as libvirt places
//            it (smallest free extent that fits, cylinder-aligned on dos, primary until the
//            four slots are taken, then logical inside the extended partition); the new
//            partition must carry the volume's name and its node must appear, otherwise it
//            is removed again. delete: `parted DEV rm --script N`. wipe: zeros (or trim)
//            written natively, the scrub patterns by scrub; extended partitions cannot be
//            wiped.
//
// Every parted run has the context's deadline (networkTimeout); a missed one fails with
// VIR_ERR_OPERATION_TIMEOUT as the runner reports it.
//
// Differences from libvirt 9.0, on purpose: the cylinder size comes from the BIOS geometry
// parted prints (`unit chs print`) rather than parthelper's hardware geometry (the same on
// Linux); the partition number of a disk whose name ends in a digit ("loop0p2") is taken
// after the "p" (libvirt passes "p2" to parted, which refuses it); the source path is not
// resolved through symbolic links (a volume's stable path is, by comparing nodes).
#pragma once

#include <memory>
#include <string>

#include "storage/backends/disk/disk_layout.h"
#include "storage/device_probe.h"
#include "storage/host_roots.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// The backend on this host's /dev, probing disks with libblkid.
StorageBackendPtr makeDiskBackend(const BackendContext& ctx);

namespace disk {

class DiskBackend final : public StorageBackend {
 public:
  DiskBackend(const BackendContext& ctx, HostRoots roots, std::unique_ptr<DeviceProbe> probe);

  model::PoolType type() const override { return model::PoolType::Disk; }
  BackendFeatures features() const override;

  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> buildPool(PoolRuntime& pool, unsigned flags) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<void> deletePool(PoolRuntime& pool, unsigned flags) override;

  Result<void> createVol(PoolRuntime& pool, model::VolDef& vol) override;
  Result<void> buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) override;
  Result<void> wipeVol(PoolRuntime& pool, model::VolDef& vol, driver::WipeAlgorithm algorithm,
                       unsigned flags, const driver::ProgressFn& progress) override;

  // Streams (disk_streams.cpp): the volume is a block device, read and written as the dir
  // backend reads and writes files (libvirt's virStorageBackendVolUploadLocal/DownloadLocal).
  Result<void> uploadVol(PoolRuntime& pool, model::VolDef& vol, std::uint64_t offset,
                         std::uint64_t length, unsigned flags, driver::StreamSource& source,
                         const driver::ProgressFn& progress) override;
  Result<void> downloadVol(PoolRuntime& pool, const model::VolDef& vol, std::uint64_t offset,
                           std::uint64_t length, unsigned flags, driver::StreamSink& sink,
                           const driver::ProgressFn& progress) override;

 private:
  // The pool's disk ("/dev/sda"); VIR_ERR_INVALID_ARG when the pool names none.
  Result<std::string> deviceOf(const model::PoolDef& def) const;
  // Where a /dev path is on this host (under roots_.dev).
  std::string hostPath(const std::string& path) const;
  // VIR_ERR_INVALID_ARG "device path 'D' doesn't exist" unless the disk is there.
  Result<void> requireDevice(const std::string& device);
  // libvirt's virStorageBackendDeviceIsEmpty: `writelabel` for a build.
  Result<void> checkLabel(const std::string& device, const std::string& format, bool writelabel);
  Result<DiskLayout> readLayout(const std::string& device);
  // The partition's node ("/dev/sda1"), and the path of its volume in the pool's target
  // directory (the node itself for /dev, otherwise the entry there that leads to it).
  std::string nodeOf(const std::string& device, int number) const;
  std::string stablePath(const model::PoolDef& def, const std::string& node);
  // The volume of one partition; the node must exist (an extended one may not open).
  Result<model::VolDef> volumeOf(const model::PoolDef& def, const std::string& device,
                                 const DiskLayout& layout, const DiskPartition& part);
  // The partition number of a volume's path, as libvirt's deleteVol derives it (a stable
  // name is followed to its node).
  Result<std::string> partitionNumber(const std::string& device, const model::VolDef& vol);

  BackendContext ctx_;
  HostRoots roots_;
  std::unique_ptr<DeviceProbe> probe_;
};

}  // namespace disk
}  // namespace virtus::storage
