#include "daemon/daemon_config.h"

#include <functional>
#include <limits>

#include "common/conf_parser.h"
#include "common/conf_reader.h"

namespace virtus::daemon {

namespace {

using Setter = std::function<Result<void>(const ConfReader&, DaemonConfig&)>;

constexpr std::int64_t kUintMax = std::numeric_limits<unsigned>::max();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

const std::vector<std::pair<std::string_view, Setter>>& settings() {
  static const std::vector<std::pair<std::string_view, Setter>> kSettings = {
      {"unix_sock_group",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(c.unixSockGroup, r.string());
         return ok();
       }},
      {"unix_sock_ro_perms",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(c.unixSockRoPerms, r.mode());
         return ok();
       }},
      {"unix_sock_rw_perms",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(c.unixSockRwPerms, r.mode());
         return ok();
       }},
      {"max_clients",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(1, kUintMax));
         c.maxClients = static_cast<unsigned>(v);
         return ok();
       }},
      {"max_workers",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(1, kUintMax));
         c.maxWorkers = static_cast<unsigned>(v);
         return ok();
       }},
      {"keepalive_interval",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(std::numeric_limits<int>::min(), kIntMax));
         if (v == 0 || v < -1)
           return r.error("value for 'keepalive_interval' parameter must be positive or -1");
         c.keepaliveInterval = static_cast<int>(v);
         return ok();
       }},
      {"keepalive_count",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(0, kUintMax));
         c.keepaliveCount = static_cast<unsigned>(v);
         return ok();
       }},
      {"listen_libvirt_paths",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(c.listenLibvirtPaths, r.boolean());
         return ok();
       }},
      {"log_level",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(1, 4));
         c.logLevel = static_cast<unsigned>(v);
         return ok();
       }},
      {"storage_timeout",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(1, 3600));
         c.storageTimeout = static_cast<unsigned>(v);
         return ok();
       }},
      {"log_outputs",
       [](const ConfReader& r, DaemonConfig& c) -> Result<void> {
         TRY_ASSIGN(c.logOutputs, r.string());
         return ok();
       }},
  };
  return kSettings;
}

}  // namespace

Result<DaemonConfig> parseDaemonConfig(std::string_view text, std::string_view source) {
  TRY_ASSIGN(auto entries, parseConf(text, source));
  DaemonConfig config;
  for (const ConfEntry& entry : firstOfEachName(std::move(entries))) {
    ConfReader reader(entry, source);
    const Setter* setter = nullptr;
    for (const auto& [name, set] : settings()) {
      if (name == entry.name)
        setter = &set;
    }
    if (!setter)
      return reader.error("unknown setting '" + entry.name + "'");
    TRY((*setter)(reader, config));
  }
  return config;
}

Result<DaemonConfig> loadDaemonConfig(os::FileSystem& fs, const std::string& path, bool required) {
  if (!required && !fs.exists(path))
    return DaemonConfig{};
  TRY_ASSIGN(std::string text, fs.readFile(path));
  return parseDaemonConfig(text, path);
}

std::vector<std::string> settingsNeedingRestart(const DaemonConfig& before,
                                                const DaemonConfig& after) {
  std::vector<std::string> changed;
  auto check = [&](bool differs, const char* key) {
    if (differs)
      changed.emplace_back(key);
  };
  check(before.unixSockGroup != after.unixSockGroup, "unix_sock_group");
  check(before.unixSockRoPerms != after.unixSockRoPerms, "unix_sock_ro_perms");
  check(before.unixSockRwPerms != after.unixSockRwPerms, "unix_sock_rw_perms");
  check(before.maxClients != after.maxClients, "max_clients");
  check(before.maxWorkers != after.maxWorkers, "max_workers");
  check(before.keepaliveInterval != after.keepaliveInterval, "keepalive_interval");
  check(before.keepaliveCount != after.keepaliveCount, "keepalive_count");
  check(before.listenLibvirtPaths != after.listenLibvirtPaths, "listen_libvirt_paths");
  check(before.storageTimeout != after.storageTimeout, "storage_timeout");
  return changed;
}

}  // namespace virtus::daemon
