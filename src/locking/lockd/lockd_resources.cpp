#include "locking/lockd/lockd_resources.h"

#include "common/error.h"
#include "common/sha256.h"

namespace virtus::locking {

namespace {

bool startsWith(const std::string& text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// The first line of a command's output without surrounding blanks; nullopt when empty.
std::optional<std::string> firstLine(const std::string& output) {
  std::string line = output.substr(0, output.find('\n'));
  const auto begin = line.find_first_not_of(" \t\r");
  if (begin == std::string::npos)
    return std::nullopt;
  const auto end = line.find_last_not_of(" \t\r");
  return line.substr(begin, end - begin + 1);
}

}  // namespace

Result<std::optional<lockd::LockdResourceSpec>> lockdResourceFor(const LockdConfig& config,
                                                                 const LockResource& resource,
                                                                 const BlockDeviceKeys& keys) {
  if (resource.readOnly)
    return std::optional<lockd::LockdResourceSpec>();
  lockd::LockdResourceSpec spec;
  spec.shared = resource.shared;
  if (resource.type == LockResourceType::Lease) {
    if (resource.offset != 0)
      return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                       "Offset must be zero for this lock manager (lease '" + resource.name +
                           "' has offset " + std::to_string(resource.offset) + ").");
    spec.lockspace = resource.path + "/" + resource.lockspace;
    spec.name = resource.name;
    spec.display = resource.lockspace + ":" + resource.name;
    return std::optional(spec);
  }
  if (!config.autoDiskLeases)
    return std::optional<lockd::LockdResourceSpec>();
  spec.display = resource.name;
  const bool device = startsWith(resource.name, "/dev");
  if (device && !config.lvmLockspaceDir.empty() && keys.lvmUuid) {
    if (auto uuid = keys.lvmUuid(resource.name)) {
      spec.lockspace = config.lvmLockspaceDir;
      spec.name = *uuid;
      spec.autocreate = true;
      return std::optional(spec);
    }
  }
  if (device && !config.scsiLockspaceDir.empty() && keys.scsiWwn) {
    if (auto wwn = keys.scsiWwn(resource.name)) {
      spec.lockspace = config.scsiLockspaceDir;
      spec.name = *wwn;
      spec.autocreate = true;
      return std::optional(spec);
    }
  }
  if (!config.fileLockspaceDir.empty()) {
    spec.lockspace = config.fileLockspaceDir;
    spec.name = sha256Hex(resource.name);
    spec.autocreate = true;
    return std::optional(spec);
  }
  spec.name = resource.name;  // direct: the disk itself
  return std::optional(spec);
}

os::Command lvmUuidCommand(const std::string& path) {
  return os::Command{"lvs",
                     {"--noheadings", "--unbuffered", "--nosuffix", "--options", "uuid", path}};
}

std::optional<std::string> parseLvmUuid(const std::string& output) {
  return firstLine(output);
}

os::Command scsiWwnCommand(const std::string& path) {
  return os::Command{"/lib/udev/scsi_id",
                     {"--replace-whitespace", "--whitelisted", "--device", path}};
}

std::optional<std::string> parseScsiWwn(const std::string& output) {
  return firstLine(output);
}

}  // namespace virtus::locking
