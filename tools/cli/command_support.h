// Small pieces shared by the command groups: registration entry points, the
// --build/--overwrite/--no-overwrite trio, size arguments and reading definition files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/cli_context.h"
#include "common/result.h"

namespace CLI {
class App;
}

namespace virtus::cli {

// One entry point per command group; main() calls them all.
void addPoolCommands(CLI::App& app, CliContext& ctx);
void addPoolListCommand(CLI::App& app, CliContext& ctx);
void addPoolEditCommand(CLI::App& app, CliContext& ctx);
void addVolCommands(CLI::App& app, CliContext& ctx);
void addVolCreateCommands(CLI::App& app, CliContext& ctx);
void addVolStreamCommands(CLI::App& app, CliContext& ctx);
void addXmlCommands(CLI::App& app, CliContext& ctx);
void addDomainCommands(CLI::App& app, CliContext& ctx);
void addDomainListCommand(CLI::App& app, CliContext& ctx);
void addLockCommands(CLI::App& app, CliContext& ctx);  // lock_commands.cpp

inline void setResult(CliContext& ctx, bool ok) {
  if (!ok)
    ctx.markFailed();
}

// pool-create, pool-create-as, pool-start: --build [--overwrite | --no-overwrite].
struct BuildOptions {
  bool build = false;
  bool overwrite = false;
  bool noOverwrite = false;
  void addTo(CLI::App* cmd);
  // virStoragePoolCreateFlags; reports virsh's mutual-exclusion error.
  std::optional<unsigned> createFlags(CliContext& ctx) const;
};

// virsh's virshVolSize: "<digits>[unit]", default unit bytes. On failure reports
// "Malformed size TEXT" (and the unit error, as virsh does) and returns nullopt.
std::optional<std::uint64_t> parseVolSize(CliContext& ctx, std::string_view text);
// The same, without reporting: for tests and for callers with their own message.
Result<std::uint64_t> parseVolSizeText(std::string_view text);

// The whole of a definition file, or the read error reported.
std::optional<std::string> readDefinitionFile(CliContext& ctx, const std::string& path);

// Prints a document (XML, a command line) as the dump commands do: ended by a newline when
// it has none (nothing when empty). Reports the error instead when there is one.
bool printDocument(CliContext& ctx, const Result<std::string>& text);

}  // namespace virtus::cli
