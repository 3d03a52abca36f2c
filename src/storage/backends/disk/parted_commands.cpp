#include "storage/backends/disk/parted_commands.h"

#include <charconv>

namespace virtus::storage::disk {

namespace {

os::Command parted(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  os::Command cmd;
  cmd.program = "parted";
  cmd.args = std::move(args);
  cmd.timeout = timeout;
  return cmd;
}

Error badLine(std::string_view line) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "parted printed an unexpected line '" + std::string(line) + "'");
}

bool toNumber(std::string_view s, std::uint64_t& out) {
  if (s.empty())
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "1048576B" -> 1048576
bool toBytes(std::string_view s, std::uint64_t& out) {
  if (s.size() < 2 || s.back() != 'B')
    return false;
  return toNumber(s.substr(0, s.size() - 1), out);
}

// The fields of one machine-readable line, without its final ';'. False when it has none.
bool fieldsOf(std::string_view line, std::vector<std::string_view>& fields) {
  if (line.empty() || line.back() != ';')
    return false;
  line.remove_suffix(1);
  fields.clear();
  std::size_t from = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ':') {
      fields.push_back(line.substr(from, i - from));
      from = i + 1;
    }
  }
  return true;
}

std::vector<std::string_view> nonEmptyLines(std::string_view output) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  while (from <= output.size()) {
    std::size_t nl = output.find('\n', from);
    if (nl == std::string_view::npos)
      nl = output.size();
    std::string_view line = output.substr(from, nl - from);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!line.empty())
      out.push_back(line);
    from = nl + 1;
  }
  return out;
}

Result<PartedEntry> parseEntry(std::string_view line) {
  std::vector<std::string_view> f;
  if (!fieldsOf(line, f) || f.size() < 5)
    return badLine(line);
  PartedEntry e;
  std::uint64_t number = 0;
  if (!toNumber(f[0], number) || !toBytes(f[1], e.start) || !toBytes(f[2], e.end) ||
      !toBytes(f[3], e.size) || e.end < e.start) {
    return badLine(line);
  }
  e.number = static_cast<int>(number);
  if (f.size() == 5 && f[4] == "free") {
    e.free = true;
    return e;
  }
  if (f.size() != 7)
    return badLine(line);
  e.filesystem = f[4];
  e.name = f[5];
  e.flags = f[6];
  return e;
}

}  // namespace

os::Command buildPrint(const std::string& device, std::chrono::milliseconds timeout) {
  return parted({"-s", "-m", device, "unit", "B", "print", "free"}, timeout);
}

os::Command buildPrintGeometry(const std::string& device, std::chrono::milliseconds timeout) {
  return parted({"-s", "-m", device, "unit", "chs", "print"}, timeout);
}

os::Command buildMklabel(const std::string& device, const std::string& label,
                         std::chrono::milliseconds timeout) {
  return parted({device, "mklabel", "--script", label}, timeout);
}

os::Command buildMkpart(const std::string& device, const std::string& partFormat,
                        std::uint64_t start, std::uint64_t end, std::chrono::milliseconds timeout) {
  return parted({device, "mkpart", "--script", partFormat, std::to_string(start) + "B",
                 std::to_string(end) + "B"},
                timeout);
}

os::Command buildRm(const std::string& device, const std::string& number,
                    std::chrono::milliseconds timeout) {
  return parted({device, "rm", "--script", number}, timeout);
}

Result<PartedTable> parsePrint(std::string_view output) {
  auto lines = nonEmptyLines(output);
  if (lines.size() < 2 || lines[0] != "BYT;") {
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "parted printed no partition table in bytes: '" + std::string(output) + "'");
  }
  std::vector<std::string_view> f;
  PartedTable table;
  std::uint64_t sectorSize = 0;
  if (!fieldsOf(lines[1], f) || f.size() < 6 || f[0].empty() || !toBytes(f[1], table.size) ||
      !toNumber(f[3], sectorSize) || sectorSize == 0 || sectorSize > (1u << 20) || f[5].empty()) {
    return badLine(lines[1]);
  }
  table.device = f[0];
  table.sectorSize = static_cast<std::uint32_t>(sectorSize);
  table.label = f[5];
  for (std::size_t i = 2; i < lines.size(); ++i) {
    TRY_ASSIGN(auto entry, parseEntry(lines[i]));
    table.entries.push_back(std::move(entry));
  }
  return table;
}

bool isUnrecognisedLabel(std::string_view out, std::string_view err) {
  constexpr std::string_view kText = "unrecognised disk label";
  return out.find(kText) != std::string_view::npos || err.find(kText) != std::string_view::npos;
}

Result<Geometry> parseGeometry(std::string_view output) {
  auto lines = nonEmptyLines(output);
  if (lines.size() < 3 || lines[0] != "CHS;") {
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "parted printed no disk geometry: '" + std::string(output) + "'");
  }
  std::vector<std::string_view> f;
  Geometry g;
  if (!fieldsOf(lines[2], f) || f.size() != 4 || !toNumber(f[0], g.cylinders) ||
      !toNumber(f[1], g.heads) || !toNumber(f[2], g.sectors) || g.heads == 0 || g.sectors == 0) {
    return badLine(lines[2]);
  }
  return g;
}

}  // namespace virtus::storage::disk
