#include "locking/sanlock/held_leases.h"

#include <nlohmann/json.hpp>

namespace virtus::locking::sanlock {

using nlohmann::json;

std::string formatHeldLeases(const std::vector<HeldProcess>& processes) {
  json list = json::array();
  for (const HeldProcess& p : processes) {
    json leases = json::array();
    for (const HeldLease& h : p.leases) {
      leases.push_back({{"resource", h.resource},
                        {"lockspace", h.lease.lockspace},
                        {"name", h.lease.name},
                        {"path", h.lease.path},
                        {"offset", h.lease.offset},
                        {"shared", h.lease.shared},
                        {"since", h.since}});
    }
    list.push_back({{"pid", p.pid},
                    {"domain", p.name},
                    {"uuid", p.uuid.str()},
                    {"leases", std::move(leases)}});
  }
  return json{{"processes", std::move(list)}}.dump(2) + "\n";
}

Result<std::vector<HeldProcess>> parseHeldLeases(std::string_view text, std::string_view source) {
  auto bad = [&](std::string_view why) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                     "cannot read the sanlock lease state file '" + std::string(source) +
                         "': " + std::string(why));
  };
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("processes") ||
      !doc["processes"].is_array())
    return bad("not a lease state document");
  std::vector<HeldProcess> processes;
  try {
    for (const json& p : doc["processes"]) {
      HeldProcess process;
      process.pid = p.at("pid").get<pid_t>();
      process.name = p.at("domain").get<std::string>();
      auto uuid = Uuid::parse(p.at("uuid").get<std::string>());
      if (!uuid)
        return bad("invalid uuid");
      process.uuid = *uuid;
      for (const json& l : p.at("leases")) {
        HeldLease held;
        held.resource = l.at("resource").get<std::string>();
        held.lease.lockspace = l.at("lockspace").get<std::string>();
        held.lease.name = l.at("name").get<std::string>();
        held.lease.path = l.at("path").get<std::string>();
        held.lease.offset = l.at("offset").get<std::uint64_t>();
        held.lease.shared = l.at("shared").get<bool>();
        held.since = l.at("since").get<std::int64_t>();
        process.leases.push_back(std::move(held));
      }
      processes.push_back(std::move(process));
    }
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  return processes;
}

}  // namespace virtus::locking::sanlock
