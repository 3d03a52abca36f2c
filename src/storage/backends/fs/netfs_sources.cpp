#include "storage/backends/fs/netfs_sources.h"

namespace virtus::storage::fs {

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

Error badLine(std::string_view line) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "showmount printed an unexpected line '" + std::string(line) + "'");
}

// The directory of one "^(/.*\S) +\S+$" line, or nothing when the line has another shape.
std::optional<std::string> exportDir(std::string_view line) {
  if (line.empty() || line.front() != '/')
    return std::nullopt;
  // The client list: the last run of non-space characters, after at least one ' '.
  std::size_t end = line.size();
  std::size_t clients = end;
  while (clients > 0 && !isSpace(line[clients - 1]))
    --clients;
  if (clients == end || clients == 0 || line[clients - 1] != ' ')
    return std::nullopt;
  std::size_t dirEnd = clients;
  while (dirEnd > 0 && line[dirEnd - 1] == ' ')
    --dirEnd;
  if (dirEnd == 0 || isSpace(line[dirEnd - 1]))
    return std::nullopt;
  // "/" alone does not match (the regex needs a non-space after the leading '/').
  if (dirEnd < 2)
    return std::nullopt;
  return std::string(line.substr(0, dirEnd));
}

}  // namespace

os::Command buildShowmountCommand(const std::string& host) {
  os::Command cmd;
  cmd.program = "showmount";
  cmd.args = {"--no-headers", "--exports", host};
  return cmd;
}

Result<std::vector<std::string>> parseShowmountExports(std::string_view output) {
  std::vector<std::string> dirs;
  std::size_t pos = 0;
  while (pos < output.size()) {
    std::size_t end = output.find('\n', pos);
    if (end == std::string_view::npos)
      end = output.size();
    std::string_view line = output.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
      continue;
    auto dir = exportDir(line);
    if (!dir)
      return badLine(line);
    if (dir->back() == '/') {
      return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                       "invalid netfs path (ends in /): " + *dir);
    }
    dirs.push_back(std::move(*dir));
  }
  return dirs;
}

model::PoolSource nfsSource(const std::string& host, const std::string& dir) {
  model::PoolSource source;
  source.hosts.push_back({host, std::nullopt});
  source.dir = dir;
  source.format = "nfs";
  return source;
}

model::PoolSource glusterNetfsSource(const std::string& host, const std::string& volume) {
  model::PoolSource source;
  source.hosts.push_back({host, std::nullopt});
  source.dir = volume;
  source.format = "glusterfs";
  return source;
}

}  // namespace virtus::storage::fs
