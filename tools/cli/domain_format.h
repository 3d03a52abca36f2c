// How the domain commands print what they gathered: virsh's words for states and reasons,
// the `list` renderings, the dominfo and domblkinfo lines, and the --json views (schemas in
// docs/cli.md). Pure: the commands gather the data, these functions shape it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "driver/domain_driver.h"

namespace virtus::cli {

// virsh's words: "running", "idle", "paused", "in shutdown", "shut off", "crashed",
// "pmsuspended", "no state".
std::string_view domainStateName(driver::DomainState state);
// virsh's word for the reason that goes with a state ("booted", "user", "destroyed" …);
// "unknown" for a number virsh does not know.
std::string_view domainReasonName(driver::DomainState state, int reason);
// domstate's line: "running", or "running (booted)" with the reason.
std::string domainStateLine(const driver::DomainStateReason& state, bool withReason);

// One guest as `list` shows it. persistent and autostart are asked only for --json.
struct DomainListRow {
  driver::DomainHandle handle;
  std::optional<driver::DomainStateReason> state;  // nullopt: the daemon did not say
  std::optional<bool> persistent;
  std::optional<bool> autostart;
};

struct DomainListOptions {
  bool inactive = false, all = false, transient = false, persistent = false;
  bool autostart = false, noAutostart = false;
  bool stateRunning = false, statePaused = false, stateShutoff = false, stateOther = false;
  bool name = false, uuid = false, id = false, json = false;
};

// virConnectListAllDomainsFlags for the options, as virsh builds them.
unsigned domainListFlags(const DomainListOptions& options);
// virsh's order: running guests by id, then the others by name (case-insensitive).
void sortDomainRows(std::vector<DomainListRow>& rows);
// The text virsh prints (the Id/Name/State table, or --name/--uuid/--id lines), or the
// --json array. quiet drops the table header.
std::string renderDomainList(const std::vector<DomainListRow>& rows,
                             const DomainListOptions& options, bool quiet);
// {"id" (null when not running), "name", "uuid", "state", "reason", "persistent",
//  "autostart"}
nlohmann::json domainListJson(const DomainListRow& row);

// Everything dominfo shows; a question the daemon did not answer stays empty and its line
// is left out (persistent and managed save print "unknown", as in virsh).
struct DomainInfoView {
  driver::DomainHandle handle;
  std::optional<std::string> osType;
  std::optional<driver::DomainInfo> info;
  std::optional<bool> persistent;
  std::optional<bool> autostart;
  std::optional<bool> managedSave;
  std::string securityModel;  // empty: no security driver (no security lines)
  std::string securityDoi;
  std::optional<std::string> securityLabel;  // only with a model; empty: not printed
  bool securityEnforcing = false;
  std::vector<std::string> messages;
};

// virsh's "%-15s %s" lines.
std::string renderDomainInfo(const DomainInfoView& view);
// {"id", "name", "uuid", "osType", "state", "vcpus", "cpuTimeNs", "maxMemoryKiB",
//  "memoryKiB", "persistent", "autostart", "managedSave", "securityModel", "securityDoi",
//  "securityLabel", "securityEnforcing", "messages"}; what the daemon did not answer is null.
nlohmann::json domainInfoJson(const DomainInfoView& view);

// domblkinfo's Capacity/Allocation/Physical lines, in bytes or (human) as "1.000 GiB".
std::string renderBlockInfo(const driver::BlockInfo& info, bool human);

}  // namespace virtus::cli
