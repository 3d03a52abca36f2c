// The --json views of pool-list, pool-info, vol-list and vol-info (schemas in docs/cli.md).
// Pure: the commands gather the data, these functions shape it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "driver/storage_driver.h"

namespace virtus::cli {

// virsh's words for states and volume types ("running", "file" …).
std::string_view poolStateName(driver::PoolState state);
std::string_view volTypeName(model::VolType type);

struct PoolSummary {
  std::string name;
  Uuid uuid;
  std::string type;  // "dir", "logical" …; empty when unknown
  bool active = false;
  bool persistent = false;
  bool autostart = false;
  driver::PoolInfo info;
  std::vector<driver::UnreadableVolume> unreadable;  // files the last refresh could not read
  driver::PoolHealth health;  // healthy when the driver cannot tell (libvirtd)
};

struct VolSummary {
  std::string name;
  std::string pool;
  std::string key;
  std::string path;
  driver::VolInfo info;
  std::string format;                       // "raw", "qcow2" …; "" when unknown
  std::optional<std::string> backingStore;  // the backing file's path, when there is one
};

// {"name", "uuid", "type", "state", "active", "persistent", "autostart",
//  "capacity", "allocation", "available", "unreadable", "health"}; sizes in bytes, null
// unless running/degraded; "unreadable": [{"path", "error"}] for files the last refresh could
// not read; "health": {"healthy", "reason", "since"} (reason and since null while healthy).
nlohmann::json poolJson(const PoolSummary& pool);
// {"name", "pool", "key", "path", "type", "format", "backingStore", "capacity",
// "allocation"}; format and backingStore are null when unknown or absent; with
// physical=true the second size is named "physical" (vol-info --physical).
nlohmann::json volJson(const VolSummary& vol, bool physical = false);

}  // namespace virtus::cli
