// lock-list (Virtus's own): who holds which disk, from virtusd's lock manager, through its
// VIRTUS_LOCK_LIST call; --json prints the daemon's report as it comes.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/lock_format.h"
#include "locking/lock_report_json.h"
#include "remote/remote_domain_driver.h"

namespace virtus::cli {

namespace {

struct LockListOptions {
  bool json = false;
};

bool lockList(CliContext& ctx, const LockListOptions& o) {
  auto* domains = ctx.domains();
  if (!domains)
    return false;
  auto* remote = dynamic_cast<remote::RemoteDomainDriver*>(domains);
  if (!remote) {
    ctx.error("lock-list needs a connection to virtusd (-c URI)");
    return false;
  }
  auto text = remote->lockReportJson();
  if (!text)
    return ctx.fail("Failed to list locks", text.error());
  if (o.json) {
    ctx.suppressTrailingNewline();
    ctx.out() << *text << "\n";
    return true;
  }
  auto report = locking::lockReportFromJson(*text);
  if (!report)
    return ctx.fail("Failed to list locks", report.error());
  ctx.out() << renderLockReport(*report, ctx.quiet());
  return true;
}

}  // namespace

void addLockCommands(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<LockListOptions>();
  auto* cmd = app.add_subcommand(
      "lock-list", "list the disk locks and leases the host holds, and its lockspaces (Virtus)");
  cmd->add_flag("--json", o->json, "print the lock report as JSON");
  cmd->callback([&ctx, o] { setResult(ctx, lockList(ctx, *o)); });
}

}  // namespace virtus::cli
