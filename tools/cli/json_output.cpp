#include "cli/json_output.h"

namespace virtus::cli {

std::string_view poolStateName(driver::PoolState state) {
  switch (state) {
    case driver::PoolState::Inactive:
      return "inactive";
    case driver::PoolState::Building:
      return "building";
    case driver::PoolState::Running:
      return "running";
    case driver::PoolState::Degraded:
      return "degraded";
    case driver::PoolState::Inaccessible:
      return "inaccessible";
  }
  return "unknown";
}

std::string_view volTypeName(model::VolType type) {
  switch (type) {
    case model::VolType::File:
      return "file";
    case model::VolType::Block:
      return "block";
    case model::VolType::Dir:
      return "dir";
    case model::VolType::Network:
      return "network";
    case model::VolType::Netdir:
      return "netdir";
    case model::VolType::Ploop:
      return "ploop";
  }
  return "unknown";
}

nlohmann::json poolJson(const PoolSummary& pool) {
  nlohmann::json j;
  j["name"] = pool.name;
  j["uuid"] = pool.uuid.str();
  j["type"] = pool.type.empty() ? nlohmann::json(nullptr) : nlohmann::json(pool.type);
  j["state"] = std::string(poolStateName(pool.info.state));
  j["active"] = pool.active;
  j["persistent"] = pool.persistent;
  j["autostart"] = pool.autostart;
  const bool sized = pool.info.state == driver::PoolState::Running ||
                     pool.info.state == driver::PoolState::Degraded;
  j["capacity"] = sized ? nlohmann::json(pool.info.capacity) : nlohmann::json(nullptr);
  j["allocation"] = sized ? nlohmann::json(pool.info.allocation) : nlohmann::json(nullptr);
  j["available"] = sized ? nlohmann::json(pool.info.available) : nlohmann::json(nullptr);
  j["unreadable"] = nlohmann::json::array();
  for (const auto& u : pool.unreadable)
    j["unreadable"].push_back({{"path", u.path}, {"error", u.error.text()}});
  const auto& h = pool.health;
  j["health"] = {{"healthy", h.healthy},
                 {"reason", h.healthy ? nlohmann::json(nullptr) : nlohmann::json(h.reason)},
                 {"since", h.healthy ? nlohmann::json(nullptr) : nlohmann::json(h.since)}};
  return j;
}

nlohmann::json volJson(const VolSummary& vol, bool physical) {
  nlohmann::json j;
  j["name"] = vol.name;
  j["pool"] = vol.pool;
  j["key"] = vol.key;
  j["path"] = vol.path;
  j["type"] = std::string(volTypeName(vol.info.type));
  j["format"] = vol.format.empty() ? nlohmann::json() : nlohmann::json(vol.format);
  j["backingStore"] = vol.backingStore ? nlohmann::json(*vol.backingStore) : nlohmann::json();
  j["capacity"] = vol.info.capacity;
  j[physical ? "physical" : "allocation"] = vol.info.allocation;
  return j;
}

}  // namespace virtus::cli
