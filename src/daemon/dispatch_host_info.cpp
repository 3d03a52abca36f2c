#include "daemon/dispatch_host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>

#include "common/uuid.h"
#include "os/linux_command_runner.h"

namespace virtus::daemon {

namespace {

std::string firstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

class LinuxHostInfo final : public HostInfo {
 public:
  std::string hostname() override {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
      return "localhost";
    return buf;
  }

  std::uint64_t hypervisorVersion() override {
    std::lock_guard lock(mutex_);
    if (!qemuVersion_)
      qemuVersion_ = probeQemuVersion();
    return *qemuVersion_;
  }

  NodeInfo nodeInfo() override {
    NodeInfo info;
    struct utsname u {};
    if (::uname(&u) == 0)
      info.model = u.machine;
    long pages = ::sysconf(_SC_PHYS_PAGES);
    long pageSize = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0)
      info.memoryKiB = static_cast<std::uint64_t>(pages) * pageSize / 1024;
    info.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
      if (line.rfind("cpu MHz", 0) == 0) {
        auto colon = line.find(':');
        if (colon != std::string::npos)
          info.mhz = static_cast<int>(std::stod(line.substr(colon + 1)));
        break;
      }
    }
    info.cores = info.cpus;
    return info;
  }

  std::string capabilities() override {
    std::string uuid = hostUuid();
    std::ostringstream out;
    out << "<capabilities>\n\n  <host>\n";
    if (!uuid.empty())
      out << "    <uuid>" << uuid << "</uuid>\n";
    out << "    <cpu>\n      <arch>" << nodeInfo().model << "</arch>\n    </cpu>\n";
    out << "  </host>\n\n</capabilities>\n";
    return out.str();
  }

 private:
  static std::string hostUuid() {
    std::string id = firstLine("/etc/machine-id");
    if (auto uuid = Uuid::parse(id))
      return uuid->str();
    return {};
  }

  static std::uint64_t probeQemuVersion() {
    os::LinuxCommandRunner runner(std::chrono::seconds(10));
    os::Command cmd;
    cmd.program = "qemu-system-x86_64";
    cmd.args = {"--version"};
    auto out = runner.run(cmd);
    if (!out || out->exitStatus != 0)
      return 0;
    static const std::regex kVersion(R"(version (\d+)\.(\d+)\.(\d+))");
    std::smatch m;
    if (!std::regex_search(out->out, m, kVersion))
      return 0;
    return std::stoull(m[1]) * 1000000 + std::stoull(m[2]) * 1000 + std::stoull(m[3]);
  }

  std::mutex mutex_;
  std::optional<std::uint64_t> qemuVersion_;
};

}  // namespace

std::shared_ptr<HostInfo> makeLinuxHostInfo() {
  return std::make_shared<LinuxHostInfo>();
}

}  // namespace virtus::daemon
