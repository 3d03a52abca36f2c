// What a re-exec (SIGUSR1) hands from the old virtus-lockd process to the new one: the held
// locks with their fd numbers (kept open across exec), the listening socket and the pid
// file's fd, the counters. JSON in a memfd whose number the new process gets as --state-fd.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "lockd/lock_table.h"

namespace virtus::lockd {

struct DaemonState {
  std::string host;
  int generation = 0;        // of the new process
  std::int64_t started = 0;  // of the first process
  int listenFd = -1;
  int pidFileFd = -1;
  std::string pidFile;
  std::string socketPath;
  std::vector<OwnerRecord> owners;
};

std::string formatDaemonState(const DaemonState& state);
// VIR_ERR_INTERNAL_ERROR when the text is not a state this version wrote.
Result<DaemonState> parseDaemonState(std::string_view text);

// A memfd (inherited across exec) holding `text`, positioned at its start.
Result<int> writeStateFd(const std::string& text);
// Reads `fd` from its start and closes it.
Result<std::string> readStateFd(int fd);

}  // namespace virtus::lockd
