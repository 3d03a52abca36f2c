#include "lockd/lockd_paths.h"

#include "os/root_paths.h"

namespace virtus::lockd {

namespace {

std::string runDir(const std::string& root) {
  return root.empty() ? os::processDefaultRootPaths().runDir
                      : os::RootPaths::underRoot(root).runDir;
}

}  // namespace

std::string defaultLockdSocketPath(const std::string& root) {
  return runDir(root) + "/virtus-lockd.sock";
}

std::string defaultLockdPidFilePath(const std::string& root) {
  return runDir(root) + "/virtus-lockd.pid";
}

}  // namespace virtus::lockd
