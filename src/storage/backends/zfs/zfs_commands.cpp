#include "storage/backends/zfs/zfs_commands.h"

#include <charconv>

#include "common/text_lines.h"

namespace virtus::storage::zfs {

namespace {

os::Command tool(std::string program, std::vector<std::string> args) {
  os::Command cmd;
  cmd.program = std::move(program);
  cmd.args = std::move(args);
  return cmd;
}

std::string kib(std::uint64_t bytes) {
  return std::to_string(bytes / 1024 + (bytes % 1024 != 0 ? 1 : 0)) + "K";
}

std::vector<std::string_view> fields(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto pos = line.find(sep);
    out.push_back(line.substr(0, pos));
    if (pos == std::string_view::npos)
      return out;
    line.remove_prefix(pos + 1);
  }
}

bool toNumber(std::string_view s, std::uint64_t& out) {
  if (s.empty())
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

Error badLine(std::string_view tool, std::string_view what, std::string_view line) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "'" + std::string(tool) + "' reported " + std::string(what) + " in line '" +
                       std::string(line) + "'");
}

}  // namespace

std::string zpoolOf(const model::PoolDef& def) {
  return def.source.name.substr(0, def.source.name.find('/'));
}

bool isDatasetPool(const model::PoolDef& def) {
  return def.source.name.find('/') != std::string::npos;
}

std::string datasetOf(const model::PoolDef& def, std::string_view name) {
  return def.source.name + "/" + std::string(name);
}

std::string cloneSnapshotOf(const model::PoolDef& def, std::string_view origin,
                            std::string_view cloneName) {
  return datasetOf(def, origin) + "@virtus-clone-" + std::string(cloneName);
}

os::Command buildDatasetExists(const model::PoolDef& def) {
  return tool("zfs", {"list", "-H", "-t", "filesystem", "-o", "name", def.source.name});
}

os::Command buildZpoolGet(const model::PoolDef& def) {
  return tool("zpool", {"get", "-Hp", "health,size,free,allocated", zpoolOf(def)});
}

os::Command buildListVolumes(const model::PoolDef& def) {
  return tool("zfs", {"list", "-Hp", "-t", "volume", "-r", "-o", "name,volsize,refreservation",
                      def.source.name});
}

Result<os::Command> buildPoolCreate(const model::PoolDef& def) {
  if (isDatasetPool(def))
    return tool("zfs", {"create", "-o", "mountpoint=none", def.source.name});
  if (def.source.devices.empty()) {
    return makeError(ErrorCode::ConfigUnsupported, ErrorDomain::Storage, "missing source devices");
  }
  auto cmd = tool("zpool", {"create", def.source.name});
  for (const auto& dev : def.source.devices)
    cmd.args.push_back(dev.path);
  return cmd;
}

os::Command buildPoolDestroy(const model::PoolDef& def) {
  if (isDatasetPool(def))
    return tool("zfs", {"destroy", "-r", def.source.name});
  return tool("zpool", {"destroy", def.source.name});
}

os::Command buildZfsGetUsage() {
  return tool("env", {"LC_ALL=C", "zfs", "get"});
}

os::Command buildVolumeCreate(const model::PoolDef& def, std::string_view name,
                              std::uint64_t capacity, std::uint64_t allocation,
                              CreateOptions options) {
  auto cmd = tool("zfs", {"create"});
  if (options.volmode)
    cmd.args.insert(cmd.args.end(), {"-o", "volmode=dev"});
  if (capacity != allocation) {
    cmd.args.push_back("-s");
    if (allocation > 0)
      cmd.args.insert(cmd.args.end(), {"-o", "refreservation=" + kib(allocation)});
  }
  cmd.args.insert(cmd.args.end(), {"-V", kib(capacity), datasetOf(def, name)});
  return cmd;
}

os::Command buildListVolume(const model::PoolDef& def, std::string_view name) {
  return tool("zfs", {"list", "-Hp", "-t", "volume", "-o", "name,volsize,refreservation",
                      datasetOf(def, name)});
}

