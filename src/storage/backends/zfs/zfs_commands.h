// The `zfs` and `zpool` command lines of the zfs backend (libvirt 9.0's
// storage_backend_zfs.c, plus Virtus' own for resize, clones and delete checks) and parsers
// of their -H (tab-separated, no header) output. Pure functions: the backend runs them
// through its CommandRunner, with the deadline it sets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/command.h"

namespace virtus::storage::zfs {

// The zpool holding a pool whose source name is "POOL" or "POOL/DATASET...".
std::string zpoolOf(const model::PoolDef& def);
// Is the pool a dataset inside a zpool ("tank/vms") rather than a whole zpool ("tank")?
bool isDatasetPool(const model::PoolDef& def);
// SOURCE/NAME: the dataset of volume `name`.
std::string datasetOf(const model::PoolDef& def, std::string_view name);
// The snapshot a clone called `cloneName` is made from: SOURCE/ORIGIN@virtus-clone-CLONE.
std::string cloneSnapshotOf(const model::PoolDef& def, std::string_view origin,
                            std::string_view cloneName);

// --- pool ---
// zfs list -H -t filesystem -o name SOURCE (exit 0: the dataset exists).
os::Command buildDatasetExists(const model::PoolDef& def);
// zpool get -Hp health,size,free,allocated ZPOOL
os::Command buildZpoolGet(const model::PoolDef& def);
// zfs list -Hp -t volume -r -o name,volsize,refreservation SOURCE
os::Command buildListVolumes(const model::PoolDef& def);
// zpool create SOURCE DEV... ; or, for a dataset pool, zfs create -o mountpoint=none SOURCE.
// VIR_ERR_CONFIG_UNSUPPORTED "missing source devices" for a zpool without devices.
Result<os::Command> buildPoolCreate(const model::PoolDef& def);
// zpool destroy SOURCE ; or, for a dataset pool, zfs destroy -r SOURCE.
os::Command buildPoolDestroy(const model::PoolDef& def);

// --- volumes ---
// zfs get: no arguments, so that zfs prints its usage (exit status 2) with the properties
// it knows; run under LC_ALL=C (through env, as Command has no environment of its own).
os::Command buildZfsGetUsage();
struct CreateOptions {
  bool volmode = false;  // -o volmode=dev
};
// zfs create [-o volmode=dev] [-s [-o refreservation=ALLOCK]] -V CAPK SOURCE/NAME: sparse
// when allocation differs from capacity, sizes in KiB rounded up (libvirt's form).
os::Command buildVolumeCreate(const model::PoolDef& def, std::string_view name,
                              std::uint64_t capacity, std::uint64_t allocation,
                              CreateOptions options);
// zfs list -Hp -t volume -o name,volsize,refreservation SOURCE/NAME (one volume).
os::Command buildListVolume(const model::PoolDef& def, std::string_view name);
// zfs list -H -t volume,snapshot -r -o name,origin,clones SOURCE/NAME: the volume's origin
// and its snapshots' clones, read before deleting it.
os::Command buildListRelations(const model::PoolDef& def, std::string_view name);
// zfs destroy DATASET (a volume or a snapshot).
os::Command buildDestroy(const std::string& dataset);
// zfs set volsize=BYTES SOURCE/NAME
os::Command buildResize(const model::PoolDef& def, std::string_view name, std::uint64_t capacity);
// zfs snapshot SNAPSHOT
os::Command buildSnapshot(const std::string& snapshot);
// zfs clone SNAPSHOT SOURCE/NAME
os::Command buildClone(const std::string& snapshot, const model::PoolDef& def,
                       std::string_view name);

// --- parsers ---
struct ZpoolProperties {
  std::string health;
  std::uint64_t size = 0;
  std::uint64_t free = 0;
  std::uint64_t allocated = 0;
};
// "ZPOOL\tPROPERTY\tVALUE\tSOURCE" lines of `zpool get -Hp`. VIR_ERR_INTERNAL_ERROR naming
// the line for one that does not read so, or when size, free or allocated is missing.
Result<ZpoolProperties> parseZpoolGet(std::string_view output);

struct ZfsVolume {
  std::string dataset;  // "tank/vms/disk1"
  std::uint64_t volsize = 0;
  std::uint64_t refreservation = 0;
};
// "DATASET\tVOLSIZE\tREFRESERVATION" lines of `zfs list -Hp`. VIR_ERR_INTERNAL_ERROR naming
// the line ("malformed volsize", "malformed refreservation", wrong field count).
Result<std::vector<ZfsVolume>> parseVolumeList(std::string_view output);

// Does `zfs get`'s usage (its stderr) list the volmode property? libvirt looks for
// " volmode "; OpenZFS prints its property table as "\tvolmode   YES ...", which is also
// accepted.
bool usageListsVolmode(std::string_view usage);

struct ZfsRelations {
  std::string origin;  // the volume's origin snapshot; empty when it is no clone
  // Its snapshots, each with the datasets cloned from it.
  std::vector<std::pair<std::string, std::vector<std::string>>> snapshots;
};
// The lines of buildListRelations for the volume `dataset`.
Result<ZfsRelations> parseRelations(std::string_view output, const std::string& dataset);

// Does a zfs error output say the dataset does not exist ("dataset does not exist")?
bool saysNoSuchDataset(std::string_view err);

}  // namespace virtus::storage::zfs
