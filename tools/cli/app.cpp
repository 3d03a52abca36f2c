#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ostream>

#include "cli/command_support.h"
#include "cli/parse_errors.h"

namespace virtus::cli {

namespace {

// The command word: the first argument that is not a global option (--root DIR,
// -c/--connect URI, -q).
std::string commandWord(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--root" || a == "-c" || a == "--connect") {
      ++i;
      continue;
    }
    if (a.rfind("--root=", 0) == 0 || a.rfind("--connect=", 0) == 0 ||
        (a.size() > 2 && a.rfind("-c", 0) == 0) || a == "-q" || a == "--quiet")
      continue;
    return a;
  }
  return "";
}

// CLI11 names some errors after the app that raised them: classify by type instead.
std::string_view parseErrorKind(const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::RequiredError*>(&e))
    return "RequiredError";
  if (dynamic_cast<const CLI::ExtrasError*>(&e))
    return "ExtrasError";
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e))
    return "ArgumentMismatch";
  return "";
}

// virsh names every missing required option of the command, one line each; CLI11 stops at
// the first. Returns false when `e` is not about a missing option of `command`.
bool reportMissingOptions(CLI::App& app, const CLI::ParseError& e, const std::string& command,
                          std::ostream& err) {
  if (!dynamic_cast<const CLI::RequiredError*>(&e) || command.empty())
    return false;
  auto subs = app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == command; });
  if (subs.empty())
    return false;
  bool any = false;
  for (const CLI::Option* opt : subs.front()->get_options()) {
    if (!opt->get_required() || opt->count() > 0)
      continue;
    err << "error: "
        << virshParseErrorMessage("RequiredError", "--" + opt->get_single_name() + " is required",
                                  command)
        << '\n';
    any = true;
  }
  return any;
}

}  // namespace

int runCli(const std::vector<std::string>& args, CliHost& host) {
  ConnectTarget target;
  bool quiet = false;
  CliContext ctx([&]() { return host.open(target); }, host.fs, host.out, host.err);

  CLI::App app(
      "virtus: manage Virtus storage pools, volumes and domains (virsh-compatible commands)",
      "virtus");
  app.add_option("--root", target.root,
                 "directory holding all of Virtus' state (default: the system tree for root, "
                 "the per-user tree otherwise)");
  app.add_option("-c,--connect", target.uri,
                 "hypervisor connection URI: qemu:///system, qemu:///session, "
                 "qemu+unix:///system?socket=PATH (a libvirt or Virtus daemon), "
                 "virtus:///embed?root=DIR (in-process); default: $VIRTUS_DEFAULT_URI");
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
  addDomainCommands(app, ctx);
  addLockCommands(app, ctx);
  // virsh refuses an option given twice ("option --all already seen"), flags included;
  // CLI11 lets flags repeat unless told otherwise.
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    for (CLI::Option* opt : sub->get_options()) {
      if (opt != sub->get_help_ptr())
        opt->multi_option_policy(CLI::MultiOptionPolicy::Throw);
    }
  }

  const std::string command = commandWord(args);
  if (!command.empty() && command[0] != '-' &&
      app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == command; }).empty()) {
    host.err << "error: unknown command: '" << command << "'\n";
    return 1;
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, host.out, host.err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, host.out, host.err);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0)
      return app.exit(e, host.out, host.err);
    if (reportMissingOptions(app, e, command, host.err))
      return 1;
    host.err << "error: " << virshParseErrorMessage(parseErrorKind(e), e.what(), command) << '\n';
    return 1;
  }
  if (ctx.trailingNewline())
    host.out << '\n';
  host.out.flush();
  return ctx.failed() ? 1 : 0;
}

}  // namespace virtus::cli
