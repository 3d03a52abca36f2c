// Source discovery for netfs pools (libvirt's virStorageBackendFileSystemNetFindPoolSources):
// the NFS exports of a host from `showmount --no-headers --exports HOST`, and its gluster
// volumes from the gluster CLI (parser in storage/gluster_sources.h), listed together as
// netfs sources. Pure builder, parser and formatter; the backend runs the commands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/command.h"

namespace virtus::storage::fs {

// showmount --no-headers --exports HOST
os::Command buildShowmountCommand(const std::string& host);

// The exported directories of showmount's output. Each line is "DIR CLIENTS" (libvirt's
// regex "^(/.*\S) +\S+$": the directory may hold spaces, the client list may not).
// VIR_ERR_INTERNAL_ERROR naming showmount and the line for a line of another shape, and
// libvirt's "invalid netfs path (ends in /): DIR" for a directory ending in '/'.
Result<std::vector<std::string>> parseShowmountExports(std::string_view output);

// One netfs source an export: <host name=HOST>, <dir path=DIR>, <format type='nfs'/>.
model::PoolSource nfsSource(const std::string& host, const std::string& dir);

// One netfs source a gluster volume, as libvirt lists it: the volume's name as the dir (no
// leading '/'), format glusterfs.
model::PoolSource glusterNetfsSource(const std::string& host, const std::string& volume);

}  // namespace virtus::storage::fs
