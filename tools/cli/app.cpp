#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>

#include "cli/command_support.h"

namespace virtus::cli {

int runCli(const std::vector<std::string>& args, CliHost& host) {
  std::optional<std::string> root;
  bool quiet = false;
  CliContext ctx([&]() { return host.open(root); }, host.fs, host.out, host.err);

  CLI::App app("virtus: manage Virtus storage pools and volumes (virsh-compatible commands)",
               "virtus");
  app.add_option("--root", root,
                 "directory holding all of Virtus' state (default: the system tree for root, "
                 "the per-user tree otherwise)");
  app.add_flag("-q,--quiet", quiet, "quiet mode: no informational messages or table headers");
  app.require_subcommand(1);
  app.fallthrough(true);
  app.parse_complete_callback([&] {
    ctx.setQuiet(quiet);
    ctx.setShowProgress(host.stdoutIsTerminal && !quiet);
  });

  addPoolCommands(app, ctx);
  addVolCommands(app, ctx);
  addVolCreateCommands(app, ctx);
  addVolStreamCommands(app, ctx);
  addXmlCommands(app, ctx);

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, host.out, host.err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, host.out, host.err);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, host.out, host.err);
    host.err << "error: " << e.what() << '\n';
    return 1;
  }
  if (ctx.trailingNewline()) host.out << '\n';
  host.out.flush();
  return ctx.failed() ? 1 : 0;
}

}  // namespace virtus::cli
