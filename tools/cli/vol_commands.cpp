// Volume inspection and maintenance: vol-list, vol-info, vol-dumpxml, vol-path, vol-key,
// vol-name, vol-pool, vol-delete, vol-wipe, vol-resize.
#include <strings.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <optional>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/json_output.h"
#include "cli/lookup.h"
#include "cli/output_table.h"
#include "cli/progress_bar.h"
#include "cli/vol_summary.h"
#include "common/units.h"
#include "driver/storage_flags.h"

namespace virtus::cli {

namespace {

std::string infoLine(std::string_view label, std::string_view value) {
  std::string line(label);
  if (line.size() < 15)
    line.append(15 - line.size(), ' ');
  return line + " " + std::string(value) + "\n";
}

struct VolOptions {
  std::string vol;
  std::optional<std::string> pool;
  std::string extra;  // vol-resize capacity
  std::optional<std::string> algorithm;
  bool flagA = false, flagB = false, flagC = false, json = false;
};

CLI::App* volCommand(CLI::App& app, const char* name, const char* help, VolOptions& o,
                     const char* volHelp = "vol name, key or path", bool withPool = true) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("vol,--vol", o.vol, volHelp)->required();
  // virsh fills --pool from the second positional argument too ("vol-info VOL POOL").
  if (withPool)
    cmd->add_option("pool,--pool", o.pool, "pool name or uuid");
  return cmd;
}

template <class Fn>
void onRun(CLI::App* cmd, CliContext& ctx, std::shared_ptr<VolOptions> o, Fn fn) {
  cmd->callback([&ctx, o, fn] { setResult(ctx, fn(ctx, *o)); });
}

template <class Fn>
bool withVol(CliContext& ctx, const VolOptions& o, Fn&& fn, bool takesPool = true) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto vol = findVol(ctx, *storage, o.vol, o.pool, takesPool ? "pool" : "", by::kAny);
  if (!vol)
    return false;
  return fn(*storage, *vol);
}

std::optional<driver::WipeAlgorithm> wipeAlgorithmFromName(std::string_view name) {
  static constexpr std::string_view kNames[] = {"zero",    "nnsa",     "dod",       "bsi",
                                                "gutmann", "schneier", "pfitzner7", "pfitzner33",
                                                "random",  "trim"};
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name)
      return static_cast<driver::WipeAlgorithm>(i);
  }
  return std::nullopt;
}

bool volInfo(CliContext& ctx, const VolOptions& o) {
  const bool bytes = o.flagA, physical = o.flagB;
  if (o.json)
    ctx.suppressTrailingNewline();
  return withVol(ctx, o, [&](driver::StorageDriver& s, const driver::VolHandle& v) {
    const unsigned flags = physical ? driver::vol_info::kGetPhysical : 0;
    if (o.json) {
      auto summary = gatherVolSummary(s, poolDefOf(s, v.pool), v, flags);
      if (!summary) {
        ctx.reportError(summary.error());
        return false;
      }
      ctx.out() << volJson(*summary, physical).dump(2) << '\n';
      return true;
    }
    ctx.out() << infoLine("Name:", v.name);
    auto info = s.volInfo(v, flags);
    if (!info) {
      ctx.reportError(info.error());
      return false;
    }
    std::string text = infoLine("Type:", volTypeName(info->type));
    auto size = [&](std::uint64_t value) {
      return bytes ? std::to_string(value) + " bytes" : prettyCapacity(value);
    };
    text += infoLine("Capacity:", size(info->capacity));
    text += infoLine(physical ? "Physical:" : "Allocation:", size(info->allocation));
    ctx.out() << text;
    return true;
  });
}

struct VolListOptions {
  std::string pool;
  bool details = false;
  bool json = false;
};

