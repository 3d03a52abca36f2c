// The pid file, which is also the daemon's single-instance lock: an exclusive lock on its
// open file description (fcntl OFD lock) is held for the daemon's life, so a second daemon
// (virtusd, virtus-lockd) on the same root fails to take it and names the first one's pid.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus::os {

class PidFile {
 public:
  // Creates the file (and its directory) if needed, locks it without waiting and writes
  // `pid`. When another holder has the lock: VIR_ERR_OPERATION_FAILED "PROGRAM is already
  // running for root 'ROOT' (pid N)", with `program` and `rootLabel`. The lock survives fork(),
  // since it belongs to the open file description.
  static Result<PidFile> acquire(const std::string& path, pid_t pid, std::string_view program,
                                 std::string_view rootLabel);

  PidFile(PidFile&& other) noexcept;
  PidFile& operator=(PidFile&& other) noexcept;
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  // Removes the file, then drops the lock.
  ~PidFile();

  const std::string& path() const { return path_; }
  // The descriptor holding the lock: a daemon that re-executes itself keeps it open
  // across exec and the new image adopts it, so the lock is never dropped.
  int fd() const { return fd_; }
  static PidFile adopt(std::string path, int fd);

 private:
  PidFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void release();

  std::string path_;
  int fd_ = -1;
};

}  // namespace virtus::os
