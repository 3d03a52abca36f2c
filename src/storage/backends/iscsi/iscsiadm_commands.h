// The command lines of the `iscsi` pool backend, as libvirt 9.0 runs them (viriscsi.c,
// storage_backend_iscsi.c, virStorageFileGetSCSIKey, virWaitForDevices). Pure builders: the
// backend runs them through its CommandRunner.
//
//   portal   "HOST:PORT,1" (port 3260 when the pool gives none, "[HOST]:PORT,1" for IPv6):
//            libvirt passes the target portal group tag 1 with every portal
//   iface    "libvirt-iface-XXXXXXXX", an iscsiadm interface record carrying the pool's
//            <initiator><iqn>; XXXXXXXX is derived from the IQN (libvirt: random bits)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/command.h"
#include "storage/backends/iscsi/iscsi_sources.h"

namespace virtus::storage::iscsi {

inline constexpr std::string_view kIscsiadm = "iscsiadm";

// The portal iscsiadm takes: hostPortOf (iscsi_sources.h) with libvirt's ",1" tag.
Result<std::string> portalOf(const model::PoolSource& source);

// The interface record Virtus creates for an initiator IQN: the same IQN always gives the
// same name, so that a restarted daemon finds the record it made.
std::string ifaceNameFor(std::string_view initiatorIqn);

// iscsiadm --mode session
os::Command buildSessionList();
// iscsiadm --mode session -r SID -R (rescan the session's LUNs)
os::Command buildRescan(std::string_view sessionId);
// iscsiadm --mode node --portal P --targetname T --op new (a static node record)
os::Command buildNodeNew(std::string_view portal, std::string_view target);
// iscsiadm --mode node --portal P --target T --op update --name NAME --value VALUE
os::Command buildNodeUpdate(std::string_view portal, std::string_view target, std::string_view name,
                            std::string_view value);
// iscsiadm --mode iface
os::Command buildIfaceList();
// iscsiadm --mode iface --interface IFACE --op new
os::Command buildIfaceNew(std::string_view iface);
// iscsiadm --mode iface --interface IFACE --op update --name iface.initiatorname --value IQN
os::Command buildIfaceSetInitiator(std::string_view iface, std::string_view initiatorIqn);
// iscsiadm --mode discovery --type sendtargets --portal P [--op nonpersistent]
//          [--interface IFACE]
os::Command buildDiscovery(std::string_view portal, bool persist,
                           const std::optional<std::string>& iface);
// iscsiadm --mode node --portal P --targetname T --login|--logout [--interface IFACE]
os::Command buildLogin(std::string_view portal, std::string_view target,
                       const std::optional<std::string>& iface);
os::Command buildLogout(std::string_view portal, std::string_view target,
                        const std::optional<std::string>& iface);

}  // namespace virtus::storage::iscsi
