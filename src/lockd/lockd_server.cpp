#include "lockd/lockd_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "lockd/lockd_protocol.h"
#include "lockd/lockd_state.h"

namespace virtus::lockd {

namespace {

// A subscriber that does not read its events is dropped past this much backlog.
constexpr std::size_t kMaxPendingOutput = 4 * 1024 * 1024;

void logLine(const std::string& text) {
  std::cerr << "virtus-lockd: " << text << std::endl;
}

void setCloseOnExec(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags < 0)
    return;
  ::fcntl(fd, F_SETFD, on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC));
}

}  // namespace

sigset_t LockdServer::signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  return set;
}

LockdServer::LockdServer(LockTable& table, ServerSetup setup)
    : table_(table), setup_(std::move(setup)) {}

LockdServer::~LockdServer() {
  while (!connections_.empty())
    closeConnection(connections_.begin());
  for (int fd : {signalFd_, timerFd_, setup_.listenFd}) {
    if (fd >= 0)
      ::close(fd);
  }
}

Result<void> LockdServer::setUp() {
  sigset_t set = signals();
  signalFd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signalFd_ < 0)
    return systemError(ErrorDomain::Locking, errno, "Unable to create a signalfd");
  timerFd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timerFd_ < 0)
    return systemError(ErrorDomain::Locking, errno, "Unable to create a timerfd");
  itimerspec spec = {};
  spec.it_interval.tv_sec = setup_.checkInterval.count();
  spec.it_value.tv_sec = setup_.checkInterval.count();
  if (::timerfd_settime(timerFd_, 0, &spec, nullptr) < 0)
    return systemError(ErrorDomain::Locking, errno, "Unable to arm the check timer");
  int flags = ::fcntl(setup_.listenFd, F_GETFL);
  ::fcntl(setup_.listenFd, F_SETFL, flags | O_NONBLOCK);
  setCloseOnExec(setup_.listenFd, true);
  return ok();
}

Result<void> LockdServer::run() {
  TRY(setUp());
  std::vector<pollfd> fds;
  std::vector<std::string> pidOwners;
  for (;;) {
    // Layout: signal, timer, listen, pidfds..., connections...
    fds.clear();
    fds.push_back({signalFd_, POLLIN, 0});
    fds.push_back({timerFd_, POLLIN, 0});
    fds.push_back({setup_.listenFd, POLLIN, 0});
    pidOwners.clear();
    for (const auto& [pidfd, uuid] : table_.pidFds()) {
      fds.push_back({pidfd, POLLIN, 0});
      pidOwners.push_back(uuid);
    }
    std::size_t firstConnection = fds.size();
    for (const auto& conn : connections_) {
      short events = conn.eof ? 0 : POLLIN;
      if (!conn.out.empty())
        events |= POLLOUT;
      fds.push_back({conn.fd, events, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      return systemError(ErrorDomain::Locking, errno, "poll failed");
    }

    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info = {};
      while (::read(signalFd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT)
          return ok();
        if (info.ssi_signo == SIGUSR1)
          reexec();  // returns only when the exec failed
      }
    }
    if (fds[1].revents & POLLIN) {
      std::uint64_t expirations = 0;
      [[maybe_unused]] ssize_t n = ::read(timerFd_, &expirations, sizeof expirations);
      checkLost();
    }
    for (std::size_t i = 0; i < pidOwners.size(); ++i) {
      if (fds[3 + i].revents)
        table_.release(pidOwners[i], {});
    }
    // Connections before new ones, in the order polled (the list only grows at its end).
    auto it = connections_.begin();
    for (std::size_t i = firstConnection; i < fds.size() && it != connections_.end(); ++i) {
      short revents = fds[i].revents;
      bool keep = true;
      if (revents & POLLIN)
        keep = readFrom(*it);
      else if (revents & (POLLERR | POLLHUP | POLLNVAL))
        keep = (revents & POLLHUP) && !(revents & POLLERR) ? readFrom(*it) : false;
      if (keep && !it->out.empty())
        keep = writeTo(*it);
      if (keep && it->eof && it->out.empty())
        keep = false;
      if (keep) {
        ++it;
      } else {
        auto gone = it++;
        closeConnection(gone);
      }
    }
    if (fds[2].revents & POLLIN)
      acceptAll();
  }
}

void LockdServer::acceptAll() {
  for (;;) {
    int fd = ::accept4(setup_.listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        logLine(std::string("accept failed: ") + std::strerror(errno));
      return;
    }
    Connection conn;
    conn.fd = fd;
    conn.id = nextConnection_++;
    conn.in = LineBuffer(kMaxLineLength);
    connections_.push_back(std::move(conn));
  }
}

bool LockdServer::readFrom(Connection& conn) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(conn.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        break;
      return false;
    }
    if (n == 0) {
      conn.eof = true;
      break;
    }
    if (!conn.subscriber)
      conn.in.append(std::string_view(buf, static_cast<std::size_t>(n)));
    if (conn.in.overflowed())
      return false;
    while (auto line = conn.in.next())
      handleLine(conn, *line);
    if (conn.subscriber)
      conn.in = LineBuffer(kMaxLineLength);
    if (static_cast<std::size_t>(n) < sizeof buf)
      break;
  }
  while (auto line = conn.in.next())
    handleLine(conn, *line);
  return true;
}

