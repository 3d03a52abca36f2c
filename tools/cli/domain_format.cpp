#include "cli/domain_format.h"

#include <strings.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <span>

#include "cli/output_table.h"

namespace virtus::cli {

namespace {

using driver::DomainState;

// virsh 9.0's reason words, indexed by libvirt's reason numbers for each state.
constexpr std::string_view kRunningReasons[] = {
    "unknown",       "booted",   "migrated",           "restored",
    "from snapshot", "unpaused", "migration canceled", "save canceled",
    "event wakeup",  "crashed",  "post-copy",          "post-copy failed"};
constexpr std::string_view kPausedReasons[] = {
    "unknown",   "user",        "migrating",     "saving",          "dumping",
    "I/O error", "watchdog",    "from snapshot", "shutting down",   "creating snapshot",
    "crashed",   "starting up", "post-copy",     "post-copy failed"};
constexpr std::string_view kShutdownReasons[] = {"unknown", "user"};
constexpr std::string_view kShutoffReasons[] = {"unknown", "shutdown",      "destroyed",
                                                "crashed", "migrated",      "saved",
                                                "failed",  "from snapshot", "daemon"};
constexpr std::string_view kCrashedReasons[] = {"unknown", "panicked"};
constexpr std::string_view kUnknownOnly[] = {"unknown"};

std::span<const std::string_view> reasonsOf(DomainState state) {
  switch (state) {
    case DomainState::Running:
      return kRunningReasons;
    case DomainState::Paused:
      return kPausedReasons;
    case DomainState::Shutdown:
      return kShutdownReasons;
    case DomainState::Shutoff:
      return kShutoffReasons;
    case DomainState::Crashed:
      return kCrashedReasons;
    case DomainState::NoState:
    case DomainState::Blocked:
    case DomainState::PmSuspended:
      break;
  }
  return kUnknownOnly;
}

// virsh's "%-15s %s" info lines.
std::string infoLine(std::string_view label, std::string_view value) {
  std::string line(label);
  if (line.size() < 15)
    line.append(15 - line.size(), ' ');
  line += ' ';
  line += value;
  line += '\n';
  return line;
}

std::string idText(int id) {
  return id < 0 ? std::string("-") : std::to_string(id);
}

nlohmann::json idJson(int id) {
  return id < 0 ? nlohmann::json(nullptr) : nlohmann::json(id);
}

template <class T>
nlohmann::json optionalJson(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::string_view domainStateName(DomainState state) {
  switch (state) {
    case DomainState::NoState:
      return "no state";
    case DomainState::Running:
      return "running";
    case DomainState::Blocked:
      return "idle";
    case DomainState::Paused:
      return "paused";
    case DomainState::Shutdown:
      return "in shutdown";
    case DomainState::Shutoff:
      return "shut off";
    case DomainState::Crashed:
      return "crashed";
    case DomainState::PmSuspended:
      return "pmsuspended";
  }
  return "no state";
}

std::string_view domainReasonName(DomainState state, int reason) {
  auto reasons = reasonsOf(state);
  if (reason < 0 || static_cast<std::size_t>(reason) >= reasons.size())
    return "unknown";
  return reasons[static_cast<std::size_t>(reason)];
}

std::string domainStateLine(const driver::DomainStateReason& state, bool withReason) {
  std::string line(domainStateName(state.state));
  if (withReason)
    line += " (" + std::string(domainReasonName(state.state, state.reason)) + ")";
  return line + "\n";
}

unsigned domainListFlags(const DomainListOptions& o) {
  namespace f = driver::list_domains;
  unsigned flags = f::kActive;
  if (o.inactive || o.stateShutoff)
    flags = f::kInactive;
  if (o.all)
    flags = f::kActive | f::kInactive;
  if (o.persistent)
    flags |= f::kPersistent;
  if (o.transient)
    flags |= f::kTransient;
  if (o.autostart)
    flags |= f::kAutostart;
  if (o.noAutostart)
    flags |= f::kNoAutostart;
  if (o.stateRunning)
    flags |= f::kRunning;
  if (o.statePaused)
    flags |= f::kPaused;
  if (o.stateShutoff)
    flags |= f::kShutoff;
  if (o.stateOther)
    flags |= f::kOther;
  return flags;
}

void sortDomainRows(std::vector<DomainListRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const DomainListRow& a, const DomainListRow& b) {
    const int ia = a.handle.id, ib = b.handle.id;
    if (ia >= 0 && ib >= 0)
      return ia < ib;
    if (ia >= 0 || ib >= 0)
      return ia >= 0;  // running guests first
    return strcasecmp(a.handle.name.c_str(), b.handle.name.c_str()) < 0;
  });
}

nlohmann::json domainListJson(const DomainListRow& row) {
  nlohmann::json j;
  j["id"] = idJson(row.handle.id);
  j["name"] = row.handle.name;
  j["uuid"] = row.handle.uuid.str();
  j["state"] = row.state ? nlohmann::json(std::string(domainStateName(row.state->state))) : nullptr;
  j["reason"] =
      row.state ? nlohmann::json(std::string(domainReasonName(row.state->state, row.state->reason)))
                : nullptr;
  j["persistent"] = optionalJson(row.persistent);
  j["autostart"] = optionalJson(row.autostart);
  return j;
}

std::string renderDomainList(const std::vector<DomainListRow>& rows, const DomainListOptions& o,
                             bool quiet) {
  if (o.json) {
    auto array = nlohmann::json::array();
    for (const auto& row : rows)
      array.push_back(domainListJson(row));
    return array.dump(2) + "\n";
  }
  std::string out;
  if (o.name || o.uuid || o.id) {
    for (const auto& row : rows) {
      // --id alone lists the running guests only; with other columns, "-" stands in.
      if (o.id && !o.name && !o.uuid && row.handle.id < 0)
        continue;
      std::string line;
      auto field = [&line](const std::string& text) { line += line.empty() ? text : " " + text; };
      if (o.uuid)
        field(row.handle.uuid.str());
      if (o.id)
        field(idText(row.handle.id));
      if (o.name)
        field(row.handle.name);
      out += line + "\n";
    }
    return out;
  }
  OutputTable table({"Id", "Name", "State"});
  for (const auto& row : rows) {
    table.addRow({idText(row.handle.id), row.handle.name,
                  std::string(row.state ? domainStateName(row.state->state) : "no state")});
  }
  return table.render(!quiet);
}

std::string renderDomainInfo(const DomainInfoView& v) {
  std::string text = infoLine("Id:", idText(v.handle.id));
  text += infoLine("Name:", v.handle.name);
  text += infoLine("UUID:", v.handle.uuid.str());
  if (v.osType)
    text += infoLine("OS Type:", *v.osType);
  if (v.info) {
    const auto& info = *v.info;
    text += infoLine("State:", domainStateName(info.state));
    text += infoLine("CPU(s):", std::to_string(info.vcpus));
    if (info.cpuTimeNs != 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1lfs", static_cast<double>(info.cpuTimeNs) / 1e9);
      text += infoLine("CPU time:", buf);
    }
    text +=
        infoLine("Max memory:", info.maxMemKiB != UINT_MAX ? std::to_string(info.maxMemKiB) + " KiB"
                                                           : std::string("no limit"));
    text += infoLine("Used memory:", std::to_string(info.memoryKiB) + " KiB");
  }
  text += infoLine("Persistent:", v.persistent ? (*v.persistent ? "yes" : "no") : "unknown");
  if (v.autostart)
    text += infoLine("Autostart:", *v.autostart ? "enable" : "disable");
  text += infoLine("Managed save:", v.managedSave ? (*v.managedSave ? "yes" : "no") : "unknown");
  if (!v.securityModel.empty()) {
    text += infoLine("Security model:", v.securityModel);
    text += infoLine("Security DOI:", v.securityDoi);
    if (v.securityLabel && !v.securityLabel->empty()) {
      text +=
          infoLine("Security label:", *v.securityLabel + " (" +
                                          (v.securityEnforcing ? "enforcing" : "permissive") + ")");
    }
  }
  for (std::size_t i = 0; i < v.messages.size(); ++i)
    text += infoLine(i == 0 ? "Messages:" : "", v.messages[i]);
  return text;
}

nlohmann::json domainInfoJson(const DomainInfoView& v) {
  nlohmann::json j;
  j["id"] = idJson(v.handle.id);
  j["name"] = v.handle.name;
  j["uuid"] = v.handle.uuid.str();
  j["osType"] = optionalJson(v.osType);
  if (v.info) {
    j["state"] = std::string(domainStateName(v.info->state));
    j["vcpus"] = v.info->vcpus;
    j["cpuTimeNs"] = v.info->cpuTimeNs;
    j["maxMemoryKiB"] = v.info->maxMemKiB;
    j["memoryKiB"] = v.info->memoryKiB;
  } else {
    for (const char* key : {"state", "vcpus", "cpuTimeNs", "maxMemoryKiB", "memoryKiB"})
      j[key] = nullptr;
  }
  j["persistent"] = optionalJson(v.persistent);
  j["autostart"] = optionalJson(v.autostart);
  j["managedSave"] = optionalJson(v.managedSave);
  const bool secured = !v.securityModel.empty();
  j["securityModel"] = secured ? nlohmann::json(v.securityModel) : nlohmann::json(nullptr);
  j["securityDoi"] = secured ? nlohmann::json(v.securityDoi) : nlohmann::json(nullptr);
  const bool labelled = secured && v.securityLabel && !v.securityLabel->empty();
  j["securityLabel"] = labelled ? nlohmann::json(*v.securityLabel) : nlohmann::json(nullptr);
  j["securityEnforcing"] = labelled ? nlohmann::json(v.securityEnforcing) : nullptr;
  j["messages"] = v.messages;
  return j;
}

namespace {

// domblkinfo --human: the unit pool-info would pick, with three decimals.
std::string blockSize(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && value >= 1024.0) {
    value /= 1024.0;
    ++unit;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3lf %s", value, kUnits[unit]);
  return buf;
}

}  // namespace

std::string renderBlockInfo(const driver::BlockInfo& info, bool human) {
  auto size = [human](std::uint64_t v) { return human ? blockSize(v) : std::to_string(v); };
  return infoLine("Capacity:", size(info.capacity)) +
         infoLine("Allocation:", size(info.allocation)) +
         infoLine("Physical:", size(info.physical));
}

}  // namespace virtus::cli
