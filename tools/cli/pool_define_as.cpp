#include "cli/pool_define_as.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "driver/storage_flags.h"

namespace virtus::cli {

Result<std::string> buildPoolXml(const PoolAsArgs& a) {
  if (a.secretUsage && a.secretUuid) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                     "Options --secret-usage and --secret-uuid are mutually exclusive");
  }
  const bool fcHost = a.adapterWwnn && a.adapterWwpn;
  std::string x = "<pool type='" + a.type + "'>\n";
  x += "  <name>" + a.name + "</name>\n";
  if (a.sourceHost || a.sourcePath || a.sourceDev || a.sourceInitiator || a.sourceFormat ||
      a.sourceName || fcHost || a.adapterName) {
    x += "  <source>\n";
    if (a.sourceHost)
      x += "    <host name='" + *a.sourceHost + "'/>\n";
    if (a.sourcePath)
      x += "    <dir path='" + *a.sourcePath + "'/>\n";
    if (a.sourceDev)
      x += "    <device path='" + *a.sourceDev + "'/>\n";
    if (a.sourceInitiator) {
      x += "    <initiator>\n      <iqn name='" + *a.sourceInitiator + "'/>\n    </initiator>\n";
    }
    if (fcHost) {
      x += "    <adapter type='fc_host'";
      if (a.adapterParent) {
        x += " parent='" + *a.adapterParent + "'";
      } else if (a.adapterParentWwnn && a.adapterParentWwpn) {
        x += " parent_wwnn='" + *a.adapterParentWwnn + "' parent_wwpn='" + *a.adapterParentWwpn +
             "'";
      } else if (a.adapterParentFabricWwn) {
        x += " parent_fabric_wwn='" + *a.adapterParentFabricWwn + "'";
      }
      x += " wwnn='" + *a.adapterWwnn + "' wwpn='" + *a.adapterWwpn + "'/>\n";
    } else if (a.adapterName) {
      x += "    <adapter type='scsi_host' name='" + *a.adapterName + "'/>\n";
    }
    if (a.authType && a.authUsername && (a.secretUsage || a.secretUuid)) {
      x += "    <auth type='" + *a.authType + "' username='" + *a.authUsername + "'>\n";
      if (a.secretUsage) {
        x += "      <secret usage='" + *a.secretUsage + "'/>\n";
      } else {
        x += "      <secret uuid='" + *a.secretUuid + "'/>\n";
      }
      x += "    </auth>\n";
    }
    if (a.sourceFormat)
      x += "    <format type='" + *a.sourceFormat + "'/>\n";
    if (a.sourceName)
      x += "    <name>" + *a.sourceName + "</name>\n";
    if (a.sourceProtocolVer)
      x += "    <protocol ver='" + *a.sourceProtocolVer + "'/>\n";
    x += "  </source>\n";
  }
  if (a.target)
    x += "  <target>\n    <path>" + *a.target + "</path>\n  </target>\n";
  x += "</pool>\n";
  return x;
}

namespace {

struct PoolAsOptions {
  PoolAsArgs args;
  bool printXml = false;
  BuildOptions build;
};

void addArgs(CLI::App* cmd, PoolAsOptions& o) {
  PoolAsArgs& a = o.args;
  cmd->add_option("name,--name", a.name, "name of the pool")->required();
  cmd->add_option("type,--type", a.type, "type of the pool")->required();
  cmd->add_flag("--print-xml", o.printXml, "print XML document, but don't define/create");
  // virsh accepts these five positionally too, in this order.
  cmd->add_option("source-host,--source-host", a.sourceHost, "source-host for underlying storage");
  cmd->add_option("source-path,--source-path", a.sourcePath, "source path for underlying storage");
  cmd->add_option("source-dev,--source-dev", a.sourceDev, "source device for underlying storage");
  cmd->add_option("source-name,--source-name", a.sourceName, "source name for underlying storage");
  cmd->add_option("target,--target", a.target, "target for underlying storage");
  cmd->add_option("--source-format", a.sourceFormat, "format for underlying storage");
  cmd->add_option("--auth-type", a.authType, "auth type to be used for underlying storage");
  cmd->add_option("--auth-username", a.authUsername,
                  "auth username to be used for underlying storage");
  cmd->add_option("--secret-usage", a.secretUsage,
                  "auth secret usage to be used for underlying storage");
  cmd->add_option("--secret-uuid", a.secretUuid,
                  "auth secret UUID to be used for underlying storage");
  cmd->add_option("--adapter-name", a.adapterName,
                  "adapter name to be used for underlying storage");
  cmd->add_option("--adapter-wwnn", a.adapterWwnn,
                  "adapter wwnn to be used for underlying storage");
  cmd->add_option("--adapter-wwpn", a.adapterWwpn,
                  "adapter wwpn to be used for underlying storage");
  cmd->add_option("--adapter-parent", a.adapterParent,
                  "adapter parent scsi_hostN to be used for underlying vHBA storage");
  cmd->add_option("--adapter-parent-wwnn", a.adapterParentWwnn,
                  "adapter parent scsi_hostN wwnn to be used for underlying vHBA storage");
  cmd->add_option("--adapter-parent-wwpn", a.adapterParentWwpn,
                  "adapter parent scsi_hostN wwpn to be used for underlying vHBA storage");
  cmd->add_option("--adapter-parent-fabric-wwn", a.adapterParentFabricWwn,
                  "adapter parent scsi_hostN fabric_wwn to be used for underlying vHBA storage");
  cmd->add_option("--source-protocol-ver", a.sourceProtocolVer,
                  "nfsvers value for NFS pool mount option");
  cmd->add_option("--source-initiator", a.sourceInitiator, "initiator iqn for underlying storage");
}

bool runDefineAs(CliContext& ctx, const PoolAsOptions& o, bool create) {
  auto xml = buildPoolXml(o.args);
  if (!xml) {
    ctx.error(xml.error().message);
    return false;
  }
  if (o.printXml) {
    ctx.out() << *xml;
    return true;
  }
  unsigned flags = 0;
  if (create) {
    auto built = o.build.createFlags(ctx);
    if (!built)
      return false;
    flags = *built;
  }
  auto* storage = ctx.storage();
  if (!storage)
    return false;
  if (create) {
    auto pool = storage->createPool(*xml, flags);
    if (!pool)
      return ctx.fail("Failed to create pool " + o.args.name, pool.error());
    ctx.printExtra("Pool " + o.args.name + " created\n");
  } else {
    auto pool = storage->definePool(*xml, 0);
    if (!pool)
      return ctx.fail("Failed to define pool " + o.args.name, pool.error());
    ctx.printExtra("Pool " + o.args.name + " defined\n");
  }
  return true;
}

}  // namespace

void addPoolDefineAsCommands(CLI::App& app, CliContext& ctx) {
  {
    auto o = std::make_shared<PoolAsOptions>();
    auto* cmd = app.add_subcommand("pool-define-as", "define a pool from a set of args");
    addArgs(cmd, *o);
    cmd->callback([&ctx, o] { setResult(ctx, runDefineAs(ctx, *o, false)); });
  }
  {
    auto o = std::make_shared<PoolAsOptions>();
    auto* cmd = app.add_subcommand("pool-create-as", "create a pool from a set of args");
    addArgs(cmd, *o);
    o->build.addTo(cmd);
    cmd->callback([&ctx, o] { setResult(ctx, runDefineAs(ctx, *o, true)); });
  }
}

}  // namespace virtus::cli
