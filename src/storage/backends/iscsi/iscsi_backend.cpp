#include "storage/backends/iscsi/iscsi_backend.h"

#include <algorithm>
#include <chrono>

#include "common/check_flags.h"
#include "os/command_runner.h"
#include "storage/backends/iscsi/iscsi_sources.h"
#include "storage/backends/iscsi/iscsi_sysfs.h"
#include "storage/backends/iscsi/iscsiadm_commands.h"
#include "storage/backends/iscsi/iscsiadm_output.h"
#include "storage/backends/scsi/scsi_commands.h"
#include "storage/backends/scsi/scsi_lun_volumes.h"
#include "storage/pool_secret.h"

namespace virtus::storage {

StorageBackendPtr makeIscsiBackend(const BackendContext& ctx) {
  return std::make_unique<iscsi::IscsiBackend>(ctx, HostRoots{});
}

namespace iscsi {

namespace {

// Waiting for udev: long enough for a target with many LUNs, bounded all the same.
constexpr std::chrono::milliseconds kUdevSettleTimeout{30000};

Error storageError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Storage, std::move(message));
}

std::string trimmedEnd(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// Overwrites a secret before its memory is released (libvirt's virSecureErase).
void secureErase(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i)
    p[i] = 0;
  s.clear();
}

// The pool's one host and one target, as libvirt checks them before start and check.
Result<void> checkSource(const model::PoolDef& def) {
  if (def.source.hosts.size() != 1)
    return storageError(ErrorCode::ConfigUnsupported,
                        "Expected exactly 1 host for the storage pool");
  if (def.source.hosts.front().name.empty())
    return storageError(ErrorCode::InternalError, "missing source host");
  if (def.source.devices.size() != 1 || def.source.devices.front().path.empty())
    return storageError(ErrorCode::InternalError, "missing source device");
  return ok();
}

const std::string& targetOf(const model::PoolDef& def) {
  return def.source.devices.front().path;
}

std::optional<std::string> initiatorOf(const model::PoolSource& source) {
  if (source.initiatorIqn.empty())
    return std::nullopt;
  return source.initiatorIqn;
}

}  // namespace

IscsiBackend::IscsiBackend(const BackendContext& ctx, HostRoots roots)
    : ctx_(ctx), roots_(std::move(roots)) {}

BackendFeatures IscsiBackend::features() const {
  BackendFeatures f;
  f.startPool = true;
  f.stopPool = true;
  f.findPoolSources = true;
  return f;
}

Result<std::optional<std::string>> IscsiBackend::sessionOf(const std::string& target,
                                                           std::string* stderrOut) {
  // iscsiadm exits 21 ("No active sessions.") when there is none: an answer, not a failure.
  TRY_ASSIGN(os::CommandOutput out, ctx_.commands.run(buildSessionList()));
  if (stderrOut)
    *stderrOut = trimmedEnd(out.err);
  return sessionIdFor(out.out, target);
}

Result<void> IscsiBackend::createNode(const std::string& portal, const std::string& target) {
  auto out = ctx_.commands.run(buildNodeNew(portal, target));
  if (!out) {
    if (out.error().code == ErrorCode::OperationTimeout)
      return std::move(out).error();
    return storageError(ErrorCode::InternalError,
                        "Failed new node mode for target '" + target + "'");
  }
  if (out->exitStatus != 0)
    return storageError(ErrorCode::InternalError,
                        std::string(kIscsiadm) + " failed new mode for target '" + target +
                            "' with status '" + std::to_string(out->exitStatus) + "'");
  return ok();
}

