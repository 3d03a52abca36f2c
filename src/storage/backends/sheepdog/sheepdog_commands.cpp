#include "storage/backends/sheepdog/sheepdog_commands.h"

#include <charconv>

#include "common/text_lines.h"

namespace virtus::storage::sheepdog {

namespace {

// libvirt's defaults when the pool names no host or port.
constexpr const char* kDefaultHost = "localhost";
constexpr int kDefaultPort = 7000;

void addHost(os::Command& cmd, const model::PoolDef& def) {
  std::string host = kDefaultHost;
  int port = kDefaultPort;
  if (!def.source.hosts.empty()) {
    if (!def.source.hosts[0].name.empty())
      host = def.source.hosts[0].name;
    if (def.source.hosts[0].port && *def.source.hosts[0].port > 0)
      port = *def.source.hosts[0].port;
  }
  cmd.args.insert(cmd.args.end(), {"-a", host, "-p", std::to_string(port)});
}

os::Command dog(std::vector<std::string> args) {
  os::Command cmd;
  cmd.program = "dog";
  cmd.args = std::move(args);
  return cmd;
}

Error parseError(std::string_view what, std::string_view line) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "cannot parse " + std::string(what) + " line '" + std::string(line) + "'");
}

bool toNumber(std::string_view s, std::uint64_t& out) {
  if (s.empty())
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Splits on single spaces, undoing the backslash escapes of raw output.
std::vector<std::string> rawFields(std::string_view line) {
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      fields.back() += line[++i];
    } else if (c == ' ') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

}  // namespace

os::Command buildNodeInfo(const model::PoolDef& def) {
  auto cmd = dog({"node", "info", "-r"});
  addHost(cmd, def);
  return cmd;
}

os::Command buildVdiList(const model::PoolDef& def, const std::string& name) {
  auto cmd = name.empty() ? dog({"vdi", "list", "-r"}) : dog({"vdi", "list", name, "-r"});
  addHost(cmd, def);
  return cmd;
}

os::Command buildVdiCreate(const model::PoolDef& def, const std::string& name,
                           std::uint64_t capacity) {
  auto cmd = dog({"vdi", "create", name, std::to_string(capacity)});
  addHost(cmd, def);
  return cmd;
}

os::Command buildVdiDelete(const model::PoolDef& def, const std::string& name) {
  auto cmd = dog({"vdi", "delete", name});
  addHost(cmd, def);
  return cmd;
}

os::Command buildVdiResize(const model::PoolDef& def, const std::string& name,
                           std::uint64_t capacity) {
  auto cmd = dog({"vdi", "resize", name, std::to_string(capacity)});
  addHost(cmd, def);
  return cmd;
}

Result<NodeTotals> parseNodeInfo(std::string_view output) {
  for (std::string_view line : nonEmptyLines(output)) {
    if (line.rfind("Total ", 0) != 0)
      continue;
    auto fields = rawFields(line);
    NodeTotals totals;
    if (fields.size() < 3 || !toNumber(fields[1], totals.capacity) ||
        !toNumber(fields[2], totals.used) || totals.used > totals.capacity) {
      return parseError("'dog node info'", line);
    }
    return totals;
  }
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "the output of 'dog node info' has no 'Total' line");
}

Result<std::vector<Vdi>> parseVdiList(std::string_view output) {
  std::vector<Vdi> vdis;
  for (std::string_view line : nonEmptyLines(output)) {
    auto fields = rawFields(line);
    if (fields.size() < 5 || fields[0].size() != 1)
      return parseError("'dog vdi list'", line);
    if (fields[0] != "=")
      continue;  // a snapshot or a clone
    Vdi vdi;
    vdi.name = fields[1];
    if (vdi.name.empty() || !toNumber(fields[2], vdi.id) || !toNumber(fields[3], vdi.size) ||
        !toNumber(fields[4], vdi.used)) {
      return parseError("'dog vdi list'", line);
    }
    vdis.push_back(std::move(vdi));
  }
  return vdis;
}

}  // namespace virtus::storage::sheepdog