bool volList(CliContext& ctx, const VolListOptions& o) {
  if (o.json)
    ctx.suppressTrailingNewline();
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = findPool(ctx, *storage, o.pool);
  if (!pool)
    return false;
  auto vols = storage->listAllVolumes(*pool, 0);
  if (!vols)
    return ctx.fail("Failed to list volumes", vols.error());
  std::sort(vols->begin(), vols->end(), [](const driver::VolHandle& a, const driver::VolHandle& b) {
    return strcasecmp(a.name.c_str(), b.name.c_str()) < 0;
  });
  if (o.json) {
    auto array = nlohmann::json::array();
    const auto poolDef = poolDefOf(*storage, pool->name);
    for (const auto& v : *vols) {
      auto summary = gatherVolSummary(*storage, poolDef, v, 0);
      if (!summary) {
        ctx.reportError(summary.error());
        continue;
      }
      array.push_back(volJson(*summary));
    }
    ctx.out() << array.dump(2) << '\n';
    return true;
  }
  if (!o.details) {
    OutputTable table({"Name", "Path"});
    for (const auto& v : *vols) {
      table.addRow({v.name, storage->volPath(v).value_or(std::string("unknown"))});
    }
    ctx.out() << table.render(!ctx.quiet());
    return true;
  }
  OutputTable table({"Name", "Path", "Type", "Capacity", "Allocation"});
  for (const auto& v : *vols) {
    std::string path = storage->volPath(v).value_or(std::string("unknown"));
    auto info = storage->volInfo(v, 0);
    if (!info) {
      table.addRow({v.name, path, "unknown", "unknown", "unknown"});
      continue;
    }
    table.addRow({v.name, path, std::string(volTypeName(info->type)),
                  prettyCapacity(info->capacity), prettyCapacity(info->allocation)});
  }
  ctx.out() << table.render(!ctx.quiet());
  return true;
}

bool volResize(CliContext& ctx, const VolOptions& o) {
  bool delta = o.flagB;
  const bool shrink = o.flagC;
  std::string_view text = o.extra;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  if (!text.empty() && text.front() == '-') {
    // A negative size is a convenience for --shrink --delta.
    if (!shrink) {
      ctx.error("negative size requires --shrink");
      return false;
    }
    text.remove_prefix(1);
    delta = true;
  }
  return withVol(ctx, o, [&](driver::StorageDriver& s, const driver::VolHandle& v) {
    auto capacity = parseVolSize(ctx, text);
    if (!capacity)
      return false;
    unsigned flags = 0;
    if (o.flagA)
      flags |= driver::resize_vol::kAllocate;
    if (delta)
      flags |= driver::resize_vol::kDelta;
    if (shrink)
      flags |= driver::resize_vol::kShrink;
    auto done = s.resizeVol(v, *capacity, flags);
    const std::string how = delta ? "by " : "to ";
    if (!done) {
      return ctx.fail("Failed to change size of volume '" + v.name + "' " + how + std::string(text),
                      done.error());
    }
    ctx.printExtra("Size of volume '" + v.name + "' successfully changed " + how +
                   std::string(text) + "\n");
    return true;
  });
}

}  // namespace

