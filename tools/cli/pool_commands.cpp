// Pool lifecycle and inspection commands: pool-define, pool-create, pool-build,
// pool-start, pool-refresh, pool-info, pool-dumpxml, pool-destroy, pool-delete,
// pool-undefine, pool-autostart, pool-name, pool-uuid, pool-capabilities,
// find-storage-pool-sources.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/json_output.h"
#include "cli/lookup.h"
#include "cli/pool_define_as.h"
#include "cli/pool_summary.h"
#include "common/units.h"
#include "driver/storage_flags.h"

namespace virtus::cli {

namespace {

// virsh's "%-15s %s" info lines.
std::string infoLine(std::string_view label, std::string_view value) {
  std::string line(label);
  if (line.size() < 15)
    line.append(15 - line.size(), ' ');
  line += ' ';
  line += value;
  line += '\n';
  return line;
}

struct FileOptions {
  std::string file;
  bool validate = false;
  BuildOptions build;
};

bool poolDefine(CliContext& ctx, const FileOptions& o) {
  auto xml = readDefinitionFile(ctx, o.file);
  if (!xml)
    return false;
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = storage->definePool(*xml, o.validate ? driver::define_pool::kValidate : 0);
  if (!pool)
    return ctx.fail("Failed to define pool from " + o.file, pool.error());
  ctx.printExtra("Pool " + pool->name + " defined from " + o.file + "\n");
  return true;
}

bool poolCreate(CliContext& ctx, const FileOptions& o) {
  auto flags = o.build.createFlags(ctx);
  if (!flags)
    return false;
  auto xml = readDefinitionFile(ctx, o.file);
  if (!xml)
    return false;
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = storage->createPool(*xml, *flags);
  if (!pool)
    return ctx.fail("Failed to create pool from " + o.file, pool.error());
  ctx.printExtra("Pool " + pool->name + " created from " + o.file + "\n");
  return true;
}

struct PoolOptions {
  std::string pool;
  bool flagA = false;  // --bytes, --inactive, --disable, --overwrite: per command
  bool flagB = false;  // --json, --no-overwrite
  BuildOptions build;
};

// Runs `fn` on the named pool; reports lookup failures.
template <class Fn>
bool withPool(CliContext& ctx, const std::string& text, Fn&& fn, unsigned how = by::kAny) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto pool = findPool(ctx, *storage, text, how);
  if (!pool)
    return false;
  return fn(*storage, *pool);
}

// After a command that refreshed the pool: one warning on stderr for each file it could
// not read (the pool is up with every other volume listed).
void warnAboutUnreadableVolumes(CliContext& ctx, driver::StorageDriver& s,
                                const driver::PoolHandle& p) {
  auto status = s.poolStatus(p);
  if (!status)
    return;
  for (const auto& u : status->unreadable) {
    ctx.err() << "warning: cannot read volume file '" << u.path << "': " << u.error.text() << '\n';
  }
}

// The simple "do X, print 'Pool NAME Xed'" commands.
using PoolAction = Result<void> (*)(driver::StorageDriver&, const driver::PoolHandle&,
                                    const PoolOptions&);

// `refreshes`: the action refreshed the pool (start, refresh), so its unreadable files are
// worth reporting; the other actions leave nothing to report and skip the extra call.
bool simplePoolCommand(CliContext& ctx, const PoolOptions& o, PoolAction action,
                       std::string_view failVerb, std::string_view doneText,
                       bool refreshes = false) {
  return withPool(ctx, o.pool, [&](driver::StorageDriver& s, const driver::PoolHandle& p) {
    auto done = action(s, p, o);
    if (!done) {
      return ctx.fail("Failed to " + std::string(failVerb) + " pool " + o.pool, done.error());
    }
    ctx.printExtra("Pool " + o.pool + " " + std::string(doneText) + "\n");
    if (refreshes)
      warnAboutUnreadableVolumes(ctx, s, p);
    return true;
  });
}

bool poolInfo(CliContext& ctx, const PoolOptions& o) {
  const bool bytes = o.flagA, json = o.flagB;
  if (json)
    ctx.suppressTrailingNewline();
  return withPool(ctx, o.pool, [&](driver::StorageDriver& s, const driver::PoolHandle& p) {
    auto summary = gatherPoolSummary(s, p);
    if (json) {
      if (!summary) {
        ctx.reportError(summary.error());
        return false;
      }
      ctx.out() << poolJson(*summary).dump(2) << '\n';
      return true;
    }
    std::string text = infoLine("Name:", p.name) + infoLine("UUID:", p.uuid.str());
    if (!summary) {
      ctx.out() << text;
      ctx.reportError(summary.error());
      return false;
    }
    const auto& info = summary->info;
    text += infoLine("State:", poolStateName(info.state));
    text += infoLine("Persistent:", summary->persistent ? "yes" : "no");
    text += infoLine("Autostart:", summary->autostart ? "yes" : "no");
    if (info.state == driver::PoolState::Running || info.state == driver::PoolState::Degraded) {
      auto size = [&](std::uint64_t v) { return bytes ? std::to_string(v) : prettyCapacity(v); };
      text += infoLine("Capacity:", size(info.capacity));
      text += infoLine("Allocation:", size(info.allocation));
      text += infoLine("Available:", size(info.available));
    }
    // Virtus: files the last refresh could not read (only when there are some).
    for (const auto& u : summary->unreadable)
      text += infoLine("Unreadable:", u.path + ": " + u.error.text());
    // Virtus: a pool whose storage stopped answering (only while it is so).
    if (!summary->health.healthy)
      text += infoLine("Health:", "unhealthy: " + summary->health.reason);
    ctx.out() << text;
    return true;
  });
}

bool poolDumpXml(CliContext& ctx, const PoolOptions& o) {
  return withPool(ctx, o.pool, [&](driver::StorageDriver& s, const driver::PoolHandle& p) {
    auto xml = s.poolXml(p, o.flagA ? driver::xml_flags::kInactive : 0);
    if (!xml) {
      ctx.reportError(xml.error());
      return false;
    }
    ctx.out() << *xml;
    if (!xml->empty() && xml->back() != '\n')
      ctx.out() << '\n';
    return true;
  });
}

bool poolAutostart(CliContext& ctx, const PoolOptions& o) {
  const bool enable = !o.flagA;
  return withPool(ctx, o.pool, [&](driver::StorageDriver& s, const driver::PoolHandle& p) {
    auto done = s.setPoolAutostart(p, enable);
    if (!done) {
      return ctx.fail(enable ? "failed to mark pool " + o.pool + " as autostarted"
                             : "failed to unmark pool " + o.pool + " as autostarted",
                      done.error());
    }
    ctx.printExtra("Pool " + o.pool + (enable ? " marked" : " unmarked") + " as autostarted\n");
    return true;
  });
}

CLI::App* poolCommand(CLI::App& app, const char* name, const char* help, PoolOptions& o) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("pool,--pool", o.pool, "pool name or uuid")->required();
  return cmd;
}