os::Command buildListRelations(const model::PoolDef& def, std::string_view name) {
  return tool("zfs", {"list", "-H", "-t", "volume,snapshot", "-r", "-o", "name,origin,clones",
                      datasetOf(def, name)});
}

os::Command buildDestroy(const std::string& dataset) {
  return tool("zfs", {"destroy", dataset});
}

os::Command buildResize(const model::PoolDef& def, std::string_view name, std::uint64_t capacity) {
  return tool("zfs", {"set", "volsize=" + std::to_string(capacity), datasetOf(def, name)});
}

os::Command buildSnapshot(const std::string& snapshot) {
  return tool("zfs", {"snapshot", snapshot});
}

os::Command buildClone(const std::string& snapshot, const model::PoolDef& def,
                       std::string_view name) {
  return tool("zfs", {"clone", snapshot, datasetOf(def, name)});
}

Result<ZpoolProperties> parseZpoolGet(std::string_view output) {
  ZpoolProperties props;
  bool size = false, free = false, allocated = false;
  for (std::string_view line : nonEmptyLines(output)) {
    auto f = fields(line, '\t');
    if (f.size() != 4)
      return badLine("zpool get", "an unexpected number of fields", line);
    std::uint64_t* target = nullptr;
    if (f[1] == "health") {
      props.health = std::string(f[2]);
      continue;
    } else if (f[1] == "size") {
      target = &props.size;
      size = true;
    } else if (f[1] == "free") {
      target = &props.free;
      free = true;
    } else if (f[1] == "allocated") {
      target = &props.allocated;
      allocated = true;
    } else {
      continue;
    }
    if (!toNumber(f[2], *target))
      return badLine("zpool get", "a malformed " + std::string(f[1]), line);
  }
  if (!size || !free || !allocated) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "'zpool get' did not report the pool's size, free and allocated space");
  }
  return props;
}

Result<std::vector<ZfsVolume>> parseVolumeList(std::string_view output) {
  std::vector<ZfsVolume> vols;
  for (std::string_view line : nonEmptyLines(output)) {
    auto f = fields(line, '\t');
    if (f.size() != 3 || f[0].empty())
      return badLine("zfs list", "an unexpected number of fields", line);
    ZfsVolume v;
    v.dataset = std::string(f[0]);
    if (!toNumber(f[1], v.volsize))
      return badLine("zfs list", "a malformed volsize", line);
    // -p prints 0 for an unset refreservation; "none" and "-" mean the same.
    if (f[2] != "none" && f[2] != "-" && !toNumber(f[2], v.refreservation))
      return badLine("zfs list", "a malformed refreservation", line);
    vols.push_back(std::move(v));
  }
  return vols;
}

bool usageListsVolmode(std::string_view usage) {
  if (usage.find(" volmode ") != std::string_view::npos)
    return true;
  for (std::string_view line : nonEmptyLines(usage)) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos)
      continue;
    line.remove_prefix(start);
    if (line.rfind("volmode", 0) == 0 && line.size() > 7 && (line[7] == ' ' || line[7] == '\t'))
      return true;
  }
  return false;
}

Result<ZfsRelations> parseRelations(std::string_view output, const std::string& dataset) {
  ZfsRelations rel;
  const std::string snapPrefix = dataset + "@";
  for (std::string_view line : nonEmptyLines(output)) {
    auto f = fields(line, '\t');
    if (f.size() != 3)
      return badLine("zfs list", "an unexpected number of fields", line);
    if (f[0] == dataset) {
      if (f[1] != "-" && !f[1].empty())
        rel.origin = std::string(f[1]);
    } else if (f[0].rfind(snapPrefix, 0) == 0) {
      std::vector<std::string> clones;
      if (f[2] != "-" && !f[2].empty()) {
        for (auto c : fields(f[2], ','))
          if (!c.empty())
            clones.emplace_back(c);
      }
      rel.snapshots.emplace_back(std::string(f[0]), std::move(clones));
    } else {
      return badLine("zfs list", "a dataset other than '" + dataset + "'", line);
    }
  }
  return rel;
}

bool saysNoSuchDataset(std::string_view err) {
  return err.find("dataset does not exist") != std::string_view::npos;
}

}  // namespace virtus::storage::zfs
