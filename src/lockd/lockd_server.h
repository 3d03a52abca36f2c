// virtus-lockd's event loop, single-threaded around poll(): the listening socket, client
// connections (one request line, one reply line), the owners' pidfds (a guest's process
// exits: its locks go), a signalfd (SIGTERM/SIGINT stop, SIGUSR1 re-execs) and a timerfd for
// the periodic lock-loss check, whose "lost" events go to subscribed connections.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <vector>

#include "common/result.h"
#include "lockd/line_buffer.h"
#include "lockd/lock_table.h"
#include "lockd/lockd_types.h"

namespace virtus::lockd {

// What a re-exec needs besides the table: the program to run (resolved from /proc/self/exe
// at start-up), its arguments for a given state fd, and the fds that must survive it.
struct ReexecPlan {
  std::string program;
  std::function<std::vector<std::string>(int stateFd)> arguments;
  int pidFileFd = -1;
  std::string pidFile;
  std::string socketPath;
};

struct ServerSetup {
  int listenFd = -1;  // listening, owned by the server from now on
  std::chrono::seconds checkInterval{10};
  LockdStatus status;  // pid, host, started, generation
  ReexecPlan reexec;
};

class LockdServer {
 public:
  LockdServer(LockTable& table, ServerSetup setup);
  ~LockdServer();
  LockdServer(const LockdServer&) = delete;
  LockdServer& operator=(const LockdServer&) = delete;

  // Serves until SIGTERM or SIGINT. SIGUSR1 re-execs the program: on success it does not
  // return; when exec fails the daemon goes on with its locks.
  Result<void> run();

  // Signals this loop handles (blocked by the caller before any other thread exists).
  static sigset_t signals();

 private:
  struct Connection {
    int fd = -1;
    std::uint64_t id = 0;
    LineBuffer in{0};
    std::string out;
    bool subscriber = false;
    bool eof = false;  // the peer stopped sending: close once `out` is written
  };

  Result<void> setUp();
  void acceptAll();
  // false: the connection is to be closed.
  bool readFrom(Connection& conn);
  bool writeTo(Connection& conn);
  void handleLine(Connection& conn, const std::string& line);
  std::string dispatch(Connection& conn, const std::string& line);
  void closeConnection(std::list<Connection>::iterator it);
  void broadcast(const std::vector<LockdEvent>& events);
  void checkLost();
  void reexec();

  LockTable& table_;
  ServerSetup setup_;
  int signalFd_ = -1;
  int timerFd_ = -1;
  std::uint64_t nextConnection_ = 1;
  std::list<Connection> connections_;
};

}  // namespace virtus::lockd
