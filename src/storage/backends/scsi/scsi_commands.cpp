#include "storage/backends/scsi/scsi_commands.h"

#include <string>

namespace virtus::storage::scsi {

os::Command buildScsiId(std::string_view devicePath, std::chrono::milliseconds timeout) {
  os::Command cmd;
  cmd.program = std::string(kScsiId);
  cmd.args = {"--replace-whitespace", "--whitelisted", "--device", std::string(devicePath)};
  cmd.timeout = timeout;
  return cmd;
}

os::Command buildUdevSettle(std::chrono::milliseconds timeout) {
  os::Command cmd;
  cmd.program = "udevadm";
  cmd.args = {"settle"};
  cmd.timeout = timeout;
  return cmd;
}

}  // namespace virtus::storage::scsi
