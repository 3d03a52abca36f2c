// Probing a QEMU binary for its capabilities, as libvirt does: QEMU runs as a child with
// "-machine none" and no guest, is asked over QMP (query-version, query-target, query-kvm,
// query-machines, query-cpu-definitions, qom-list-types, query-qmp-schema), is told to quit
// and is reaped. The probe runs once under TCG and, when QEMU has KVM and /dev/kvm opens,
// once more under KVM for the machines and CPU models that depend on it.
//
// Block drivers: query-qmp-schema lists every driver QEMU was built with, also those built
// as loadable modules that may not be installed (Debian's qemu-block-extra holds rbd,
// gluster, iscsi, curl, nfs, ssh). A modular driver counts only when its module file is in
// one of the module directories.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "hypervisor/qemu/qemu_caps.h"

namespace virtus::os {
class Clock;
class FileSystem;
}  // namespace virtus::os

namespace virtus::qemu {

struct QemuProbeOptions {
  // A directory for the probe's private subdirectory (monitor socket, QEMU's log), removed
  // afterwards. It must be short enough for a unix socket path.
  std::string workDir;
  // Where QEMU looks for its modules (Debian: /usr/lib/<multiarch>/qemu).
  std::vector<std::string> moduleDirs = {"/usr/lib/x86_64-linux-gnu/qemu",
                                         "/usr/lib/aarch64-linux-gnu/qemu", "/usr/lib/qemu",
                                         "/usr/lib64/qemu"};
  // The KVM device: the KVM pass runs only when it opens for reading and writing.
  std::string kvmDevice = "/dev/kvm";
  bool tryKvm = true;
};

// Probes `binary`. Every step is bounded by `deadline` of `clock`: a QEMU that does not
// answer is killed and reaped, and the probe fails with OPERATION_TIMEOUT. A QEMU that
// exits early fails with INTERNAL_ERROR quoting the end of its log. A failed KVM pass
// leaves kvmEnabled false and keeps the TCG result.
Result<QemuCaps> probeQemuCaps(const std::string& binary, const os::Clock& clock,
                               std::chrono::steady_clock::time_point deadline, os::FileSystem& fs,
                               const QemuProbeOptions& options);

// The facts of the host, outside the binary, that a probe result depends on: whether the
// KVM device opens and which block modules are installed ("kvm=1;block-rbd.so,..."). The
// cache keeps it with each entry (QemuCapsCache's hostKey) so that installing
// qemu-block-extra or gaining /dev/kvm leads to a new probe.
std::string qemuCapsHostKey(os::FileSystem& fs, const QemuProbeOptions& options);

// What the cache calls to probe; tests substitute a counting fake.
using QemuCapsProber = std::function<Result<QemuCaps>(const std::string& binary)>;

}  // namespace virtus::qemu
