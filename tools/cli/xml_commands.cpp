#include "cli/xml_commands.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "model/storage/pool_type_name.h"
#include "model/storage/pool_xml.h"
#include "model/storage/vol_xml.h"
#include "storage/backends/fs/fs_commands.h"
#include "storage/backends/logical/lvm_commands.h"

namespace virtus::cli {

Result<std::string> formatPoolText(std::string_view poolXml) {
  TRY_ASSIGN(auto def, model::readPoolXml(poolXml));
  return model::formatPoolXml(def);
}

Result<std::string> formatVolText(std::string_view poolXml, std::string_view volXml,
                                  bool noCapacity) {
  TRY_ASSIGN(auto pool, model::readPoolXml(poolXml));
  model::VolParseFlags flags;
  flags.noCapacity = noCapacity;
  TRY_ASSIGN(auto vol, model::parseVolXml(pool, volXml, flags));
  return model::formatVolXml(pool, vol);
}

Result<std::string> poolStartArgvText(std::string_view poolXml) {
  TRY_ASSIGN(auto def, model::readPoolXml(poolXml));
  switch (def.type) {
    case model::PoolType::Fs:
    case model::PoolType::Netfs:
      TRY(storage::fs::checkMountSource(def));
      return storage::fs::buildMountCommand(def).toArgvText();
    case model::PoolType::Logical:
      return storage::logical::buildVgchangeCommand(def, true).toArgvText();
    default:
      return makeError(ErrorCode::OperationUnsupported, ErrorDomain::Storage,
                       "storage pool type '" + std::string(model::poolTypeName(def.type)) +
                           "' has no start command");
  }
}

namespace {

struct XmlOptions {
  std::string first;
  std::string second;
  bool noCapacity = false;
};

// `virtus xml NAME FILE`: prints what `format` makes of the pool definition in FILE.
void addPoolFileCommand(CLI::App* xml, CliContext& ctx, const char* name, const char* help,
                        Result<std::string> (*format)(std::string_view)) {
  auto o = std::make_shared<XmlOptions>();
  auto* cmd = xml->add_subcommand(name, help);
  cmd->add_option("file", o->first, "pool XML file")->required();
  cmd->callback([&ctx, o, format] {
    ctx.suppressTrailingNewline();
    auto text = readDefinitionFile(ctx, o->first);
    setResult(ctx, text && printDocument(ctx, format(*text)));
  });
}

}  // namespace

void addXmlCommands(CLI::App& app, CliContext& ctx) {
  auto* xml =
      app.add_subcommand("xml", "format definitions and show pool commands offline (Virtus)");
  xml->require_subcommand(1);
  addPoolFileCommand(xml, ctx, "pool", "parse a pool definition and print it as libvirt formats it",
                     formatPoolText);
  {
    auto o = std::make_shared<XmlOptions>();
    auto* cmd = xml->add_subcommand("vol", "parse a volume definition in a pool and print it");
    cmd->add_option("poolfile", o->first, "pool XML file")->required();
    cmd->add_option("volfile", o->second, "volume XML file")->required();
    cmd->add_flag("--no-capacity", o->noCapacity, "the volume may omit <capacity>");
    cmd->callback([&ctx, o] {
      ctx.suppressTrailingNewline();
      auto pool = readDefinitionFile(ctx, o->first);
      if (!pool)
        return setResult(ctx, false);
      auto vol = readDefinitionFile(ctx, o->second);
      setResult(ctx, vol && printDocument(ctx, formatVolText(*pool, *vol, o->noCapacity)));
    });
  }
  addPoolFileCommand(xml, ctx, "pool-argv", "print the command that starts the pool",
                     poolStartArgvText);
}

}  // namespace virtus::cli
