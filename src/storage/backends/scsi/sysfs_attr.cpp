#include "storage/backends/scsi/sysfs_attr.h"

#include <span>

namespace virtus::storage::scsi {

Result<std::string> readAttr(os::FileSystem& fs, const std::string& path) {
  TRY_ASSIGN(std::string text, fs.readFile(path));
  std::string_view s = text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return std::string(s);
}

Result<void> writeAttr(os::FileSystem& fs, const std::string& path, std::string_view bytes) {
  // Sysfs attributes are written in place: no temporary file, no truncation needed (the
  // kernel takes each write whole), and opened write-only: scan, vport_create and
  // vport_delete are mode 0200 and refuse readers.
  TRY_ASSIGN(os::FilePtr file, fs.open(path, os::OpenMode::WriteOnly));
  return file->writeAt(0, std::span<const char>(bytes.data(), bytes.size()));
}

}  // namespace virtus::storage::scsi
