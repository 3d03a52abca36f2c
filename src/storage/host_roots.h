// Where the host's sysfs, device nodes and proc are: the real ones, or trees laid out in a
// temporary directory by tests (recorded sysfs trees of hosts with iSCSI, SCSI and FC HBAs,
// multipath maps). Backends that read the host's state take one of these.
#pragma once

#include <string>

namespace virtus::storage {

struct HostRoots {
  std::string sys = "/sys";
  std::string dev = "/dev";
  std::string proc = "/proc";
};

}  // namespace virtus::storage
