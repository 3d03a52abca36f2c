// list: the guests virConnectListAllDomains returns for the filters, each with its state
// (virDomainGetState, as virsh asks), in virsh's order and renderings, or as --json.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/domain_format.h"

namespace virtus::cli {

namespace {

bool domainList(CliContext& ctx, const DomainListOptions& o) {
  if (o.json)
    ctx.suppressTrailingNewline();
  auto* domains = ctx.domains();
  if (!domains)
    return false;
  auto handles = domains->listAllDomains(domainListFlags(o));
  if (!handles)
    return ctx.fail("Failed to list domains", handles.error());
  std::vector<DomainListRow> rows;
  rows.reserve(handles->size());
  for (auto& h : *handles) {
    DomainListRow row;
    row.handle = std::move(h);
    // A guest that went away meanwhile keeps its row with no state, as in virsh.
    if (auto state = domains->domainState(row.handle))
      row.state = *state;
    if (o.json) {
      if (auto persistent = domains->domainIsPersistent(row.handle))
        row.persistent = *persistent;
      if (auto autostart = domains->domainAutostart(row.handle))
        row.autostart = *autostart;
    }
    rows.push_back(std::move(row));
  }
  sortDomainRows(rows);
  ctx.out() << renderDomainList(rows, o, ctx.quiet());
  return true;
}

}  // namespace

void addDomainListCommand(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<DomainListOptions>();
  auto* cmd = app.add_subcommand("list", "list domains");
  cmd->add_flag("--inactive", o->inactive, "list inactive domains");
  cmd->add_flag("--all", o->all, "list inactive & active domains");
  cmd->add_flag("--transient", o->transient, "list transient domains");
  cmd->add_flag("--persistent", o->persistent, "list persistent domains");
  cmd->add_flag("--autostart", o->autostart, "list domains with autostart enabled");
  cmd->add_flag("--no-autostart", o->noAutostart, "list domains with autostart disabled");
  cmd->add_flag("--state-running", o->stateRunning, "list domains in running state");
  cmd->add_flag("--state-paused", o->statePaused, "list domains in paused state");
  cmd->add_flag("--state-shutoff", o->stateShutoff, "list domains in shutoff state");
  cmd->add_flag("--state-other", o->stateOther, "list domains in other states");
  cmd->add_flag("--uuid", o->uuid, "list uuid's only");
  cmd->add_flag("--name", o->name, "list domain names only");
  cmd->add_flag("--id", o->id, "list domain IDs only");
  cmd->add_flag("--json", o->json, "print the domains as a JSON array (Virtus)");
  cmd->callback([&ctx, o] { setResult(ctx, domainList(ctx, *o)); });
}

}  // namespace virtus::cli
