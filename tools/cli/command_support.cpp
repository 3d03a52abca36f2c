#include "cli/command_support.h"

#include <CLI/CLI.hpp>
#include <charconv>

#include "common/units.h"
#include "driver/storage_flags.h"
#include "os/file_system.h"

namespace virtus::cli {

void BuildOptions::addTo(CLI::App* cmd) {
  cmd->add_flag("--build", build, "build the pool as normal");
  cmd->add_flag("--no-overwrite", noOverwrite,
                "build the pool without overwriting the existing pool data");
  cmd->add_flag("--overwrite", overwrite, "build the pool and overwrite any existing data");
}

std::optional<unsigned> BuildOptions::createFlags(CliContext& ctx) const {
  if (overwrite && noOverwrite) {
    ctx.error("Options --overwrite and --no-overwrite are mutually exclusive");
    return std::nullopt;
  }
  unsigned flags = 0;
  if (build)
    flags |= driver::create_pool::kWithBuild;
  if (overwrite)
    flags |= driver::create_pool::kWithBuildOverwrite;
  if (noOverwrite)
    flags |= driver::create_pool::kWithBuildNoOverwrite;
  return flags;
}

Result<std::uint64_t> parseVolSizeText(std::string_view text) {
  std::uint64_t value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                     "invalid size '" + std::string(text) + "'");
  }
  return scaleInteger(value, std::string_view(ptr, static_cast<std::size_t>(end - ptr)));
}

std::optional<std::uint64_t> parseVolSize(CliContext& ctx, std::string_view text) {
  std::uint64_t value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin) {
    // virsh: a number that does not parse has no library error to add.
    ctx.error("Malformed size " + std::string(text));
    return std::nullopt;
  }
  auto scaled = scaleInteger(value, std::string_view(ptr, static_cast<std::size_t>(end - ptr)));
  if (!scaled) {
    ctx.fail("Malformed size " + std::string(text), scaled.error());
    return std::nullopt;
  }
  return *scaled;
}

std::optional<std::string> readDefinitionFile(CliContext& ctx, const std::string& path) {
  auto content = ctx.fs().readFile(path);
  if (!content) {
    // virsh reads the file itself (virFileReadAll), which words an open failure
    // "Failed to open file 'PATH': REASON"; keep the host's reason, use virsh's wording.
    Error cause = content.error();
    const std::string ours = "cannot open file '" + path + "'";
    if (cause.message.rfind(ours, 0) == 0) {
      cause.message = "Failed to open file '" + path + "'" + cause.message.substr(ours.size());
    }
    ctx.reportError(cause);
    return std::nullopt;
  }
  return std::move(content).value();
}

bool printDocument(CliContext& ctx, const Result<std::string>& text) {
  if (!text) {
    ctx.reportError(text.error());
    return false;
  }
  ctx.out() << *text;
  if (!text->empty() && text->back() != '\n')
    ctx.out() << '\n';
  return true;
}

}  // namespace virtus::cli
