#include "daemon/daemon_options.h"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace virtus::daemon {

namespace {

constexpr const char* kVersion = "virtusd 0.1.0";

}  // namespace

Result<ParsedCommandLine> parseDaemonOptions(const std::vector<std::string>& args) {
  CLI::App app{"virtusd: serves a Virtus root directory over libvirt's remote protocol", "virtusd"};
  ParsedCommandLine parsed;
  DaemonOptions& o = parsed.options;
  std::string root, config, pidFile;
  auto* rootOpt = app.add_option("--root", root, "Serve this root directory (etc/, run/, lib/)");
  auto* configOpt =
      app.add_option("--config", config, "Configuration file (default: ETC/virtusd.conf)");
  auto* pidOpt = app.add_option("--pid-file", pidFile, "Pid file (default: RUN/virtusd.pid)");
  app.add_flag("--daemon,-d", o.daemon, "Detach and run in the background");
  app.add_flag("--listen-libvirt-paths", o.listenLibvirtPaths,
               "Also listen on libvirt's default socket paths");
  bool version = false;
  app.add_flag("--version", version, "Print the version and exit");

  // CLI11 wants the arguments last to first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    parsed.exitText = app.help();
    return parsed;
  } catch (const CLI::ParseError& e) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None, e.what());
  }
  if (version) {
    parsed.exitText = std::string(kVersion) + "\n";
    return parsed;
  }
  if (*rootOpt) {
    if (root.empty())
      return makeError(ErrorCode::InvalidArg, ErrorDomain::None, "--root needs a directory");
    o.root = root;
  }
  if (*configOpt)
    o.configPath = config;
  if (*pidOpt)
    o.pidFile = pidFile;
  return parsed;
}

}  // namespace virtus::daemon
