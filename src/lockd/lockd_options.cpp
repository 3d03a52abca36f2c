#include "lockd/lockd_options.h"

#include <charconv>

namespace virtus::lockd {

namespace {

Error badOption(std::string message) {
  return makeError(ErrorCode::InvalidArg, ErrorDomain::Locking, std::move(message));
}

Result<int> parseNumber(const std::string& option, const std::string& text, int min) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min)
    return badOption("invalid value '" + text + "' for option '" + option + "'");
  return value;
}

}  // namespace

Result<LockdOptions> parseLockdOptions(const std::vector<std::string>& args) {
  LockdOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inlineValue;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      inlineValue = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto value = [&]() -> Result<std::string> {
      if (inlineValue)
        return *inlineValue;
      if (i + 1 >= args.size())
        return badOption("option '" + arg + "' needs a value");
      return args[++i];
    };
    if (arg == "--daemon" || arg == "-d") {
      options.daemon = true;
    } else if (arg == "--help" || arg == "-h") {
      options.help = true;
    } else if (arg == "--root") {
      TRY_ASSIGN(options.root, value());
    } else if (arg == "--socket") {
      TRY_ASSIGN(options.socketPath, value());
    } else if (arg == "--pid-file") {
      TRY_ASSIGN(options.pidFile, value());
    } else if (arg == "--host") {
      TRY_ASSIGN(options.host, value());
      if (options.host->empty())
        return badOption("option '--host' needs a non-empty name");
    } else if (arg == "--check-interval") {
      TRY_ASSIGN(std::string text, value());
      TRY_ASSIGN(options.checkInterval, parseNumber(arg, text, 1));
    } else if (arg == "--state-fd") {
      TRY_ASSIGN(std::string text, value());
      TRY_ASSIGN(options.stateFd, parseNumber(arg, text, 0));
    } else {
      return badOption("unknown option '" + args[i] + "'");
    }
  }
  return options;
}

std::vector<std::string> reexecArguments(const LockdOptions& options, int stateFd) {
  std::vector<std::string> args;
  auto add = [&](const char* name, const std::optional<std::string>& value) {
    if (value) {
      args.push_back(name);
      args.push_back(*value);
    }
  };
  add("--root", options.root);
  add("--socket", options.socketPath);
  add("--pid-file", options.pidFile);
  add("--host", options.host);
  args.push_back("--check-interval");
  args.push_back(std::to_string(options.checkInterval));
  args.push_back("--state-fd");
  args.push_back(std::to_string(stateFd));
  return args;
}

std::string lockdUsage() {
  return "Usage: virtus-lockd [--root DIR] [--socket PATH] [--pid-file PATH] [--host NAME]\n"
         "                    [--daemon] [--check-interval SECONDS]\n";
}

}  // namespace virtus::lockd
