// A listening unix socket at a path, with the mode and group the daemon was configured
// with. A socket file left by a daemon that died is replaced; one that a live process
// still accepts on is left alone and refused, so two daemons never share a path.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "common/result.h"

namespace virtus::daemon {

struct UnixSocketSpec {
  std::string path;
  unsigned mode = 0600;
  std::optional<gid_t> group;  // chown to this group; nullopt keeps the process's group
  bool readOnly = false;       // carried for the server; the socket itself is the same
  int backlog = 64;
};

class UnixListener {
 public:
  // Creates the parent directory (0755) if missing, removes a stale socket file, binds,
  // sets mode and group, and listens. Errors: VIR_ERR_OPERATION_INVALID "a daemon is
  // already listening on 'PATH'" when something accepts there, "'PATH' exists and is not
  // a socket", or VIR_ERR_SYSTEM_ERROR from the system calls.
  static Result<UnixListener> listen(const UnixSocketSpec& spec);

  UnixListener(UnixListener&& other) noexcept;
  UnixListener& operator=(UnixListener&& other) noexcept;
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;
  // Closes the socket and removes its file, unless the file is no longer ours.
  ~UnixListener();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool readOnly() const { return readOnly_; }

 private:
  UnixListener() = default;
  void close();

  int fd_ = -1;
  std::string path_;
  bool readOnly_ = false;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

// Whether a process accepts connections on the unix socket at `path` (a connect attempt
// that is not refused). False for a missing path.
bool isUnixSocketLive(const std::string& path);

// A group by name, or by number ("123" or "+123"); VIR_ERR_INVALID_ARG when unknown.
Result<gid_t> lookupGroup(const std::string& name);

}  // namespace virtus::daemon
