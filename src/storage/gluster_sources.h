// Source discovery over the gluster CLI (virConnectFindStoragePoolSources), shared by gluster
// pools and netfs pools (libvirt's virStorageBackendFindGlusterPoolSources serves both): the
// volumes a host serves, each listed as a pool source. Pure builder, parsers and formatter;
// the backends run the command through their CommandRunner (netfs formats its own sources,
// see backends/fs/netfs_sources.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "os/command.h"

namespace virtus::storage::gluster {

// The host named by the source spec (`<source><host name='H'/></source>`).
// VIR_ERR_INVALID_ARG for an empty spec, VIR_ERR_XML_ERROR for malformed XML,
// VIR_ERR_CONFIG_UNSUPPORTED unless exactly one host is given.
Result<std::string> sourceSpecHost(std::string_view srcSpecXml);

// libvirt's command: gluster --xml --log-file=/dev/null volume info all --remote-host=HOST.
// The CLI has no port option: glusterd is reached on its default port.
os::Command buildVolumeInfoCommand(const std::string& host);

// The volume names of `gluster --xml volume info` output, in its order.
// VIR_ERR_INTERNAL_ERROR for output that is not that XML, for a volume without a name and
// for a failure the CLI reports inside the XML (opRet non-zero), quoting its opErrstr.
Result<std::vector<std::string>> parseVolumeInfoNames(std::string_view xml);

// libvirt's <sources> document for native gluster pools: one <source> a volume, with the
// host, the directory "/" and the volume's name.
std::string formatGlusterSources(const std::string& host, const std::vector<std::string>& volumes);

}  // namespace virtus::storage::gluster