Result<void> IscsiBackend::updateNode(const std::string& portal, const std::string& target,
                                      const std::string& name, std::string value, bool secret) {
  os::Command cmd = buildNodeUpdate(portal, target, name, value);
  if (secret)
    secureErase(value);
  auto out = ctx_.commands.run(cmd);
  if (secret) {
    for (std::string& arg : cmd.args)
      secureErase(arg);
  }
  // Our own sentences only: the runner's messages quote the command line, value and all.
  const std::string failed =
      "Failed to update '" + name + "' of node mode for target '" + target + "'";
  if (!out)
    return storageError(out.error().code == ErrorCode::OperationTimeout
                            ? ErrorCode::OperationTimeout
                            : ErrorCode::InternalError,
                        failed);
  if (out->exitStatus != 0) {
    std::string err = trimmedEnd(out->err);
    return storageError(ErrorCode::InternalError, failed + ": " + std::string(kIscsiadm) +
                                                      " exited with status " +
                                                      std::to_string(out->exitStatus) +
                                                      (secret || err.empty() ? "" : ": " + err));
  }
  return ok();
}

Result<void> IscsiBackend::setAuth(const model::PoolDef& def, const std::string& portal) {
  const auto& auth = def.source.auth;
  if (!auth || auth->type.empty() || auth->type == "none")
    return ok();
  if (auth->type != "chap")
    return makeError(ErrorCode::XmlError, ErrorDomain::Storage,
                     "iscsi pool only supports 'chap' auth type");
  TRY_ASSIGN(std::string password, poolAuthSecret(ctx_, def, driver::SecretUsageType::Iscsi));
  const std::string& target = targetOf(def);
  auto result = [&]() -> Result<void> {
    TRY(updateNode(portal, target, "node.session.auth.authmethod", "CHAP", false));
    TRY(updateNode(portal, target, "node.session.auth.username", auth->username, false));
    return updateNode(portal, target, "node.session.auth.password", password, true);
  }();
  secureErase(password);
  return result;
}

Result<std::optional<std::string>> IscsiBackend::findIface(const std::string& initiatorIqn) {
  TRY_ASSIGN(os::CommandOutput out, os::runChecked(ctx_.commands, buildIfaceList()));
  TRY_ASSIGN(auto ifaces, parseIfaces(out.out));
  return ifaceFor(ifaces, initiatorIqn);
}

Result<std::string> IscsiBackend::ensureIface(const std::string& portal,
                                              const std::string& initiatorIqn) {
  TRY_ASSIGN(auto found, findIface(initiatorIqn));
  if (found)
    return *found;
  const std::string name = ifaceNameFor(initiatorIqn);
  // As libvirt, the exit statuses of these two are not judged (old iscsiadm versions fail
  // on success): the listing after them is.
  if (auto made = ctx_.commands.run(buildIfaceNew(name)); !made) {
    if (made.error().code == ErrorCode::OperationTimeout)
      return std::move(made).error();
    return storageError(
        ErrorCode::InternalError,
        "Failed to run command '" + std::string(kIscsiadm) + "' to create new iscsi interface");
  }
  if (auto set = ctx_.commands.run(buildIfaceSetInitiator(name, initiatorIqn)); !set) {
    if (set.error().code == ErrorCode::OperationTimeout)
      return std::move(set).error();
    return storageError(ErrorCode::InternalError,
                        "Failed to run command '" + std::string(kIscsiadm) +
                            "' to update iscsi interface with IQN '" + initiatorIqn + "'");
  }
  TRY_ASSIGN(found, findIface(initiatorIqn));
  if (!found)
    return storageError(ErrorCode::InternalError, "Failed to find interface '" + name +
                                                      "' with IQN '" + initiatorIqn +
                                                      "' after attempting to create it");
  // iscsiadm knows no node of the target through a new interface until a sendtargets
  // discovery over it has recorded them ("No records found" otherwise).
  TRY(os::runChecked(ctx_.commands, buildDiscovery(portal, /*persist=*/true, *found)));
  return *found;
}

Result<bool> IscsiBackend::checkPool(const PoolRuntime& pool) {
  TRY(checkSource(pool.def));
  TRY_ASSIGN(auto session, sessionOf(targetOf(pool.def)));
  return session.has_value();
}

