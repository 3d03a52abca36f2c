#include "storage/backends/fs/fs_mounts.h"

#include <optional>

#include "storage/backends/dir/dir_errors.h"
#include "storage/backends/fs/fs_commands.h"

namespace virtus::storage::fs {

namespace {

bool isOctal(char c) {
  return c >= '0' && c <= '7';
}

// getmntent's decoding of the kernel's escapes for space, tab, newline and backslash.
std::string decodeField(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && isOctal(field[i + 1]) &&
        isOctal(field[i + 2]) && isOctal(field[i + 3])) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                               (field[i + 3] - '0'));
      i += 3;
      continue;
    }
    out += field[i];
  }
  return out;
}

std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    pos = line.find_first_not_of(" \t", pos);
    if (pos == std::string_view::npos)
      break;
    std::size_t end = line.find_first_of(" \t", pos);
    if (end == std::string_view::npos)
      end = line.size();
    fields.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return fields;
}

std::string normalized(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/')
      continue;
    out += c;
  }
  if (out.size() > 1 && out.back() == '/')
    out.pop_back();
  return out;
}

}  // namespace

std::vector<std::string> mountLineFields(std::string_view line) {
  std::vector<std::string> fields;
  for (std::string_view field : splitFields(line))
    fields.push_back(decodeField(field));
  return fields;
}

Result<std::vector<MountEntry>> parseMountTable(std::string_view text, std::string_view file) {
  std::vector<MountEntry> entries;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    auto fields = mountLineFields(line);
    if (fields.empty())
      continue;
    if (fields.size() < 4) {
      return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                       "cannot parse mount list '" + std::string(file) + "': unexpected line '" +
                           std::string(line) + "'");
    }
    entries.push_back({std::move(fields[0]), std::move(fields[1]), std::move(fields[2])});
  }
  return entries;
}

bool samePath(std::string_view a, std::string_view b) {
  return normalized(a) == normalized(b);
}

Result<bool> isMounted(os::FileSystem& fs, const HostRoots& roots, const model::PoolDef& def) {
  const std::string file = roots.proc + "/mounts";
  auto text = fs.readFile(file);
  if (!text) {
    // "cannot open file 'F': REASON" becomes libvirt's "cannot read mount list 'F': REASON".
    return dir::reword(std::move(text).error(), "cannot open file", "cannot read mount list");
  }
  TRY_ASSIGN(auto entries, parseMountTable(*text, file));
  const std::string source = mountSource(def);
  // libvirt resolves symlinks before comparing: a device named by a link (/dev/disk/by-uuid/…)
  // is mounted under the node's own name. The same node reached both ways is the same file.
  // Only device nodes are compared so: a stat of another mount's paths could hang on a dead
  // NFS server.
  std::optional<os::FileStat> sourceNode;
  if (def.type == model::PoolType::Fs) {
    if (auto st = fs.stat(source); st && st->isBlockDevice)
      sourceNode = *st;
  }
  auto sameSource = [&](const std::string& entrySource) {
    if (samePath(entrySource, source))
      return true;
    if (!sourceNode || entrySource.empty() || entrySource.front() != '/')
      return false;
    auto st = fs.stat(entrySource);
    return st && st->isBlockDevice && st->device == sourceNode->device &&
           st->inode == sourceNode->inode;
  };
  for (const MountEntry& entry : entries) {
    if (samePath(entry.target, def.target.path) && sameSource(entry.source))
      return true;
  }
  return false;
}

}  // namespace virtus::storage::fs
