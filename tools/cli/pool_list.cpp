#include "cli/pool_list.h"

#include <strings.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/output_table.h"
#include "cli/pool_summary.h"
#include "common/units.h"
#include "driver/storage_flags.h"

namespace virtus::cli {

namespace {

struct TypeFlag {
  std::string_view name;
  unsigned flag;
};

constexpr TypeFlag kTypeFlags[] = {
    {"dir", driver::list_pools::kDir},
    {"fs", driver::list_pools::kFs},
    {"netfs", driver::list_pools::kNetfs},
    {"logical", driver::list_pools::kLogical},
    {"disk", driver::list_pools::kDisk},
    {"iscsi", driver::list_pools::kIscsi},
    {"iscsi-direct", driver::list_pools::kIscsiDirect},
    {"scsi", driver::list_pools::kScsi},
    {"mpath", driver::list_pools::kMpath},
    {"rbd", driver::list_pools::kRbd},
    {"sheepdog", driver::list_pools::kSheepdog},
    {"gluster", driver::list_pools::kGluster},
    {"zfs", driver::list_pools::kZfs},
    {"vstorage", driver::list_pools::kVstorage},
};

std::string padRight(const std::string& text, std::size_t width) {
  std::string out = text;
  if (out.size() < width)
    out.append(width - out.size(), ' ');
  return out;
}

}  // namespace

Result<unsigned> poolListFlags(const PoolListOptions& o) {
  unsigned flags = driver::list_pools::kActive;
  if (o.inactive)
    flags = driver::list_pools::kInactive;
  if (o.all)
    flags = driver::list_pools::kActive | driver::list_pools::kInactive;
  if (o.persistent)
    flags |= driver::list_pools::kPersistent;
  if (o.transient)
    flags |= driver::list_pools::kTransient;
  if (o.autostart)
    flags |= driver::list_pools::kAutostart;
  if (o.noAutostart)
    flags |= driver::list_pools::kNoAutostart;
  if (o.types) {
    std::string_view rest = *o.types;
    while (true) {
      auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      auto it = std::find_if(std::begin(kTypeFlags), std::end(kTypeFlags),
                             [&](const TypeFlag& t) { return t.name == item; });
      if (it == std::end(kTypeFlags)) {
        return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                         "Invalid pool type '" + std::string(item) + "'");
      }
      flags |= it->flag;
      if (comma == std::string_view::npos)
        break;
      rest = rest.substr(comma + 1);
    }
  }
  return flags;
}

std::string renderPoolList(const std::vector<PoolSummary>& pools, const PoolListOptions& o,
                           bool quiet) {
  if (o.json) {
    auto array = nlohmann::json::array();
    for (const auto& p : pools)
      array.push_back(poolJson(p));
    return array.dump(2) + "\n";
  }
  if (!o.details && (o.uuid || o.name)) {
    std::string out;
    for (const auto& p : pools) {
      if (o.uuid)
        out += padRight(p.uuid.str(), 36) + (o.name ? " " : "\n");
      if (o.name)
        out += padRight(p.name, 20) + "\n";
    }
    return out;
  }
  if (!o.details) {
    OutputTable table({"Name", "State", "Autostart"});
    for (const auto& p : pools) {
      table.addRow({p.name, p.active ? "active" : "inactive", p.autostart ? "yes" : "no"});
    }
    return table.render(!quiet);
  }
  OutputTable table(
      {"Name", "State", "Autostart", "Persistent", "Capacity", "Allocation", "Available"});
  for (const auto& p : pools) {
    const bool sized =
        p.info.state == driver::PoolState::Running || p.info.state == driver::PoolState::Degraded;
    auto size = [&](std::uint64_t v) { return sized ? prettyCapacity(v) : std::string("-"); };
    table.addRow({p.name, std::string(poolStateName(p.info.state)), p.autostart ? "yes" : "no",
                  p.persistent ? "yes" : "no", size(p.info.capacity), size(p.info.allocation),
                  size(p.info.available)});
  }
  return table.render(!quiet);
}

namespace {

bool poolList(CliContext& ctx, const PoolListOptions& o) {
  if (o.json)
    ctx.suppressTrailingNewline();
  if (o.details && o.uuid) {
    ctx.error("Options --details and --uuid are mutually exclusive");
    return false;
  }
  if (o.details && o.name) {
    ctx.error("Options --details and --name are mutually exclusive");
    return false;
  }
  auto flags = poolListFlags(o);
  if (!flags) {
    ctx.error(flags.error().message);
    return false;
  }
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto handles = storage->listAllPools(*flags);
  if (!handles)
    return ctx.fail("Failed to list pools", handles.error());
  std::vector<PoolSummary> pools;
  for (const auto& h : *handles) {
    auto summary = gatherPoolSummary(*storage, h);
    if (!summary) {
      // The pool went away or cannot be read: virsh reports and shows it as unknown;
      // here it is reported and left out.
      ctx.error("Could not retrieve pool information");
      ctx.reportError(summary.error());
      continue;
    }
    pools.push_back(std::move(summary).value());
  }
  std::sort(pools.begin(), pools.end(), [](const PoolSummary& a, const PoolSummary& b) {
    return strcasecmp(a.name.c_str(), b.name.c_str()) < 0;
  });
  ctx.out() << renderPoolList(pools, o, ctx.quiet());
  return true;
}

}  // namespace

void addPoolListCommand(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<PoolListOptions>();
  auto* cmd = app.add_subcommand("pool-list", "list pools");
  cmd->add_flag("--inactive", o->inactive, "list inactive pools");
  cmd->add_flag("--all", o->all, "list inactive & active pools");
  cmd->add_flag("--transient", o->transient, "list transient pools");
  cmd->add_flag("--persistent", o->persistent, "list persistent pools");
  cmd->add_flag("--autostart", o->autostart, "list pools with autostart enabled");
  cmd->add_flag("--no-autostart", o->noAutostart, "list pools with autostart disabled");
  cmd->add_option("type,--type", o->types, "only list pool of specified type(s) (if supported)");
  cmd->add_flag("--details", o->details, "display extended details for pools");
  cmd->add_flag("--uuid", o->uuid, "list UUID of active pools only");
  cmd->add_flag("--name", o->name, "list name of active pools only");
  cmd->add_flag("--json", o->json, "print the pools as a JSON array (Virtus)");
  cmd->callback([&ctx, o] { setResult(ctx, poolList(ctx, *o)); });
}

}  // namespace virtus::cli