bool LockdServer::writeTo(Connection& conn) {
  while (!conn.out.empty()) {
    ssize_t n = ::send(conn.fd, conn.out.data(), conn.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return conn.out.size() <= kMaxPendingOutput;
      return false;
    }
    conn.out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

void LockdServer::handleLine(Connection& conn, const std::string& line) {
  if (conn.subscriber)
    return;
  if (line.find_first_not_of(" \t") == std::string::npos)
    return;
  conn.out += dispatch(conn, line);
  conn.out += '\n';
}

std::string LockdServer::dispatch(Connection& conn, const std::string& line) {
  auto request = parseRequest(line);
  if (!request)
    return formatErrorReply(request.error());
  switch (request->op) {
    case LockdOp::Acquire: {
      auto done = table_.acquire(request->owner, request->resources, conn.id);
      return done ? formatOkReply() : formatErrorReply(done.error());
    }
    case LockdOp::SetPid: {
      auto done = table_.setPid(request->uuid, request->pid);
      return done ? formatOkReply() : formatErrorReply(done.error());
    }
    case LockdOp::Release:
      table_.release(request->uuid, request->resources);
      return formatOkReply();
    case LockdOp::List:
      return formatListReply(table_.host(), table_.list());
    case LockdOp::Status:
      return formatStatusReply(setup_.status);
    case LockdOp::Subscribe:
      conn.subscriber = true;
      return formatOkReply();
  }
  return formatErrorReply(
      makeError(ErrorCode::InternalError, ErrorDomain::Locking, "unhandled request"));
}

void LockdServer::closeConnection(std::list<Connection>::iterator it) {
  std::uint64_t id = it->id;
  ::close(it->fd);
  connections_.erase(it);
  table_.connectionClosed(id);
}

void LockdServer::broadcast(const std::vector<LockdEvent>& events) {
  if (events.empty())
    return;
  for (const auto& event : events) {
    logLine("lost the lock on '" + event.resource + "' of domain '" + event.domain +
            "': " + event.reason);
  }
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (!it->subscriber) {
      ++it;
      continue;
    }
    for (const auto& event : events)
      it->out += formatEvent(event) + "\n";
    if (writeTo(*it)) {
      ++it;
    } else {
      auto gone = it++;
      closeConnection(gone);
    }
  }
}

void LockdServer::checkLost() {
  broadcast(table_.checkLost());
}

void LockdServer::reexec() {
  // Connections do not survive exec, so neither do the owners tied to them.
  while (!connections_.empty())
    closeConnection(connections_.begin());
  table_.releasePending();

  DaemonState state;
  state.host = setup_.status.host;
  state.generation = setup_.status.generation + 1;
  state.started = setup_.status.started;
  state.listenFd = setup_.listenFd;
  state.pidFileFd = setup_.reexec.pidFileFd;
  state.pidFile = setup_.reexec.pidFile;
  state.socketPath = setup_.reexec.socketPath;
  state.owners = table_.snapshot();
  auto stateFd = writeStateFd(formatDaemonState(state));
  if (!stateFd) {
    logLine("cannot re-exec: " + stateFd.error().text());
    return;
  }
  std::vector<int> inherited = {setup_.listenFd, setup_.reexec.pidFileFd};
  for (const auto& owner : state.owners) {
    for (const auto& lock : owner.locks)
      inherited.push_back(lock.fd);
  }
  for (int fd : inherited) {
    if (fd >= 0)
      setCloseOnExec(fd, false);
  }
  std::vector<std::string> args = setup_.reexec.arguments(*stateFd);
  args.insert(args.begin(), setup_.reexec.program);
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::execv(setup_.reexec.program.c_str(), argv.data());
  int err = errno;
  for (int fd : inherited) {
    if (fd >= 0)
      setCloseOnExec(fd, true);
  }
  ::close(*stateFd);
  logLine("cannot re-exec '" + setup_.reexec.program + "': " + std::strerror(err));
}

}  // namespace virtus::lockd
