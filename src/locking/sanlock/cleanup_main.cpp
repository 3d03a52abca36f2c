// virtus-sanlock-cleanup --dir DISK_LEASE_DIR [--dry-run]: removes the automatic disk lease
// files nobody holds (lease_cleanup.h). Prints each removed file; exit 0, or 1 on a fatal
// error.
#include <cstdio>
#include <cstring>
#include <string>

#include "locking/sanlock/lease_cleanup.h"
#include "os/linux_file_system.h"

namespace {

int usage() {
  std::fprintf(stderr, "usage: virtus-sanlock-cleanup --dir DISK_LEASE_DIR [--dry-run] [-q]\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  bool dryRun = false;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (arg.rfind("--dir=", 0) == 0)
      dir = arg.substr(6);
    else if (arg == "--dry-run")
      dryRun = true;
    else if (arg == "-q" || arg == "--quiet")
      quiet = true;
    else
      return usage();
  }
  if (dir.empty())
    return usage();
  virtus::os::LinuxFileSystem fs;
  auto report = virtus::locking::sanlock::cleanupLeases(fs, dir, dryRun);
  if (!report) {
    std::fprintf(stderr, "virtus-sanlock-cleanup: %s\n", report.error().message.c_str());
    return 1;
  }
  if (!quiet) {
    for (const auto& e : report->removed)
      std::printf("%s %s\n", dryRun ? "would remove" : "removed", e.path.c_str());
    for (const auto& e : report->kept)
      std::printf("kept %s (%s)\n", e.path.c_str(), e.reason.c_str());
  }
  return 0;
}