void addVolCommands(CLI::App& app, CliContext& ctx) {
  {
    auto o = std::make_shared<VolListOptions>();
    auto* cmd = app.add_subcommand("vol-list", "list vols");
    cmd->add_option("pool,--pool", o->pool, "pool name or uuid")->required();
    cmd->add_flag("--details", o->details, "display extended details for volumes");
    cmd->add_flag("--json", o->json, "print the volumes as a JSON array (Virtus)");
    cmd->callback([&ctx, o] { setResult(ctx, volList(ctx, *o)); });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd = volCommand(app, "vol-info", "storage vol information", *o);
    cmd->add_flag("--bytes", o->flagA, "sizes are represented in bytes rather than pretty units");
    cmd->add_flag("--physical", o->flagB,
                  "return the physical size of the volume in allocation field");
    cmd->add_flag("--json", o->json, "print the information as a JSON object (Virtus)");
    onRun(cmd, ctx, o, volInfo);
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd = volCommand(app, "vol-dumpxml", "vol information in XML", *o);
    onRun(cmd, ctx, o, [](CliContext& c, const VolOptions& p) {
      return withVol(c, p, [&](driver::StorageDriver& s, const driver::VolHandle& v) {
        return printDocument(c, s.volXml(v, 0));
      });
    });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd =
        volCommand(app, "vol-path", "returns the volume path for a given volume name or key", *o,
                   "volume name or key");
    onRun(cmd, ctx, o, [](CliContext& c, const VolOptions& p) {
      return withVol(c, p, [&](driver::StorageDriver& s, const driver::VolHandle& v) {
        auto path = s.volPath(v);
        if (!path) {
          c.reportError(path.error());
          return false;
        }
        c.out() << *path << '\n';
        return true;
      });
    });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd = volCommand(app, "vol-key", "returns the volume key for a given volume name or path",
                           *o, "volume name or path");
    onRun(cmd, ctx, o, [](CliContext& c, const VolOptions& p) {
      return withVol(c, p, [&](driver::StorageDriver&, const driver::VolHandle& v) {
        c.out() << v.key << '\n';
        return true;
      });
    });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd =
        volCommand(app, "vol-name", "returns the volume name for a given volume key or path", *o,
                   "volume key or path", false);
    onRun(cmd, ctx, o, [](CliContext& c, const VolOptions& p) {
      auto* storage = c.storage();
      if (!storage)
        return false;
      auto vol = findVol(c, *storage, p.vol, std::nullopt, "", by::kUuid);
      if (!vol)
        return false;
      c.out() << vol->name << '\n';
      return true;
    });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd =
        volCommand(app, "vol-pool", "returns the storage pool for a given volume key or path", *o,
                   "volume key or path", false);
    cmd->add_flag("--uuid", o->flagA, "return the pool uuid rather than pool name");
    onRun(cmd, ctx, o, [](CliContext& c, const VolOptions& p) {
      auto* storage = c.storage();
      if (!storage)
        return false;
      auto vol = findVol(c, *storage, p.vol, std::nullopt, "", by::kUuid);
      if (!vol)
        return false;
      auto pool = storage->lookupPoolByVolume(*vol);
      if (!pool)
        return c.fail("failed to get parent pool", pool.error());
      c.out() << (p.flagA ? pool->uuid.str() : pool->name) << '\n';
      return true;
    });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd = volCommand(app, "vol-delete", "delete a vol", *o);
    cmd->add_flag("--delete-snapshots", o->flagA,
                  "delete snapshots associated with volume (must be supported by storage driver)");
    onRun(cmd, ctx, o, [](CliContext& c, const VolOptions& p) {
      return withVol(c, p, [&](driver::StorageDriver& s, const driver::VolHandle& v) {
        auto done = s.deleteVol(v, p.flagA ? driver::delete_vol::kWithSnapshots : 0);
        if (!done)
          return c.fail("Failed to delete vol " + p.vol, done.error());
        c.printExtra("Vol " + p.vol + " deleted\n");
        return true;
      });
    });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd = volCommand(app, "vol-wipe", "wipe a vol", *o);
    cmd->add_option("--algorithm", o->algorithm, "perform selected wiping algorithm");
    onRun(cmd, ctx, o, [](CliContext& c, const VolOptions& p) {
      return withVol(c, p, [&](driver::StorageDriver& s, const driver::VolHandle& v) {
        auto algorithm = driver::WipeAlgorithm::Zero;
        if (p.algorithm) {
          auto named = wipeAlgorithmFromName(*p.algorithm);
          if (!named) {
            c.error("Unsupported algorithm '" + *p.algorithm + "'");
            return false;
          }
          algorithm = *named;
        }
        Result<void> done = ok();
        {
          ProgressBar bar(c.err(), "Wiping " + v.name, c.showProgress());
          done = s.wipeVol(v, algorithm, 0, bar.callback());
        }
        if (!done)
          return c.fail("Failed to wipe vol " + p.vol, done.error());
        c.printExtra("Vol " + p.vol + " wiped\n");
        return true;
      });
    });
  }
  {
    auto o = std::make_shared<VolOptions>();
    auto* cmd = app.add_subcommand("vol-resize", "resize a vol");
    cmd->add_option("vol,--vol", o->vol, "vol name, key or path")->required();
    cmd->add_option("capacity,--capacity", o->extra,
                    "new capacity for the vol, as scaled integer (default bytes)")
        ->required()
        ->allow_extra_args(false);
    cmd->add_option("pool,--pool", o->pool, "pool name or uuid");
    cmd->add_flag("--allocate", o->flagA,
                  "allocate the new capacity, rather than leaving it sparse");
    cmd->add_flag("--delta", o->flagB,
                  "use capacity as a delta to current size, rather than the new size");
    cmd->add_flag("--shrink", o->flagC, "allow the resize to shrink the volume");
    onRun(cmd, ctx, o, volResize);
  }
}

}  // namespace virtus::cli
