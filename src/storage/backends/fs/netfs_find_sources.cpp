// findPoolSources of netfs pools (libvirt's virStorageBackendFileSystemNetFindPoolSources):
// whatever the source spec's format, the host's NFS exports and then its gluster volumes.
#include "common/check_flags.h"
#include "model/storage/pool_xml.h"
#include "os/command_runner.h"
#include "storage/backends/fs/fs_backend.h"
#include "storage/backends/fs/netfs_sources.h"
#include "storage/gluster_sources.h"

namespace virtus::storage::fs {

namespace {

bool timedOut(const Error& e) {
  return e.code == ErrorCode::OperationTimeout;
}

}  // namespace

Result<std::string> FsBackend::findPoolSources(std::string_view srcSpecXml, unsigned flags) {
  if (type_ != model::PoolType::Netfs)
    return StorageBackend::findPoolSources(srcSpecXml, flags);
  TRY(checkFlags(flags, 0, "virStorageBackendFileSystemNetFindPoolSources", ErrorDomain::Storage));
  if (srcSpecXml.empty()) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Storage,
                     "hostname must be specified for netfs sources");
  }
  TRY_ASSIGN(model::PoolSource spec, model::parsePoolSourceSpec(srcSpecXml, type_));
  if (spec.hosts.size() != 1) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage,
                     "Expected exactly 1 host for the storage pool");
  }
  const std::string host = spec.hosts[0].name;
  std::vector<model::PoolSource> sources;

  // NFS. A failure here is not final: the host may serve gluster volumes only.
  bool nfsFailed = false;
  std::optional<Error> nfsGarbage;
  auto showmount = os::runChecked(ctx_.commands, withDeadline(buildShowmountCommand(host)));
  if (!showmount) {
    if (timedOut(showmount.error()))
      return std::move(showmount).error();
    nfsFailed = true;
  } else if (auto dirs = parseShowmountExports(showmount->out); !dirs) {
    nfsFailed = true;
    nfsGarbage = std::move(dirs).error();
  } else {
    for (const std::string& dir : *dirs)
      sources.push_back(nfsSource(host, dir));
  }

  // Gluster. libvirt skips it when the CLI is missing and when it exits non-zero (no
  // glusterd there); output it cannot parse fails the whole lookup.
  std::size_t glusterVolumes = 0;
  auto gluster = ctx_.commands.run(withDeadline(gluster::buildVolumeInfoCommand(host)));
  if (!gluster) {
    if (timedOut(gluster.error()))
      return std::move(gluster).error();
  } else if (gluster->exitStatus == 0) {
    TRY_ASSIGN(auto volumes, gluster::parseVolumeInfoNames(gluster->out));
    glusterVolumes = volumes.size();
    for (const std::string& volume : volumes)
      sources.push_back(glusterNetfsSource(host, volume));
  }

  if (nfsFailed && glusterVolumes == 0) {
    // Output showmount printed but nobody could read says more than "nothing found".
    if (nfsGarbage)
      return std::move(*nfsGarbage);
    return makeError(ErrorCode::OperationFailed, ErrorDomain::Storage,
                     "no storage pools were found on host '" + host + "'");
  }
  return model::formatPoolSourceList(type_, sources);
}

}  // namespace virtus::storage::fs
