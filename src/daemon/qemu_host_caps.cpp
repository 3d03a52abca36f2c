#include "daemon/qemu_host_caps.h"

#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <iterator>

#include "hypervisor/qemu/qemu_caps_firmware.h"
#include "hypervisor/qemu/qemu_caps_format.h"
#include "hypervisor/qemu/qemu_caps_probe.h"
#include "os/clock.h"
#include "os/file_system.h"
#include "os/root_paths.h"

namespace virtus::daemon {

namespace {

using qemu::QemuAccel;
using qemu::QemuCaps;

// The guest architectures whose <guest> element Virtus formats, in libvirt's virArch order.
constexpr std::string_view kGuestArches[] = {"i686", "x86_64"};

// libvirt 9.0's virArch names: anything else is an "unknown architecture".
constexpr std::string_view kLibvirtArches[] = {
    "alpha",    "armv6l",  "armv7l",    "armv7b",   "aarch64",    "cris",
    "i686",     "ia64",    "lm32",      "m68k",     "microblaze", "microblazeel",
    "mips",     "mipsel",  "mips64",    "mips64el", "openrisc",   "parisc",
    "parisc64", "ppc",     "ppcle",     "ppc64",    "ppc64le",    "ppcemb",
    "riscv32",  "riscv64", "s390",      "s390x",    "sh4",        "sh4eb",
    "sparc",    "sparc64", "unicore32", "x86_64",   "xtensa",     "xtensaeb"};

// libvirt 9.0's virDomainVirtType names ("none" counts as not given).
constexpr std::string_view kLibvirtVirtTypes[] = {
    "none",   "qemu",   "kqemu", "kvm",  "xen",       "lxc",   "uml", "openvz", "test",
    "vmware", "hyperv", "vbox",  "phyp", "parallels", "bhyve", "vz",  "hvf"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view value) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

bool isX86(std::string_view arch) {
  return arch == "i686" || arch == "x86_64";
}

// QEMU's name of a guest architecture in its binary's name.
std::string_view qemuArchName(std::string_view arch) {
  return arch == "i686" ? std::string_view("i386") : arch;
}

// Whether a QEMU whose target is `binaryArch` runs guests of `arch` (libvirt's
// virQEMUCapsIsArchSupported for the x86 family).
bool archSupported(std::string_view binaryArch, std::string_view arch) {
  return arch == binaryArch || (binaryArch == "x86_64" && arch == "i686");
}

Error invalidArg(std::string message) {
  return makeError(ErrorCode::InvalidArg, ErrorDomain::Qemu, std::move(message));
}

}  // namespace

QemuHostCaps::QemuHostCaps(os::FileSystem& fs, std::unique_ptr<qemu::QemuCapsCache> cache,
                           QemuHostCapsOptions options)
    : fs_(fs), cache_(std::move(cache)), options_(std::move(options)) {}

std::optional<std::string> QemuHostCaps::findEmulator(std::string_view arch) {
  auto find = [&](std::string_view qemuArch) -> std::optional<std::string> {
    const std::string name = "qemu-system-" + std::string(qemuArch);
    for (const auto& dir : options_.searchPath) {
      std::string path = dir + "/" + name;
      auto st = fs_.stat(path);
      if (st && st->isRegular && (st->mode & 0111) != 0)
        return path;
    }
    return std::nullopt;
  };
  if (auto found = find(qemuArchName(arch)))
    return found;
  if (arch == "i686" && options_.hostArch == "x86_64")
    return find("x86_64");
  return std::nullopt;
}

std::vector<QemuEmulator> QemuHostCaps::emulators() {
  std::vector<QemuEmulator> found;
  for (auto arch : kGuestArches) {
    if (auto binary = findEmulator(arch))
      found.push_back(QemuEmulator{std::string(arch), *binary});
  }
  return found;
}

Result<QemuCaps> QemuHostCaps::load(const std::string& binary) {
  if (auto st = fs_.stat(binary); !st) {
    // The file system's message ends with the system's reason ("...: No such file or
    // directory"); libvirt words the rest its own way.
    const std::string& text = st.error().message;
    auto colon = text.rfind(": ");
    return makeError(ErrorCode::SystemError, ErrorDomain::Qemu,
                     "Cannot check QEMU binary " + binary + ": " +
                         (colon == std::string::npos ? text : text.substr(colon + 2)));
  }
  TRY_ASSIGN(QemuCaps caps, cache_->load(binary));
  caps.firmwares = qemu::findUefiFirmwares(fs_, caps.arch, options_.firmwareDirs);
  return caps;
}

std::string QemuHostCaps::guestCapabilities() {
  std::string out;
  for (const auto& emulator : emulators()) {
    auto caps = load(emulator.binary);
    if (!caps || !archSupported(caps->arch, emulator.arch))
      continue;  // as libvirt, a binary that cannot be probed contributes no guest
    caps->arch = emulator.arch;
    out += qemu::formatGuestCapabilities(*caps);
  }
  return out;
}

std::uint64_t QemuHostCaps::hypervisorVersion() {
  auto binary = findEmulator(options_.hostArch);
  if (!binary)
    return 0;
  auto caps = load(*binary);
  return caps ? caps->versionNumber() : 0;
}

Result<std::string> QemuHostCaps::domainCapabilities(const DomainCapsQuery& query) {
  // libvirt checks the arguments in this order, each with its own error.
  std::string virttype = query.virttype.value_or("");
  if (!virttype.empty() && !contains(kLibvirtVirtTypes, virttype))
    return invalidArg("unknown virttype: " + virttype);
  if (virttype == "none")
    virttype.clear();
  std::string arch = options_.hostArch;
  if (query.arch) {
    if (!contains(kLibvirtArches, *query.arch))
      return invalidArg("unknown architecture: " + *query.arch);
    arch = *query.arch;
  }
  std::string binary;
  if (query.emulator) {
    binary = *query.emulator;
  } else {
    auto found = findEmulator(arch);
    if (!found)
      return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Qemu,
                       "unable to find any emulator to serve '" + arch + "' architecture");
    binary = *found;
  }
  TRY_ASSIGN(QemuCaps caps, load(binary));

