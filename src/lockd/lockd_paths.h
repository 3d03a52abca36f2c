// Where virtus-lockd listens and keeps its pid file by default: the run directory of the
// root (--root DIR: DIR/run; else the system or per-user tree).
#pragma once

#include <string>

namespace virtus::lockd {

// `root` "" means the process's default tree.
std::string defaultLockdSocketPath(const std::string& root);
std::string defaultLockdPidFilePath(const std::string& root);

}  // namespace virtus::lockd
