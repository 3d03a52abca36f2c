// Semantic checks of a pool definition, kept apart from parsing so that definitions built
// in code (pool-define-as, the wire) get the same rules as parsed XML. parsePoolXml runs
// the same checks at the points where libvirt's parser does, so that the first error
// reported is libvirt's.
#pragma once

#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"

namespace virtus::model {

// Everything below, in libvirt's order, plus the driver's check that the name has no
// newline ("invalid char in name: 0x0a", VIR_ERR_XML_DETAIL).
Result<void> validatePool(const PoolDef& def);

// Non-empty, no '/' (VIR_ERR_XML_ERROR "missing pool source name element",
// "name a/b cannot contain '/'").
Result<void> checkPoolName(std::string_view name);
// <protocol ver> only with netfs formats nfs/auto (libvirt compares format numbers).
Result<void> checkPoolProtocolVer(const PoolDef& def);
// <features><cow> only for fs and dir (VIR_ERR_NO_SUPPORT).
Result<void> checkPoolCow(const PoolDef& def);
// Per-type required source parts: host, dir, adapter, device (libvirt's messages).
Result<void> checkPoolRequiredSource(const PoolDef& def);
// iscsi-direct needs <initiator><iqn> (VIR_ERR_CONFIG_UNSUPPORTED "missing initiator IQN").
Result<void> checkPoolInitiator(const PoolDef& def);

}  // namespace virtus::model
