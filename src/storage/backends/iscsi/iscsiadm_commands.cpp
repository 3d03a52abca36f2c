#include "storage/backends/iscsi/iscsiadm_commands.h"

#include <vector>

#include "common/sha256.h"

namespace virtus::storage::iscsi {

namespace {

os::Command iscsiadm(std::vector<std::string> args) {
  os::Command cmd;
  cmd.program = std::string(kIscsiadm);
  cmd.args = std::move(args);
  return cmd;
}

os::Command nodeCommand(std::string_view portal, std::string_view target, std::string_view op,
                        const std::optional<std::string>& iface) {
  os::Command cmd = iscsiadm({"--mode", "node", "--portal", std::string(portal), "--targetname",
                              std::string(target), std::string(op)});
  if (iface)
    cmd.args.insert(cmd.args.end(), {"--interface", *iface});
  return cmd;
}

}  // namespace

Result<std::string> portalOf(const model::PoolSource& source) {
  TRY_ASSIGN(std::string hostPort, hostPortOf(source));
  return hostPort + ",1";
}

std::string ifaceNameFor(std::string_view initiatorIqn) {
  return "libvirt-iface-" + sha256Hex(initiatorIqn).substr(0, 8);
}

os::Command buildSessionList() {
  return iscsiadm({"--mode", "session"});
}

os::Command buildRescan(std::string_view sessionId) {
  return iscsiadm({"--mode", "session", "-r", std::string(sessionId), "-R"});
}

os::Command buildNodeNew(std::string_view portal, std::string_view target) {
  return iscsiadm({"--mode", "node", "--portal", std::string(portal), "--targetname",
                   std::string(target), "--op", "new"});
}

os::Command buildNodeUpdate(std::string_view portal, std::string_view target, std::string_view name,
                            std::string_view value) {
  return iscsiadm({"--mode", "node", "--portal", std::string(portal), "--target",
                   std::string(target), "--op", "update", "--name", std::string(name), "--value",
                   std::string(value)});
}

os::Command buildIfaceList() {
  return iscsiadm({"--mode", "iface"});
}

os::Command buildIfaceNew(std::string_view iface) {
  return iscsiadm({"--mode", "iface", "--interface", std::string(iface), "--op", "new"});
}

os::Command buildIfaceSetInitiator(std::string_view iface, std::string_view initiatorIqn) {
  return iscsiadm({"--mode", "iface", "--interface", std::string(iface), "--op", "update", "--name",
                   "iface.initiatorname", "--value", std::string(initiatorIqn)});
}

os::Command buildDiscovery(std::string_view portal, bool persist,
                           const std::optional<std::string>& iface) {
  os::Command cmd =
      iscsiadm({"--mode", "discovery", "--type", "sendtargets", "--portal", std::string(portal)});
  if (!persist)
    cmd.args.insert(cmd.args.end(), {"--op", "nonpersistent"});
  if (iface)
    cmd.args.insert(cmd.args.end(), {"--interface", *iface});
  return cmd;
}

os::Command buildLogin(std::string_view portal, std::string_view target,
                       const std::optional<std::string>& iface) {
  return nodeCommand(portal, target, "--login", iface);
}

os::Command buildLogout(std::string_view portal, std::string_view target,
                        const std::optional<std::string>& iface) {
  return nodeCommand(portal, target, "--logout", iface);
}

}  // namespace virtus::storage::iscsi
