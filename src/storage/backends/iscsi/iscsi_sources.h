// Source discovery documents of the two iSCSI pool types (iscsi and iscsi-direct): the
// <source> a client passes to virConnectFindStoragePoolSources, and the <sources> list
// libvirt answers with (virStoragePoolSourceListFormat): one <source> per target the portal
// announces, with the host as given, the target as <device path=> and the initiator IQN.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/storage/pool_def.h"

namespace virtus::storage::iscsi {

inline constexpr int kDefaultIscsiPort = 3260;

// "HOST:PORT" (an IPv6 host in brackets; port 3260 when none is given) of a source with
// exactly one host: VIR_ERR_CONFIG_UNSUPPORTED "Expected exactly 1 host for the storage pool"
// otherwise, VIR_ERR_INTERNAL_ERROR "missing source host" for an empty name.
Result<std::string> hostPortOf(const model::PoolSource& source);

// The hosts and initiator IQN of a source specification (libvirt's
// virStoragePoolDefParseSourceString for these types). An empty `xml` is
// VIR_ERR_INVALID_ARG "hostname must be specified for iscsi sources".
Result<model::PoolSource> parseSourceSpec(std::string_view xml);

// <sources> with one <source> per target: host (name, port when given) and initiator IQN
// from `spec`, the target as the device path.
std::string formatSourceList(const model::PoolSource& spec,
                             const std::vector<std::string>& targets);

}  // namespace virtus::storage::iscsi
