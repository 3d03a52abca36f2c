#include "bench_data.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <span>

#include "os/file_system.h"
#include "storage/formats/qcow2_writer.h"

namespace virtus::bench {

std::vector<std::string> benchVolumeNames(int count) {
  std::vector<std::string> names;
  names.reserve(count);
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, i % 2 == 0 ? "vol-%05d.raw" : "vol-%05d.qcow2", i);
    names.emplace_back(name);
  }
  return names;
}

Result<void> populateVolumes(os::FileSystem& fs, const std::string& dir, int count,
                             std::uint64_t capacity) {
  TRY(fs.makeDirectories(dir, 0755));
  formats::Qcow2Options options;
  options.virtualSize = capacity;
  TRY_ASSIGN(const formats::ImageLayout layout, formats::layoutQcow2(options));
  for (const std::string& name : benchVolumeNames(count)) {
    TRY_ASSIGN(os::FilePtr file, fs.open(dir + "/" + name, os::OpenMode::CreateExclusive, 0644));
    if (name.ends_with(".qcow2")) {
      for (const auto& [offset, bytes] : layout.writes) {
        TRY(file->writeAt(offset, std::span<const char>(bytes.data(), bytes.size())));
      }
      TRY(file->truncate(layout.fileSize));
    } else {
      TRY(file->truncate(capacity));
    }
  }
  return ok();
}

// The benchmark program's own host access: the FileSystem interface has no page-cache
// control, and only the benchmark needs it.
int evictPageCache(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr)
    return 0;
  int count = 0;
  while (const dirent* entry = ::readdir(d)) {
    const std::string path = dir + "/" + entry->d_name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      continue;
    if (::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0)
      ++count;
    ::close(fd);
  }
  ::closedir(d);
  return count;
}

}  // namespace virtus::bench
