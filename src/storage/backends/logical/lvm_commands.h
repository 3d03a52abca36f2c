// LVM commands of logical pools as libvirt 9.0 builds them.
#pragma once

#include "model/storage/pool_def.h"
#include "os/command.h"

namespace virtus::storage::logical {

// vgchange -aly VG (start) or vgchange -aln VG (stop); VG is the pool's source name.
os::Command buildVgchangeCommand(const model::PoolDef& def, bool activate);

}  // namespace virtus::storage::logical