  QemuAccel accel = caps.kvmEnabled ? QemuAccel::Kvm : QemuAccel::Tcg;
  if (virttype == "qemu") {
    accel = QemuAccel::Tcg;
  } else if (virttype == "kvm") {
    if (!caps.kvmEnabled)
      return invalidArg("the accel 'kvm' is not supported by '" + binary + "' on this host");
    accel = QemuAccel::Kvm;
  } else if (!virttype.empty()) {
    // Any other domain type names an accelerator QEMU lacks here: 'hvf' as itself, the
    // rest as libvirt's fallback accelerator name.
    return invalidArg("the accel '" + std::string(virttype == "hvf" ? "hvf" : "tcg") +
                      "' is not supported by '" + binary + "' on this host");
  }
  if (query.arch && arch != caps.arch && !(isX86(arch) && isX86(caps.arch)))
    return invalidArg("architecture from emulator '" + caps.arch +
                      "' doesn't match given architecture '" + arch + "'");
  if (query.machine && !caps.findMachine(accel, *query.machine))
    return invalidArg("the machine '" + *query.machine + "' is not supported by emulator '" +
                      binary + "'");
  if (!archSupported(caps.arch, arch))
    return invalidArg("Emulator '" + binary + "' does not support arch '" + arch + "'");
  caps.arch = arch;
  return qemu::formatDomainCapabilities(caps, query.machine.value_or(""),
                                        accel == QemuAccel::Kvm ? "kvm" : "qemu");
}

std::string qemuCapsCacheDir(const os::RootPaths& paths) {
  const std::string kSub = "/qemu/capabilities";
  if (!paths.root.empty())
    return paths.root + "/cache" + kSub;
  if (paths.logDir == "/var/log/virtus")
    return "/var/cache/virtus" + kSub;
  // The per-user tree keeps its logs in XDG_CACHE_HOME/virtus/log.
  auto slash = paths.logDir.rfind('/');
  return paths.logDir.substr(0, slash == std::string::npos ? 0 : slash) + kSub;
}

std::vector<std::string> splitSearchPath(const char* pathVariable) {
  std::string value = pathVariable && *pathVariable ? pathVariable : "/usr/local/bin:/usr/bin:/bin";
  std::vector<std::string> dirs;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find(':', start);
    if (end == std::string::npos)
      end = value.size();
    if (end > start)
      dirs.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  return dirs;
}

std::shared_ptr<QemuHostCaps> makeQemuHostCaps(os::FileSystem& fs, const os::Clock& clock,
                                               const os::RootPaths& paths,
                                               std::vector<std::string> searchPath,
                                               std::function<void(const std::string&)> log,
                                               std::chrono::milliseconds probeTimeout) {
  qemu::QemuProbeOptions probeOptions;
  probeOptions.workDir = paths.runDir;
  auto prober = [&fs, &clock, probeOptions, probeTimeout,
                 log = std::move(log)](const std::string& binary) -> Result<QemuCaps> {
    if (log)
      log("probing the capabilities of QEMU '" + binary + "'");
    (void)fs.makeDirectories(probeOptions.workDir, 0755);
    auto probed = qemu::probeQemuCaps(binary, clock, clock.now() + probeTimeout, fs, probeOptions);
    if (!probed && log)
      log("probing QEMU '" + binary + "' failed: " + probed.error().text());
    return probed;
  };
  auto cache = std::make_unique<qemu::QemuCapsCache>(qemuCapsCacheDir(paths), fs, prober,
                                                     qemu::qemuCapsHostKey(fs, probeOptions));
  QemuHostCapsOptions options;
  options.searchPath = std::move(searchPath);
  struct utsname u {};
  if (::uname(&u) == 0)
    options.hostArch = u.machine;
  options.firmwareDirs = qemu::kQemuFirmwareDirs;
  return std::make_shared<QemuHostCaps>(fs, std::move(cache), std::move(options));
}

}  // namespace virtus::daemon
