// The QEMU emulators of this host and what they can do, as virtusd reports them: which
// qemu-system-* binaries serve which guest architecture (found on PATH, as libvirt finds
// them), their capabilities through the on-disk cache (probed over QMP on first need only,
// never at daemon start), and libvirt's rules for virConnectGetDomainCapabilities' arguments.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "hypervisor/qemu/qemu_caps.h"
#include "hypervisor/qemu/qemu_caps_cache.h"

namespace virtus::os {
class Clock;
class FileSystem;
struct RootPaths;
}  // namespace virtus::os

namespace virtus::daemon {

// One guest architecture (libvirt's name, "i686") and the binary that serves it.
struct QemuEmulator {
  std::string arch;
  std::string binary;
  bool operator==(const QemuEmulator&) const = default;
};

// virConnectGetDomainCapabilities' optional arguments.
struct DomainCapsQuery {
  std::optional<std::string> emulator;
  std::optional<std::string> arch;
  std::optional<std::string> machine;
  std::optional<std::string> virttype;
};

struct QemuHostCapsOptions {
  // The directories searched for qemu-system-<arch>, in order (the daemon's PATH).
  std::vector<std::string> searchPath;
  // libvirt's name of the host's architecture ("x86_64").
  std::string hostArch = "x86_64";
  // Where UEFI firmware descriptors are looked up after each load.
  std::vector<std::string> firmwareDirs;
};

class QemuHostCaps {
 public:
  // `fs` must outlive this object.
  QemuHostCaps(os::FileSystem& fs, std::unique_ptr<qemu::QemuCapsCache> cache,
               QemuHostCapsOptions options);

  // The binary for guests of `arch` as libvirt picks it: qemu-system-<arch> ("i386" for
  // i686) in the search path, else, for an i686 guest on an x86_64 host, qemu-system-x86_64.
  std::optional<std::string> findEmulator(std::string_view arch);
  // The guest architectures Virtus formats (x86: i686, x86_64) that have an emulator, in
  // libvirt's order.
  std::vector<QemuEmulator> emulators();

  // The capabilities of `binary` (from the cache, or probed now), with the UEFI firmware
  // found on the host. SYSTEM_ERROR "Cannot check QEMU binary B: ..." when it cannot be
  // stat'ed, as libvirt says.
  Result<qemu::QemuCaps> load(const std::string& binary);

  // The <guest> elements of virConnectGetCapabilities for every emulator whose probe worked.
  std::string guestCapabilities();
  // The host emulator's version (libvirt's number); 0 when there is none or it cannot be probed.
  std::uint64_t hypervisorVersion();
  // virConnectGetDomainCapabilities with libvirt 9.0's argument rules and errors.
  Result<std::string> domainCapabilities(const DomainCapsQuery& query);

  const std::string& hostArch() const { return options_.hostArch; }

 private:
  os::FileSystem& fs_;
  std::unique_ptr<qemu::QemuCapsCache> cache_;
  QemuHostCapsOptions options_;
};

// Where virtusd keeps the capabilities cache: DIR/cache/qemu/capabilities under --root,
// /var/cache/virtus/qemu/capabilities for the system tree, and next to the log directory
// (XDG_CACHE_HOME/virtus/qemu/capabilities) for the per-user tree.
std::string qemuCapsCacheDir(const os::RootPaths& paths);

// The directories of a PATH value; "/usr/local/bin:/usr/bin:/bin" when it is unset or empty.
std::vector<std::string> splitSearchPath(const char* pathVariable);

// The daemon's QemuHostCaps: the cache in qemuCapsCacheDir(paths), probes by probeQemuCaps
// (bounded to `probeTimeout`, working in paths.runDir), each probe reported through `log`.
std::shared_ptr<QemuHostCaps> makeQemuHostCaps(
    os::FileSystem& fs, const os::Clock& clock, const os::RootPaths& paths,
    std::vector<std::string> searchPath, std::function<void(const std::string&)> log,
    std::chrono::milliseconds probeTimeout = std::chrono::seconds(120));

}  // namespace virtus::daemon
