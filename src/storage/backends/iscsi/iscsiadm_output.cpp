#include "storage/backends/iscsi/iscsiadm_output.h"

#include <algorithm>

namespace virtus::storage::iscsi {

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos)
      break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && isSpace(line[i]))
      ++i;
    std::size_t start = i;
    while (i < line.size() && !isSpace(line[i]))
      ++i;
    if (i > start)
      out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "192.0.2.10:3260,1", "[2001:db8::1]:3260,1"
bool isPortalWithTag(std::string_view s) {
  auto comma = s.rfind(',');
  if (comma == std::string_view::npos || !allDigits(s.substr(comma + 1)))
    return false;
  auto colon = s.rfind(':', comma);
  return colon != std::string_view::npos && colon > 0 &&
         allDigits(s.substr(colon + 1, comma - colon - 1));
}

Error malformed(std::string_view line) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "malformed output of iscsiadm: " + std::string(line));
}

}  // namespace

std::vector<IscsiSession> parseSessions(std::string_view output) {
  std::vector<IscsiSession> sessions;
  for (std::string_view line : lines(output)) {
    auto w = words(line);
    if (w.size() < 4 || w[0] != "tcp:" || w[1].size() < 3 || w[1].front() != '[' ||
        w[1].back() != ']')
      continue;
    sessions.push_back(
        {std::string(w[1].substr(1, w[1].size() - 2)), std::string(w[2]), std::string(w[3])});
  }
  return sessions;
}

std::optional<std::string> sessionIdFor(std::string_view output, std::string_view target) {
  for (IscsiSession& s : parseSessions(output)) {
    if (s.target == target)
      return std::move(s.id);
  }
  return std::nullopt;
}

Result<std::vector<IscsiIface>> parseIfaces(std::string_view output) {
  std::vector<IscsiIface> ifaces;
  for (std::string_view line : lines(output)) {
    if (words(line).empty())
      continue;
    auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0)
      return malformed(line);
    std::string_view rest = line.substr(space + 1);
    for (int i = 0; i < 4; ++i) {
      auto comma = rest.find(',');
      if (comma == std::string_view::npos)
        return malformed(line);
      rest.remove_prefix(comma + 1);
    }
    while (!rest.empty() && isSpace(rest.back()))
      rest.remove_suffix(1);
    ifaces.push_back({std::string(line.substr(0, space)), std::string(rest)});
  }
  return ifaces;
}

std::optional<std::string> ifaceFor(const std::vector<IscsiIface>& ifaces,
                                    std::string_view initiatorIqn) {
  for (const IscsiIface& iface : ifaces) {
    if (iface.initiatorName == initiatorIqn)
      return iface.name;
  }
  return std::nullopt;
}

Result<std::vector<std::string>> parseDiscovery(std::string_view output) {
  std::vector<std::string> targets;
  for (std::string_view line : lines(output)) {
    auto w = words(line);
    if (w.empty())
      continue;
    if (w.size() != 2 || !isPortalWithTag(w[0]))
      return malformed(line);
    targets.emplace_back(w[1]);
  }
  return targets;
}

}  // namespace virtus::storage::iscsi
