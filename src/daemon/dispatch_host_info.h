// Facts about the host that the connection procedures report (hostname, versions, node
// info, capabilities), behind an interface so that dispatch tests can fix them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace virtus::daemon {

struct NodeInfo {
  std::string model;  // CPU architecture, "x86_64"
  std::uint64_t memoryKiB = 0;
  int cpus = 0;
  int mhz = 0;
  int nodes = 1;
  int sockets = 1;
  int cores = 1;
  int threads = 1;
};

class HostInfo {
 public:
  virtual ~HostInfo() = default;
  virtual std::string hostname() = 0;
  // major * 1000000 + minor * 1000 + micro; 0 when no QEMU is installed.
  virtual std::uint64_t hypervisorVersion() = 0;
  virtual NodeInfo nodeInfo() = 0;
  // The <capabilities> document (host part; guests arrive with the QEMU driver).
  virtual std::string capabilities() = 0;
};

// The libvirt release whose API and protocol Virtus serves (virConnectGetLibVersion).
inline constexpr std::uint64_t kCompatLibVersion = 9000000;

// The machine this process runs on: uname, /proc, /etc/machine-id and the QEMU binary
// on PATH (asked for its version once, then cached).
std::shared_ptr<HostInfo> makeLinuxHostInfo();

}  // namespace virtus::daemon
