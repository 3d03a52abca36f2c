#include "locking/sanlock/sanlock_config.h"

#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "common/conf_parser.h"
#include "common/conf_reader.h"

namespace virtus::locking::sanlock {

namespace {

// What the file set, before the defaults that depend on other keys are applied.
struct Parsed {
  SanlockConfig config;
  std::optional<bool> requireLeaseForDisks;
};

using Setter = std::function<Result<void>(const ConfReader&, Parsed&)>;

constexpr std::int64_t kUintMax = std::numeric_limits<std::uint32_t>::max();

const std::vector<std::pair<std::string, Setter>>& settings() {
  static const std::vector<std::pair<std::string, Setter>> table = {
      {"auto_disk_leases",
       [](const ConfReader& r, Parsed& p) -> Result<void> {
         TRY_ASSIGN(p.config.autoDiskLeases, r.boolean());
         return ok();
       }},
      {"disk_lease_dir",
       [](const ConfReader& r, Parsed& p) -> Result<void> {
         TRY_ASSIGN(p.config.diskLeaseDir, r.string());
         return ok();
       }},
      {"host_id",
       [](const ConfReader& r, Parsed& p) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(0, kUintMax));
         p.config.hostId = static_cast<std::uint32_t>(v);
         return ok();
       }},
      {"require_lease_for_disks",
       [](const ConfReader& r, Parsed& p) -> Result<void> {
         TRY_ASSIGN(bool v, r.boolean());
         p.requireLeaseForDisks = v;
         return ok();
       }},
      {"io_timeout",
       [](const ConfReader& r, Parsed& p) -> Result<void> {
         TRY_ASSIGN(auto v, r.integer(0, kUintMax));
         p.config.ioTimeout = static_cast<std::uint32_t>(v);
         return ok();
       }},
      {"user",
       [](const ConfReader& r, Parsed& p) -> Result<void> {
         TRY_ASSIGN(p.config.user, r.string());
         return ok();
       }},
      {"group",
       [](const ConfReader& r, Parsed& p) -> Result<void> {
         TRY_ASSIGN(p.config.group, r.string());
         return ok();
       }},
  };
  return table;
}

}  // namespace

Result<SanlockConfig> parseSanlockConfig(std::string_view text, std::string_view source,
                                         const std::string& defaultLeaseDir) {
  TRY_ASSIGN(auto entries, parseConf(text, source));
  Parsed parsed;
  parsed.config.diskLeaseDir = defaultLeaseDir;
  for (const ConfEntry& entry : firstOfEachName(std::move(entries))) {
    const Setter* setter = nullptr;
    for (const auto& [name, set] : settings()) {
      if (name == entry.name)
        setter = &set;
    }
    if (!setter)
      continue;  // libvirt ignores keys it does not know
    TRY((*setter)(ConfReader(entry, source), parsed));
  }
  SanlockConfig config = std::move(parsed.config);
  config.requireLeaseForDisks = parsed.requireLeaseForDisks.value_or(!config.autoDiskLeases);
  if (config.autoDiskLeases && config.hostId == 0) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                     "Automatic disk lease mode enabled, but no host ID is set");
  }
  if (config.diskLeaseDir.empty() || config.diskLeaseDir.front() != '/') {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Locking,
                     "the sanlock disk lease directory '" + config.diskLeaseDir + "' in '" +
                         std::string(source) + "' is not an absolute path");
  }
  return config;
}

Result<SanlockConfig> loadSanlockConfig(os::FileSystem& fs, const std::string& path,
                                        const std::string& defaultLeaseDir) {
  if (!fs.exists(path))
    return parseSanlockConfig("", path, defaultLeaseDir);
  TRY_ASSIGN(std::string text, fs.readFile(path));
  return parseSanlockConfig(text, path, defaultLeaseDir);
}

}  // namespace virtus::locking::sanlock
