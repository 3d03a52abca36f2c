#include "storage/backends/logical/lvm_output.h"

#include <charconv>
#include <map>

namespace virtus::storage::logical {

namespace {

Error badLine(std::string_view tool, std::string_view line, std::string_view why = {}) {
  std::string message =
      "cannot parse " + std::string(tool) + " output line '" + std::string(line) + "'";
  if (!why.empty())
    message += ": " + std::string(why);
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage, std::move(message));
}

bool toNumber(std::string_view s, std::uint64_t& out) {
  if (s.empty())
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Non-blank lines, trimmed.
std::vector<std::string_view> lines(std::string_view out) {
  std::vector<std::string_view> result;
  while (!out.empty()) {
    std::size_t nl = out.find('\n');
    std::string_view line = trim(out.substr(0, nl));
    if (!line.empty())
      result.push_back(line);
    if (nl == std::string_view::npos)
      break;
    out.remove_prefix(nl + 1);
  }
  return result;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    std::size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos)
      return parts;
    s.remove_prefix(at + 1);
  }
}

bool hasSpace(std::string_view s) {
  return s.find_first_of(" \t") != std::string_view::npos;
}

// libvirt reads as many devices as the segment has stripes for these segment types.
bool multiDeviceSegment(std::string_view segtype) {
  return segtype == "striped" || segtype == "mirror" || segtype.substr(0, 4) == "raid";
}

constexpr std::size_t kLvsFields = 10;

}  // namespace

Result<VgSizes> parseVgs(std::string_view out) {
  auto rows = lines(out);
  if (rows.size() != 1) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "vgs printed " + std::to_string(rows.size()) +
                         " lines where one line 'SIZE:FREE' was expected");
  }
  auto fields = split(rows[0], ':');
  if (fields.size() == 3 && fields[2].empty())
    fields.pop_back();
  VgSizes sizes;
  if (fields.size() != 2 || !toNumber(fields[0], sizes.size) || !toNumber(fields[1], sizes.free) ||
      sizes.free > sizes.size) {
    return badLine("vgs", rows[0]);
  }
  return sizes;
}

Result<std::vector<LogicalVolume>> parseLvs(std::string_view out) {
  std::vector<LogicalVolume> volumes;
  std::map<std::string, std::size_t, std::less<>> byName;
  for (std::string_view line : lines(out)) {
    auto f = split(line, '#');
    if (f.size() == kLvsFields + 1 && f.back().empty())
      f.pop_back();
    if (f.size() != kLvsFields)
      return badLine("lvs", line, "expected 10 fields separated by '#'");
    for (std::string_view field : f) {
      if (hasSpace(field))
        return badLine("lvs", line);
    }
    const std::string_view name = f[0], origin = f[1], uuid = f[2], devices = f[3], segtype = f[4],
                           attr = f[9];
    if (name.empty() || uuid.empty() || segtype.empty() || attr.size() < 5)
      return badLine("lvs", line);
    std::uint64_t stripes = 0, segSize = 0, extentSize = 0, size = 0;
    if (!toNumber(f[5], stripes))
      return badLine("lvs", line, "malformed volume extent stripes value");
    if (!toNumber(f[6], segSize))
      return badLine("lvs", line, "malformed volume extent length value");
    if (!toNumber(f[7], extentSize))
      return badLine("lvs", line, "malformed volume extent size value");
    if (!toNumber(f[8], size))
      return badLine("lvs", line, "malformed volume allocation value");
    // What libvirt does not list: thin pools, LVs that are not active, thin LVs (no
    // devices of their own).
    if (attr[0] == 't' || (attr[4] != 'a' && attr[4] != 'X') || devices.empty())
      continue;

    const std::uint64_t nextents = multiDeviceSegment(segtype) ? stripes : 1;
    auto units = split(devices, ',');
    if (nextents == 0 || units.size() != nextents)
      return badLine("lvs", line, "malformed volume extent devices value");
    std::vector<model::VolSourceExtent> extents;
    for (std::string_view unit : units) {
      std::size_t open = unit.rfind('(');
      std::uint64_t offset = 0;
      if (open == std::string_view::npos || open == 0 || unit.back() != ')' ||
          !toNumber(unit.substr(open + 1, unit.size() - open - 2), offset)) {
        return badLine("lvs", line, "malformed volume extent offset value");
      }
      model::VolSourceExtent extent;
      extent.path = std::string(unit.substr(0, open));
      extent.start = offset * extentSize;
      extent.end = extent.start + segSize;
      extents.push_back(std::move(extent));
    }

    auto [it, added] = byName.try_emplace(std::string(name), volumes.size());
    if (added) {
      LogicalVolume& lv = volumes.emplace_back();
      lv.name = std::string(name);
      lv.uuid = std::string(uuid);
      lv.attr = std::string(attr);
      lv.size = size;
    }
    LogicalVolume& lv = volumes[it->second];
    if (!origin.empty())
      lv.origin = std::string(origin);
    lv.usedBytes += segSize;
    lv.extents.insert(lv.extents.end(), extents.begin(), extents.end());
  }
  return volumes;
}

Result<std::vector<model::PoolSource>> parsePvs(std::string_view out) {
  std::vector<model::PoolSource> sources;
  for (std::string_view line : lines(out)) {
    std::size_t gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos)
      continue;  // a PV in no volume group
    std::string_view pv = line.substr(0, gap);
    std::string_view vg = trim(line.substr(gap));
    if (hasSpace(vg))
      return badLine("pvs", line);
    model::PoolSource* source = nullptr;
    for (auto& s : sources) {
      if (s.name == vg)
        source = &s;
    }
    if (!source) {
      source = &sources.emplace_back();
      source->name = std::string(vg);
      source->format = "lvm2";
    }
    model::PoolSourceDevice dev;
    dev.path = std::string(pv);
    source->devices.push_back(std::move(dev));
  }
  return sources;
}

}  // namespace virtus::storage::logical