Result<void> IscsiBackend::startPool(PoolRuntime& pool) {
  const model::PoolDef& def = pool.def;
  TRY(checkSource(def));
  const std::string& target = targetOf(def);
  TRY_ASSIGN(auto existing, sessionOf(target));
  if (existing)
    return ok();
  TRY_ASSIGN(std::string portal, portalOf(def.source));
  TRY(createNode(portal, target));
  TRY(setAuth(def, portal));
  std::optional<std::string> iface;
  if (auto iqn = initiatorOf(def.source)) {
    TRY_ASSIGN(iface, ensureIface(portal, *iqn));
  }
  TRY(os::runChecked(ctx_.commands, buildLogin(portal, target, iface)));

  // Logged in: from here on a failure logs out again, leaving the host as it was.
  std::string said;
  auto session = sessionOf(target, &said);
  if (session && *session)
    return ok();
  Error error =
      session ? storageError(ErrorCode::InternalError, "cannot find iscsiadm session: " + said)
              : std::move(session).error();
  (void)ctx_.commands.run(buildLogout(portal, target, iface));
  return error;
}

Result<void> IscsiBackend::stopPool(PoolRuntime& pool) {
  const model::PoolDef& def = pool.def;
  TRY(checkSource(def));
  const std::string& target = targetOf(def);
  TRY_ASSIGN(auto session, sessionOf(target));
  if (!session)
    return ok();
  TRY_ASSIGN(std::string portal, portalOf(def.source));
  std::optional<std::string> iface;
  if (auto iqn = initiatorOf(def.source)) {
    TRY_ASSIGN(iface, findIface(*iqn));
  }
  TRY(os::runChecked(ctx_.commands, buildLogout(portal, target, iface)));
  return ok();
}

Result<void> IscsiBackend::refreshPool(PoolRuntime& pool) {
  model::PoolDef& def = pool.def;
  def.capacity = def.allocation = def.available = 0;
  TRY(checkSource(def));
  std::string said;
  TRY_ASSIGN(auto session, sessionOf(targetOf(def), &said));
  if (!session)
    return storageError(ErrorCode::InternalError, "cannot find iscsiadm session: " + said);
  TRY(os::runChecked(ctx_.commands, buildRescan(*session)));
  // Best effort, as libvirt's virWaitForDevices: without udev there is nothing to wait for.
  (void)ctx_.commands.run(scsi::buildUdevSettle(kUdevSettleTimeout));
  TRY_ASSIGN(unsigned host, sessionHost(ctx_.fs, roots_.sys, *session));
  return scsi::refreshFromScsiHost(
      scsi::LunHost{ctx_.fs, ctx_.commands, roots_.dev, ctx_.networkTimeout}, roots_.sys, host,
      pool);
}

Result<std::string> IscsiBackend::findPoolSources(std::string_view srcSpecXml, unsigned flags) {
  TRY(checkFlags(flags, 0, "virStorageBackendISCSIFindPoolSources", ErrorDomain::Storage));
  TRY_ASSIGN(model::PoolSource spec, parseSourceSpec(srcSpecXml));
  TRY_ASSIGN(std::string portal, portalOf(spec));
  // libvirt lists the sources with the port it used, the default one included.
  if (!spec.hosts.front().port || *spec.hosts.front().port == 0)
    spec.hosts.front().port = kDefaultIscsiPort;
  std::optional<std::string> iface;
  if (auto iqn = initiatorOf(spec)) {
    TRY_ASSIGN(iface, findIface(*iqn));
    if (!iface)
      return storageError(ErrorCode::OperationFailed, "no iSCSI interface defined for IQN " + *iqn);
  }
  TRY_ASSIGN(os::CommandOutput out,
             os::runChecked(ctx_.commands, buildDiscovery(portal, /*persist=*/false, iface)));
  TRY_ASSIGN(auto targets, parseDiscovery(out.out));
  return formatSourceList(spec, targets);
}

}  // namespace iscsi
}  // namespace virtus::storage
