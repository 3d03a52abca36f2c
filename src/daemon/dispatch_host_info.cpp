#include "daemon/dispatch_host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/uuid.h"

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
  explicit LinuxHostInfo(std::shared_ptr<QemuHostCaps> qemu) : qemu_(std::move(qemu)) {}

  std::string hostname() override {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
      return "localhost";
    return buf;
  }

  std::uint64_t hypervisorVersion() override { return qemu_ ? qemu_->hypervisorVersion() : 0; }

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
    out << "  </host>\n\n";
    // libvirt leaves a blank line after each guest, and so does the formatter.
    if (qemu_)
      out << qemu_->guestCapabilities();
    out << "</capabilities>\n";
    return out.str();
  }

  Result<std::string> domainCapabilities(const DomainCapsQuery& query) override {
    if (!qemu_)
      return HostInfo::domainCapabilities(query);
    return qemu_->domainCapabilities(query);
  }

 private:
  static std::string hostUuid() {
    std::string id = firstLine("/etc/machine-id");
    if (auto uuid = Uuid::parse(id))
      return uuid->str();
    return {};
  }

  std::shared_ptr<QemuHostCaps> qemu_;
};

}  // namespace

Result<std::string> HostInfo::domainCapabilities(const DomainCapsQuery&) {
  return makeError(ErrorCode::NoSupport, ErrorDomain::None, "virConnectGetDomainCapabilities");
}

std::shared_ptr<HostInfo> makeLinuxHostInfo(std::shared_ptr<QemuHostCaps> qemu) {
  return std::make_shared<LinuxHostInfo>(std::move(qemu));
}

}  // namespace virtus::daemon
