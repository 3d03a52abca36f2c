// DiskBackend: volumes (partitions): create, delete, wipe.
#include <algorithm>

#include "common/check_flags.h"
#include "os/command_runner.h"
#include "os/file_system.h"
#include "storage/backends/dir/qemu_img_commands.h"
#include "storage/backends/dir/wipe.h"
#include "storage/backends/disk/disk_backend.h"
#include "storage/backends/disk/parted_commands.h"

namespace virtus::storage::disk {

namespace {

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

std::string baseName(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool endsInDigit(const std::string& s) {
  return !s.empty() && s.back() >= '0' && s.back() <= '9';
}

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const DiskPartition* findPartition(const DiskLayout& layout, int number) {
  for (const auto& p : layout.partitions) {
    if (p.number == number)
      return &p;
  }
  return nullptr;
}

}  // namespace

Result<void> DiskBackend::createVol(PoolRuntime& pool, model::VolDef& vol) {
  (void)pool;
  if (vol.target.encryption) {
    if (vol.target.encryption->format != "luks") {
      return storageError(ErrorCode::ConfigUnsupported,
                          "storage pool only supports LUKS encrypted volumes");
    }
    return storageError(ErrorCode::ConfigUnsupported,
                        "LUKS encrypted partitions are not supported yet ('" + vol.name + "')");
  }
  if (vol.target.format.empty())
    vol.target.format = "none";
  vol.type = model::VolType::Block;
  return ok();
}

Result<void> DiskBackend::buildVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkFlags(flags, driver::create_vol::kPreallocMetadata, "virStorageBackendDiskCreateVol",
                 ErrorDomain::Storage));
  if (vol.capacity == 0) {
    return storageError(ErrorCode::NoSupport, "volume capacity required for this storage pool");
  }
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  const std::string format = effectiveFormat(pool.def.source.format);
  TRY_ASSIGN(auto before, readLayout(device));
  TRY_ASSIGN(auto partType, mkpartType(before, format, vol.target.format));
  std::uint64_t cylinder = 0;
  if (format == "dos") {
    TRY_ASSIGN(auto out,
               os::runChecked(ctx_.commands, buildPrintGeometry(device, ctx_.networkTimeout)));
    TRY_ASSIGN(auto geometry, parseGeometry(out.out));
    cylinder = geometry.heads * geometry.sectors * 512;
  }
  TRY_ASSIGN(auto place, placePartition(before, format, cylinder, vol.capacity));
  TRY(os::runChecked(ctx_.commands,
                     buildMkpart(device, partType, place.start, place.end, ctx_.networkTimeout)));

  // The new partition: the one that was not there before. Whatever fails from here on
  // removes it again.
  TRY_ASSIGN(auto after, readLayout(device));
  const DiskPartition* made = nullptr;
  for (const auto& p : after.partitions) {
    if (!findPartition(before, p.number))
      made = &p;
  }
  if (!made) {
    return storageError(
        ErrorCode::InternalError,
        "parted made no new partition at " + std::to_string(place.start) + " on '" + device + "'");
  }
  auto removeMade = [&, number = made->number]() {
    (void)ctx_.commands.run(buildRm(device, std::to_string(number), ctx_.networkTimeout));
  };
  const std::string node = nodeOf(device, made->number);
  if (vol.name != baseName(node)) {
    removeMade();
    return storageError(ErrorCode::InvalidArg, "invalid partition name '" + vol.name +
                                                   "', expected '" + baseName(node) + "'");
  }
  auto found = volumeOf(pool.def, device, after, *made);
  if (!found) {
    removeMade();
    return std::move(found).error();
  }
  // The volume keeps the partition type it was asked for.
  found->target.format = vol.target.format;
  found->name = vol.name;
  vol = std::move(*found);
  return ok();
}

Result<std::string> DiskBackend::partitionNumber(const std::string& device,
                                                 const model::VolDef& vol) {
  if (vol.target.path.empty()) {
    return storageError(ErrorCode::InvalidArg,
                        "volume target path empty for source path '" + device + "'");
  }
  const std::string srcName = baseName(device);
  std::string devName = baseName(vol.target.path);
  if (!devName.starts_with(srcName)) {
    // A stable name (/dev/disk/by-path/...): the node of the disk's it leads to.
    auto want = ctx_.fs.stat(hostPath(vol.target.path));
    auto slash = device.rfind('/');
    const std::string devDir = slash == std::string::npos ? "." : device.substr(0, slash);
    auto names = ctx_.fs.listDirectory(hostPath(devDir.empty() ? "/" : devDir));
    if (want && names) {
      for (const auto& name : *names) {
        if (!name.starts_with(srcName) || name == srcName)
          continue;
        auto st = ctx_.fs.stat(hostPath(devDir + "/" + name));
        if (st && st->device == want->device && st->inode == want->inode) {
          devName = name;
          break;
        }
      }
    }
  }
  if (!devName.starts_with(srcName)) {
    return storageError(
        ErrorCode::InternalError,
        "Volume path '" + devName + "' did not start with parent pool source device name.");
  }
  std::string number = devName.substr(srcName.size());
  if (endsInDigit(srcName) && number.starts_with("p"))
    number.erase(0, 1);
  if (!allDigits(number) || number.size() > 6) {
    return storageError(ErrorCode::InternalError,
                        "cannot parse partition number from target '" + devName + "'");
  }
  return number;
}

Result<void> DiskBackend::deleteVol(PoolRuntime& pool, model::VolDef& vol, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendDiskDeleteVol", ErrorDomain::Storage));
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  TRY_ASSIGN(auto number, partitionNumber(device, vol));
  TRY(os::runChecked(ctx_.commands, buildRm(device, number, ctx_.networkTimeout)));
  return ok();
}

Result<void> DiskBackend::wipeVol(PoolRuntime& pool, model::VolDef& vol,
                                  driver::WipeAlgorithm algorithm, unsigned flags,
                                  const driver::ProgressFn& progress) {
  TRY(checkFlags(flags, 0, "virStorageBackendVolWipeLocal", ErrorDomain::Storage));
  TRY_ASSIGN(auto device, deviceOf(pool.def));
  TRY_ASSIGN(auto number, partitionNumber(device, vol));
  TRY_ASSIGN(auto layout, readLayout(device));
  const DiskPartition* part = findPartition(layout, std::stoi(number));
  if (!part) {
    return storageError(ErrorCode::NoStorageVol, "no partition " + number + " on '" + device +
                                                     "' for volume '" + vol.name + "'");
  }
  if (part->kind == PartKind::Extended) {
    return storageError(ErrorCode::NoSupport,
                        "cannot wipe extended partition '" + vol.target.path + "'");
  }
  if (auto pattern = dir::scrubPatternName(algorithm)) {
    TRY(os::runChecked(ctx_.commands, dir::buildScrub(*pattern, vol.target.path)));
    return ok();
  }
  TRY_ASSIGN(auto file, dir::openForWipe(ctx_.fs, hostPath(vol.target.path)));
  if (algorithm == driver::WipeAlgorithm::Trim)
    return dir::wipeTrim(*file, progress);
  return dir::wipeZero(*file, progress);
}

}  // namespace virtus::storage::disk
