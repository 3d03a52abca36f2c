// Domain commands over a daemon connection: define, undefine, start, destroy, shutdown,
// reboot, reset, suspend, resume, autostart, dominfo, domstate, dumpxml, domid, domuuid,
// domname, attach-device, detach-device, domblkinfo (list is in domain_list.cpp). Messages
// and output are virsh 9.0's.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/cli_context.h"
#include "cli/command_support.h"
#include "cli/domain_format.h"
#include "cli/domain_lookup.h"
#include "driver/domain_flags.h"
#include "remote/remote_domain_driver.h"

namespace virtus::cli {

namespace {

using driver::DomainDriver;
using driver::DomainHandle;

struct DomainOptions {
  std::string domain;
  std::string file;  // define, attach-device, detach-device
  std::string disk;  // domblkinfo
  // Per command: --paused, --graceful, --disable, --reason, --inactive, --human, --validate.
  bool flagA = false;
  bool json = false;
  bool securityInfo = false;                                               // dumpxml
  bool live = false, config = false, persistent = false, current = false;  // devices
};

// Runs `fn` on the guest the option names; reports lookup failures.
template <class Fn>
bool withDomain(CliContext& ctx, const std::string& text, Fn&& fn, unsigned how = domain_by::kAny) {
  auto* domains = ctx.domains();
  if (!domains)
    return false;
  auto dom = findDomain(ctx, *domains, text, how);
  if (!dom)
    return false;
  return fn(*domains, *dom);
}

bool domainDefine(CliContext& ctx, const DomainOptions& o) {
  auto xml = readDefinitionFile(ctx, o.file);
  if (!xml)
    return false;
  auto* domains = ctx.domains();
  if (!domains)
    return false;
  auto dom = domains->defineDomain(*xml, o.flagA ? driver::define_domain::kValidate : 0);
  if (!dom)
    return ctx.fail("Failed to define domain from " + o.file, dom.error());
  ctx.printExtra("Domain '" + dom->name + "' defined from " + o.file + "\n");
  return true;
}

bool domainStart(CliContext& ctx, const DomainOptions& o) {
  return withDomain(
      ctx, o.domain,
      [&](DomainDriver& d, const DomainHandle& dom) {
        if (dom.id >= 0) {
          ctx.error("Domain is already active");
          return false;
        }
        auto started = d.startDomain(dom, o.flagA ? driver::start_domain::kPaused : 0);
        if (!started)
          return ctx.fail("Failed to start domain '" + dom.name + "'", started.error());
        ctx.printExtra("Domain '" + dom.name + "' started\n");
        return true;
      },
      domain_by::kUuid | domain_by::kName);
}

// The commands that call the driver once and print "Domain 'NAME' <done>".
using DomainAction = Result<void> (*)(DomainDriver&, const DomainHandle&, const DomainOptions&);

struct PlainDomainCommand {
  const char* name;
  const char* help;
  DomainAction action;
  const char* failVerb;  // "Failed to <verb> domain 'NAME'"
  const char* doneText;  // "Domain 'NAME' <done>"
};

bool plainDomainCommand(CliContext& ctx, const DomainOptions& o, const PlainDomainCommand& c) {
  return withDomain(ctx, o.domain, [&](DomainDriver& d, const DomainHandle& dom) {
    auto done = c.action(d, dom, o);
    if (!done)
      return ctx.fail("Failed to " + std::string(c.failVerb) + " domain '" + o.domain + "'",
                      done.error());
    ctx.printExtra("Domain '" + o.domain + "' " + c.doneText + "\n");
    return true;
  });
}

bool domainAutostart(CliContext& ctx, const DomainOptions& o) {
  const bool enable = !o.flagA;
  return withDomain(ctx, o.domain, [&](DomainDriver& d, const DomainHandle& dom) {
    auto done = d.setDomainAutostart(dom, enable);
    if (!done) {
      return ctx.fail(std::string(enable ? "Failed to mark" : "Failed to unmark") + " domain '" +
                          o.domain + "' as autostarted",
                      done.error());
    }
    ctx.printExtra("Domain '" + o.domain + (enable ? "' marked" : "' unmarked") +
                   " as autostarted\n");
    return true;
  });
}

// What virsh's dominfo asks, in its order. The questions beyond driver::DomainDriver are
// asked of the remote driver (the only one the CLI meets); a question a daemon does not
// answer leaves its line out, as virsh does.
DomainInfoView gatherDomainInfo(DomainDriver& d, const DomainHandle& dom,
                                std::optional<Error>& failure) {
  DomainInfoView v;
  v.handle = dom;
  auto* remote = dynamic_cast<remote::RemoteDomainDriver*>(&d);
  if (remote) {
    if (auto os = remote->osType(dom))
      v.osType = *os;
  }
  if (auto info = d.domainInfo(dom))
    v.info = *info;
  else
    failure = info.error();
  if (auto persistent = d.domainIsPersistent(dom))
    v.persistent = *persistent;
  if (auto autostart = d.domainAutostart(dom))
    v.autostart = *autostart;
  if (!remote)
    return v;
  if (auto saved = remote->hasManagedSaveImage(dom))
    v.managedSave = *saved;
  if (auto model = remote->nodeSecurityModel(); model && !model->model.empty()) {
    v.securityModel = model->model;
    v.securityDoi = model->doi;
    if (auto label = remote->securityLabel(dom)) {
      v.securityLabel = label->label;
      v.securityEnforcing = label->enforcing;
    }
  }
  if (auto messages = remote->messages(dom))
    v.messages = *messages;
  return v;
}

bool domainInfo(CliContext& ctx, const DomainOptions& o) {
  if (o.json)
    ctx.suppressTrailingNewline();
  return withDomain(ctx, o.domain, [&](DomainDriver& d, const DomainHandle& dom) {
    std::optional<Error> failure;
    DomainInfoView view = gatherDomainInfo(d, dom, failure);
    if (o.json)
      ctx.out() << domainInfoJson(view).dump(2) << '\n';
    else
      ctx.out() << renderDomainInfo(view);
    // As virsh: the lines it could print, then the error of virDomainGetInfo.
    if (failure)
      ctx.reportError(*failure);
    return !failure;
  });
}

bool domainState(CliContext& ctx, const DomainOptions& o) {
  return withDomain(ctx, o.domain, [&](DomainDriver& d, const DomainHandle& dom) {
    auto state = d.domainState(dom);
    if (!state) {
      ctx.reportError(state.error());
      return false;
    }
    ctx.out() << domainStateLine(*state, o.flagA);
    return true;
  });
}

bool domainDumpXml(CliContext& ctx, const DomainOptions& o) {
  return withDomain(ctx, o.domain, [&](DomainDriver& d, const DomainHandle& dom) {
    unsigned flags = 0;
    if (o.flagA)
      flags |= driver::domain_xml::kInactive;
    if (o.securityInfo)
      flags |= driver::domain_xml::kSecure;
    return printDocument(ctx, d.domainXml(dom, flags));
  });
}

// attach-device / detach-device: virsh's flag rules. With no option at all, the live guest
// (what virDomainAttachDevice means; its procedure is not in Virtus's table).
std::optional<unsigned> deviceFlags(CliContext& ctx, const DomainOptions& o, DomainDriver& d,
                                    const DomainHandle& dom) {
  auto exclusive = [&](bool a, const char* na, bool b, const char* nb) {
    if (a && b)
      ctx.error(std::string("Options --") + na + " and --" + nb + " are mutually exclusive");
    return a && b;
  };
  if (exclusive(o.persistent, "persistent", o.current, "current") ||
      exclusive(o.current, "current", o.live, "live") ||
      exclusive(o.current, "current", o.config, "config"))
    return std::nullopt;
  unsigned flags = driver::affect::kCurrent;
  if (o.config || o.persistent)
    flags |= driver::affect::kConfig;
  if (o.live)
    flags |= driver::affect::kLive;
  if (o.persistent && d.domainIsActive(dom).value_or(false))
    flags |= driver::affect::kLive;
  if (flags == driver::affect::kCurrent && !o.current)
    flags = driver::affect::kLive;
  return flags;
}

bool domainDevice(CliContext& ctx, const DomainOptions& o, bool attach) {
  return withDomain(ctx, o.domain, [&](DomainDriver& d, const DomainHandle& dom) {
    auto flags = deviceFlags(ctx, o, d, dom);
    if (!flags)
      return false;
    auto xml = readDefinitionFile(ctx, o.file);
    if (!xml)
      return false;
    auto done = attach ? d.attachDevice(dom, *xml, *flags) : d.detachDevice(dom, *xml, *flags);
    if (!done) {
      return ctx.fail(
          std::string(attach ? "Failed to attach" : "Failed to detach") + " device from " + o.file,
          done.error());
    }
    ctx.printExtra(attach ? "Device attached successfully\n" : "Device detached successfully\n");
    return true;
  });
}

bool domainBlockInfo(CliContext& ctx, const DomainOptions& o) {
  return withDomain(ctx, o.domain, [&](DomainDriver& d, const DomainHandle& dom) {
    auto info = d.blockInfo(dom, o.disk);
    if (!info) {
      ctx.reportError(info.error());
      return false;
    }
    ctx.out() << renderBlockInfo(*info, o.flagA);
    return true;
  });
}

CLI::App* domainCommand(CLI::App& app, const char* name, const char* help, DomainOptions& o,
                        const char* what = "domain name, id or uuid") {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("domain,--domain", o.domain, what)->required();
  return cmd;
}

template <class Fn>
void onRun(CLI::App* cmd, CliContext& ctx, std::shared_ptr<DomainOptions> o, Fn fn) {
  cmd->callback([&ctx, o, fn] { setResult(ctx, fn(ctx, *o)); });
}

}  // namespace

void addDomainCommands(CLI::App& app, CliContext& ctx) {
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = app.add_subcommand("define", "define (but don't start) a domain from an XML file");
    cmd->add_option("file,--file", o->file, "file containing an XML domain description")
        ->required();
    cmd->add_flag("--validate", o->flagA, "validate the XML against the schema");
    onRun(cmd, ctx, o, domainDefine);
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "start", "start a (previously defined) inactive domain", *o,
                              "name of the inactive domain");
    cmd->add_flag("--paused", o->flagA, "leave the guest paused after start");
    onRun(cmd, ctx, o, domainStart);
  }
  static constexpr PlainDomainCommand kPlainCommands[] = {
      {"undefine", "undefine a domain",
       [](DomainDriver& d, const DomainHandle& h, const DomainOptions&) {
         return d.undefineDomain(h, 0);
       },
       "undefine", "has been undefined"},
      {"destroy", "destroy (stop) a domain",
       [](DomainDriver& d, const DomainHandle& h, const DomainOptions& o) {
         return d.destroyDomain(h, o.flagA ? driver::destroy_domain::kGraceful : 0);
       },
       "destroy", "destroyed"},
      {"shutdown", "gracefully shutdown a domain",
       [](DomainDriver& d, const DomainHandle& h, const DomainOptions&) {
         return d.shutdownDomain(h, 0);
       },
       "shutdown", "is being shutdown"},
      {"reboot", "reboot a domain",
       [](DomainDriver& d, const DomainHandle& h, const DomainOptions&) {
         return d.rebootDomain(h, 0);
       },
       "reboot", "is being rebooted"},
      {"reset", "reset a domain",
       [](DomainDriver& d, const DomainHandle& h, const DomainOptions&) {
         return d.resetDomain(h);
       },
       "reset", "was reset"},
      {"suspend", "suspend a domain",
       [](DomainDriver& d, const DomainHandle& h, const DomainOptions&) {
         return d.suspendDomain(h);
       },
       "suspend", "suspended"},
      {"resume", "resume a domain",
       [](DomainDriver& d, const DomainHandle& h, const DomainOptions&) {
         return d.resumeDomain(h);
       },
       "resume", "resumed"},
  };
  for (const PlainDomainCommand& plain : kPlainCommands) {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, plain.name, plain.help, *o);
    if (std::string_view(plain.name) == "destroy")
      cmd->add_flag("--graceful", o->flagA, "terminate gracefully");
    onRun(cmd, ctx, o, [&plain](CliContext& c, const DomainOptions& p) {
      return plainDomainCommand(c, p, plain);
    });
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "autostart", "autostart a domain", *o);
    cmd->add_flag("--disable", o->flagA, "disable autostarting");
    onRun(cmd, ctx, o, domainAutostart);
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "dominfo", "domain information", *o);
    cmd->add_flag("--json", o->json, "print the information as a JSON object (Virtus)");
    onRun(cmd, ctx, o, domainInfo);
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "domstate", "domain state", *o);
    cmd->add_flag("--reason", o->flagA, "also print reason for the state");
    onRun(cmd, ctx, o, domainState);
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "dumpxml", "domain information in XML", *o);
    cmd->add_flag("--inactive", o->flagA, "show inactive defined XML");
    cmd->add_flag("--security-info", o->securityInfo,
                  "include security sensitive information in XML dump");
    onRun(cmd, ctx, o, domainDumpXml);
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "domid", "convert a domain name or UUID to domain id", *o,
                              "domain name or uuid");
    onRun(cmd, ctx, o, [](CliContext& c, const DomainOptions& p) {
      return withDomain(
          c, p.domain,
          [&](DomainDriver&, const DomainHandle& h) {
            c.out() << (h.id < 0 ? std::string("-") : std::to_string(h.id)) << '\n';
            return true;
          },
          domain_by::kName | domain_by::kUuid);
    });
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "domuuid", "convert a domain name or id to domain UUID", *o,
                              "domain id or name");
    onRun(cmd, ctx, o, [](CliContext& c, const DomainOptions& p) {
      return withDomain(
          c, p.domain,
          [&](DomainDriver&, const DomainHandle& h) {
            c.out() << h.uuid.str() << '\n';
            return true;
          },
          domain_by::kId | domain_by::kName);
    });
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "domname", "convert a domain id or UUID to domain name", *o,
                              "domain id or uuid");
    onRun(cmd, ctx, o, [](CliContext& c, const DomainOptions& p) {
      return withDomain(
          c, p.domain,
          [&](DomainDriver&, const DomainHandle& h) {
            c.out() << h.name << '\n';
            return true;
          },
          domain_by::kId | domain_by::kUuid);
    });
  }
  for (bool attach : {true, false}) {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(
        app, attach ? "attach-device" : "detach-device",
        attach ? "attach device from an XML file" : "detach device from an XML file", *o);
    cmd->add_option("file,--file", o->file, "XML file")->required();
    cmd->add_flag("--persistent", o->persistent, "make live change persistent");
    cmd->add_flag("--config", o->config, "affect next boot");
    cmd->add_flag("--live", o->live, "affect running domain");
    cmd->add_flag("--current", o->current, "affect current domain");
    cmd->callback([&ctx, o, attach] { setResult(ctx, domainDevice(ctx, *o, attach)); });
  }
  {
    auto o = std::make_shared<DomainOptions>();
    auto* cmd = domainCommand(app, "domblkinfo", "domain block device size information", *o);
    cmd->add_option("device,--device", o->disk, "block device")->required();
    cmd->add_flag("--human", o->flagA, "Human readable output");
    onRun(cmd, ctx, o, domainBlockInfo);
  }
  addDomainListCommand(app, ctx);
}

}  // namespace virtus::cli
