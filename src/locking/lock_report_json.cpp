#include "locking/lock_report_json.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace virtus::locking {

using nlohmann::json;

std::string lockReportToJson(const LockReport& report) {
  json locks = json::array();
  for (const auto& lock : report.locks) {
    locks.push_back({{"resource", lock.resource},
                     {"lockspace", lock.lockspace},
                     {"file", lock.file},
                     {"shared", lock.shared},
                     {"domain", lock.domain},
                     {"uuid", lock.uuid.str()},
                     {"pid", lock.pid},
                     {"host", lock.host},
                     {"since", lock.since}});
  }
  json lockspaces = json::array();
  for (const auto& space : report.lockspaces) {
    lockspaces.push_back({{"name", space.name},
                          {"path", space.path},
                          {"state", space.state},
                          {"reason", space.reason}});
  }
  return json{{"driver", report.driver}, {"locks", locks}, {"lockspaces", lockspaces}}.dump();
}

Result<LockReport> lockReportFromJson(std::string_view text) {
  try {
    const json doc = json::parse(text);
    LockReport report;
    report.driver = doc.at("driver").get<std::string>();
    for (const auto& lock : doc.at("locks")) {
      HeldLock held;
      held.resource = lock.at("resource").get<std::string>();
      held.lockspace = lock.value("lockspace", "");
      held.file = lock.value("file", "");
      held.shared = lock.value("shared", false);
      held.domain = lock.value("domain", "");
      held.uuid = Uuid::parse(lock.value("uuid", "")).value_or(Uuid());
      held.pid = lock.value("pid", 0);
      held.host = lock.value("host", "");
      held.since = lock.value("since", std::int64_t{0});
      report.locks.push_back(std::move(held));
    }
    for (const auto& space : doc.at("lockspaces")) {
      report.lockspaces.push_back(LockspaceStatus{space.at("name").get<std::string>(),
                                                  space.value("path", ""), space.value("state", ""),
                                                  space.value("reason", "")});
    }
    return report;
  } catch (const json::exception& e) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                     std::string("malformed lock report: ") + e.what());
  }
}

}  // namespace virtus::locking
