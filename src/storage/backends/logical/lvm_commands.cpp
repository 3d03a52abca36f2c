#include "storage/backends/logical/lvm_commands.h"

namespace virtus::storage::logical {

os::Command buildVgchangeCommand(const model::PoolDef& def, bool activate) {
  os::Command cmd;
  cmd.program = "vgchange";
  cmd.args = {activate ? "-aly" : "-aln", def.source.name};
  return cmd;
}

}  // namespace virtus::storage::logical
