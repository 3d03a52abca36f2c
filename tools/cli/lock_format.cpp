#include "cli/lock_format.h"

#include <ctime>

#include "cli/output_table.h"

namespace virtus::cli {

namespace {

std::string utcTime(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (seconds <= 0 || !::gmtime_r(&t, &tm))
    return "-";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

}  // namespace

std::string renderLockReport(const locking::LockReport& report, bool quiet) {
  OutputTable locks({"Resource", "Domain", "Pid", "Host", "Mode", "Since (UTC)"});
  for (const auto& lock : report.locks) {
    locks.addRow({lock.resource, lock.domain.empty() ? "-" : lock.domain,
                  lock.pid > 0 ? std::to_string(lock.pid) : "-",
                  lock.host.empty() ? "-" : lock.host, lock.shared ? "shared" : "exclusive",
                  utcTime(lock.since)});
  }
  std::string out;
  if (!quiet)
    out += "Lock manager: " + report.driver + "\n\n";
  out += locks.render(!quiet);
  if (!report.lockspaces.empty()) {
    OutputTable spaces({"Lockspace", "State", "Path"});
    for (const auto& space : report.lockspaces) {
      spaces.addRow({space.name,
                     space.reason.empty() ? space.state : space.state + " (" + space.reason + ")",
                     space.path});
    }
    out += "\n" + spaces.render(!quiet);
  }
  return out;
}

}  // namespace virtus::cli