template <class Fn>
void onRun(CLI::App* cmd, CliContext& ctx, std::shared_ptr<PoolOptions> o, Fn fn) {
  cmd->callback([&ctx, o, fn] { setResult(ctx, fn(ctx, *o)); });
}

bool poolCapabilities(CliContext& ctx, bool operations) {
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto caps = storage->poolCapabilities(operations ? driver::pool_caps::kVirtusOperations : 0u);
  if (!caps)
    return ctx.fail("failed to get storage pool capabilities", caps.error());
  // virsh prints the document followed by a newline of its own.
  ctx.out() << *caps << '\n';
  return true;
}

struct FindSourcesOptions {
  std::string type;
  std::string srcSpecFile;
};

bool findPoolSources(CliContext& ctx, const FindSourcesOptions& o) {
  std::string spec;
  if (!o.srcSpecFile.empty()) {
    auto text = readDefinitionFile(ctx, o.srcSpecFile);
    if (!text)
      return false;
    spec = std::move(*text);
  }
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  auto sources = storage->findPoolSources(o.type, spec, 0);
  if (!sources)
    return ctx.fail("Failed to find any " + o.type + " pool sources", sources.error());
  ctx.out() << *sources;
  return true;
}

}  // namespace

void addPoolCommands(CLI::App& app, CliContext& ctx) {
  {
    auto o = std::make_shared<FileOptions>();
    auto* cmd =
        app.add_subcommand("pool-define", "define (but don't start) a pool from an XML file");
    cmd->add_option("file,--file", o->file, "file containing an XML pool description")->required();
    cmd->add_flag("--validate", o->validate, "validate the XML against the schema");
    cmd->callback([&ctx, o] { setResult(ctx, poolDefine(ctx, *o)); });
  }
  {
    auto o = std::make_shared<FileOptions>();
    auto* cmd = app.add_subcommand("pool-create", "create a pool from an XML file");
    cmd->add_option("file,--file", o->file, "file containing an XML pool description")->required();
    o->build.addTo(cmd);
    cmd->callback([&ctx, o] { setResult(ctx, poolCreate(ctx, *o)); });
  }
  {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = poolCommand(app, "pool-build", "build a pool", *o);
    cmd->add_flag("--no-overwrite", o->flagB, "do not overwrite any existing data");
    cmd->add_flag("--overwrite", o->flagA, "overwrite any existing data");
    onRun(cmd, ctx, o, [](CliContext& c, const PoolOptions& p) {
      if (p.flagA && p.flagB) {
        c.error("Options --overwrite and --no-overwrite are mutually exclusive");
        return false;
      }
      return simplePoolCommand(
          c, p,
          [](driver::StorageDriver& s, const driver::PoolHandle& h, const PoolOptions& q) {
            unsigned flags = 0;
            if (q.flagA)
              flags |= driver::build_pool::kOverwrite;
            if (q.flagB)
              flags |= driver::build_pool::kNoOverwrite;
            return s.buildPool(h, flags);
          },
          "build", "built");
    });
  }
  {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = poolCommand(app, "pool-start", "start a (previously defined) inactive pool", *o);
    o->build.addTo(cmd);
    onRun(cmd, ctx, o, [](CliContext& c, const PoolOptions& p) {
      if (!p.build.createFlags(c))
        return false;
      return simplePoolCommand(
          c, p,
          [](driver::StorageDriver& s, const driver::PoolHandle& h, const PoolOptions& q) {
            unsigned flags = 0;
            if (q.build.build)
              flags |= driver::create_pool::kWithBuild;
            if (q.build.overwrite)
              flags |= driver::create_pool::kWithBuildOverwrite;
            if (q.build.noOverwrite)
              flags |= driver::create_pool::kWithBuildNoOverwrite;
            return s.startPool(h, flags);
          },
          "start", "started", /*refreshes=*/true);
    });
  }
  // The commands that only call the driver and print "Pool NAME <done>".
  struct PlainPoolCommand {
    const char* name;
    const char* help;
    PoolAction action;
    const char* failVerb;
    const char* doneText;
    bool refreshes;
  };
  static constexpr PlainPoolCommand kPlainCommands[] = {
      {"pool-refresh", "refresh a pool",
       [](driver::StorageDriver& s, const driver::PoolHandle& h, const PoolOptions&) {
         return s.refreshPool(h, 0);
       },
       "refresh", "refreshed", true},
      {"pool-destroy", "destroy (stop) a pool",
       [](driver::StorageDriver& s, const driver::PoolHandle& h, const PoolOptions&) {
         return s.destroyPool(h);
       },
       "destroy", "destroyed", false},
      {"pool-delete", "delete a pool",
       [](driver::StorageDriver& s, const driver::PoolHandle& h, const PoolOptions&) {
         return s.deletePool(h, 0);
       },
       "delete", "deleted", false},
      {"pool-undefine", "undefine an inactive pool",
       [](driver::StorageDriver& s, const driver::PoolHandle& h, const PoolOptions&) {
         return s.undefinePool(h);
       },
       "undefine", "has been undefined", false},
  };
  for (const PlainPoolCommand& plain : kPlainCommands) {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = poolCommand(app, plain.name, plain.help, *o);
    onRun(cmd, ctx, o, [&plain](CliContext& c, const PoolOptions& p) {
      return simplePoolCommand(c, p, plain.action, plain.failVerb, plain.doneText, plain.refreshes);
    });
  }
  {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = poolCommand(app, "pool-info", "storage pool information", *o);
    cmd->add_flag("--bytes", o->flagA, "Return pool info in bytes");
    cmd->add_flag("--json", o->flagB, "print the information as a JSON object (Virtus)");
    onRun(cmd, ctx, o, poolInfo);
  }
  {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = poolCommand(app, "pool-dumpxml", "pool information in XML", *o);
    cmd->add_flag("--inactive", o->flagA, "show inactive defined XML");
    onRun(cmd, ctx, o, poolDumpXml);
  }
  {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = poolCommand(app, "pool-autostart", "autostart a pool", *o);
    cmd->add_flag("--disable", o->flagA, "disable autostarting");
    onRun(cmd, ctx, o, poolAutostart);
  }
  {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = app.add_subcommand("pool-name", "convert a pool UUID to pool name");
    cmd->add_option("pool,--pool", o->pool, "pool uuid")->required();
    onRun(cmd, ctx, o, [](CliContext& c, const PoolOptions& p) {
      return withPool(
          c, p.pool,
          [&](driver::StorageDriver&, const driver::PoolHandle& h) {
            c.out() << h.name << '\n';
            return true;
          },
          by::kUuid);
    });
  }
  {
    auto o = std::make_shared<PoolOptions>();
    auto* cmd = app.add_subcommand("pool-uuid", "convert a pool name to pool UUID");
    cmd->add_option("pool,--pool", o->pool, "pool name")->required();
    onRun(cmd, ctx, o, [](CliContext& c, const PoolOptions& p) {
      return withPool(
          c, p.pool,
          [&](driver::StorageDriver&, const driver::PoolHandle& h) {
            c.out() << h.uuid.str() << '\n';
            return true;
          },
          by::kName);
    });
  }
  {
    auto operations = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("pool-capabilities", "storage pool capabilities");
    cmd->add_flag("--operations", *operations,
                  "also list the operations each supported pool type implements (Virtus)");
    cmd->callback([&ctx, operations] { setResult(ctx, poolCapabilities(ctx, *operations)); });
  }
  {
    auto o = std::make_shared<FindSourcesOptions>();
    auto* cmd =
        app.add_subcommand("find-storage-pool-sources", "discover potential storage pool sources");
    cmd->add_option("type,--type", o->type, "type of storage pool sources to find")->required();
    cmd->add_option("srcSpec,--srcSpec", o->srcSpecFile,
                    "optional file of source xml to query for pools");
    cmd->callback([&ctx, o] { setResult(ctx, findPoolSources(ctx, *o)); });
  }
  addPoolDefineAsCommands(app, ctx);
  addPoolListCommand(app, ctx);
  addPoolEditCommand(app, ctx);
}

}  // namespace virtus::cli
