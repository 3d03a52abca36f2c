// Facts about the host that the connection procedures report (hostname, versions, node
// info, capabilities, domain capabilities), behind an interface so that dispatch tests can
// fix them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "daemon/qemu_host_caps.h"

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
  // The <capabilities> document: the host, then a <guest> per QEMU emulator.
  virtual std::string capabilities() = 0;
  // The <domainCapabilities> document (virConnectGetDomainCapabilities); by default
  // NO_SUPPORT, as for a host without a QEMU driver.
  virtual Result<std::string> domainCapabilities(const DomainCapsQuery& query);
};

// The libvirt release whose API and protocol Virtus serves (virConnectGetLibVersion).
inline constexpr std::uint64_t kCompatLibVersion = 9000000;

// The machine this process runs on: uname, /proc, /etc/machine-id, and the QEMU emulators
// of `qemu` for the hypervisor version, the <guest> elements and the domain capabilities
// (probed on first need). Without `qemu`: no emulator (version 0, no guests, NO_SUPPORT).
std::shared_ptr<HostInfo> makeLinuxHostInfo(std::shared_ptr<QemuHostCaps> qemu = nullptr);

}  // namespace virtus::daemon
