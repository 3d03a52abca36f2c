// Parsers of iscsiadm's output (open-iscsi 2.x), as libvirt 9.0's viriscsi.c reads it. Pure
// functions over the text a command printed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace virtus::storage::iscsi {

// One line of `iscsiadm --mode session`:
//   tcp: [3] 192.0.2.10:3260,1 iqn.2024-01.org.example:store (non-flash)
struct IscsiSession {
  std::string id;      // "3"
  std::string portal;  // "192.0.2.10:3260,1"
  std::string target;  // the target IQN
};

// The sessions over tcp; other lines (other transports, messages) are skipped, as libvirt's
// pattern skips them. Never fails: "no session" is an answer.
std::vector<IscsiSession> parseSessions(std::string_view output);
// The id of the first session to `target`; nullopt when there is none.
std::optional<std::string> sessionIdFor(std::string_view output, std::string_view target);

// One line of `iscsiadm --mode iface`:
//   NAME TRANSPORT,HWADDRESS,IPADDRESS,NETDEV,INITIATORNAME   (unset fields are "<empty>")
struct IscsiIface {
  std::string name;
  std::string initiatorName;
};

// Every interface record; VIR_ERR_INTERNAL_ERROR "malformed output of iscsiadm: LINE" for a
// line without the name and five comma-separated fields.
Result<std::vector<IscsiIface>> parseIfaces(std::string_view output);
// The name of the first interface whose initiator name is `initiatorIqn`.
std::optional<std::string> ifaceFor(const std::vector<IscsiIface>& ifaces,
                                    std::string_view initiatorIqn);

// The targets of `iscsiadm --mode discovery --type sendtargets`, one per line
// "ADDRESS:PORT,TPGT TARGET", in the order printed (a target announced on two portals comes
// twice, as in libvirt's list). VIR_ERR_INTERNAL_ERROR "malformed output of iscsiadm: LINE" for any
// other non-empty line (libvirt silently skips lines that are not two words).
Result<std::vector<std::string>> parseDiscovery(std::string_view output);

}  // namespace virtus::storage::iscsi
