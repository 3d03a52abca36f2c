#include "lockd/lockd_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lockd/lockd_paths.h"
#include "lockd/lockd_protocol.h"
#include "lockd/pidfd.h"

extern char** environ;

namespace virtus::lockd {

namespace {

using Clock = std::chrono::steady_clock;

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

std::string errnoText(int err) {
  char buf[256];
  return strerror_r(err, buf, sizeof buf);
}

Error connectError(const std::string& path, const std::string& reason) {
  return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                   "Failed to connect to virtus-lockd at '" + path + "': " + reason);
}

// A connected socket, or the errno of the failure.
struct Connected {
  int fd = -1;
  int err = 0;
};

Connected connectSocket(const std::string& path, std::chrono::milliseconds timeout) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path)
    return {-1, ENAMETOOLONG};
  path.copy(addr.sun_path, path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return {-1, errno};
  // A unix connect waits only while the backlog is full, bounded by the send timeout.
  timeval tv = {};
  auto ms = std::max<std::int64_t>(timeout.count(), 1);
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    int err = errno;
    ::close(fd);
    return {-1, err};
  }
  timeval zero = {};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &zero, sizeof zero);
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  return {fd, 0};
}

}  // namespace

LockdClient::LockdClient(int fd, std::string socketPath)
    : fd_(fd), socketPath_(std::move(socketPath)), buffer_(kMaxLineLength) {}

LockdClient::LockdClient(LockdClient&& other) noexcept
    : fd_(other.fd_),
      socketPath_(std::move(other.socketPath_)),
      buffer_(std::move(other.buffer_)),
      requestTimeout_(other.requestTimeout_) {
  other.fd_ = -1;
}

LockdClient& LockdClient::operator=(LockdClient&& other) noexcept {
  if (this != &other) {
    closeFd();
    fd_ = other.fd_;
    socketPath_ = std::move(other.socketPath_);
    buffer_ = std::move(other.buffer_);
    requestTimeout_ = other.requestTimeout_;
    other.fd_ = -1;
  }
  return *this;
}

LockdClient::~LockdClient() {
  closeFd();
}

void LockdClient::closeFd() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
}

Result<LockdClient> LockdClient::connect(const std::string& socketPath,
                                         std::chrono::milliseconds timeout) {
  Connected c = connectSocket(socketPath, timeout);
  if (c.fd < 0)
    return connectError(socketPath, errnoText(c.err));
  return LockdClient(c.fd, socketPath);
}

Error LockdClient::failure(std::string what) const {
  return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                   "virtus-lockd at '" + socketPath_ + "' " + what);
}

Result<void> LockdClient::sendAll(const std::string& data, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      int err = errno;
      closeFd();
      return failure("cannot be written to: " + errnoText(err));
    }
    pollfd pfd = {fd_, POLLOUT, 0};
    int rc = ::poll(&pfd, 1, remainingMs(deadline));
    if (rc == 0) {
      closeFd();
      return makeError(ErrorCode::OperationTimeout, ErrorDomain::Locking,
                       "virtus-lockd at '" + socketPath_ + "' did not take a request in time");
    }
  }
  return ok();
}

Result<std::optional<std::string>> LockdClient::readLine(Clock::time_point deadline) {
  for (;;) {
    if (auto line = buffer_.next())
      return std::optional<std::string>(std::move(*line));
    if (buffer_.overflowed()) {
      closeFd();
      return failure("sent an over-long line");
    }
    pollfd pfd = {fd_, POLLIN, 0};
    int rc = ::poll(&pfd, 1, remainingMs(deadline));
    if (rc < 0) {
      if (errno == EINTR)
        continue;
      return failure("cannot be waited for: " + errnoText(errno));
    }
    if (rc == 0)
      return std::optional<std::string>();
    char buf[65536];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        continue;
      int err = errno;
      closeFd();
      return failure("cannot be read from: " + errnoText(err));
    }
    if (n == 0) {
      closeFd();
      return failure("closed the connection");
    }
    buffer_.append(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

Result<std::string> LockdClient::roundTrip(const std::string& line) {
  if (fd_ < 0)
    return failure("is not connected");
  auto deadline = Clock::now() + requestTimeout_;
  TRY(sendAll(line + "\n", deadline));
  TRY_ASSIGN(auto reply, readLine(deadline));
  if (!reply) {
    // The reply may still come: the stream is out of step, so drop it.
    closeFd();
    return makeError(ErrorCode::OperationTimeout, ErrorDomain::Locking,
                     "virtus-lockd at '" + socketPath_ + "' did not answer within " +
                         std::to_string(requestTimeout_.count()) + " ms");
  }
  return std::move(*reply);
}

Result<std::string> LockdClient::rawRequest(const std::string& line) {
  return roundTrip(line);
}

Result<void> LockdClient::acquire(const LockdOwnerSpec& owner,
                                  const std::vector<LockdResourceSpec>& resources) {
  LockdRequest request;
  request.op = LockdOp::Acquire;
  request.owner = owner;
  request.resources = resources;
  TRY_ASSIGN(std::string reply, roundTrip(formatRequest(request)));
  return parseOkReply(reply);
}

Result<void> LockdClient::setPid(const std::string& uuid, pid_t pid) {
  LockdRequest request;
  request.op = LockdOp::SetPid;
  request.uuid = uuid;
  request.pid = pid;
  TRY_ASSIGN(std::string reply, roundTrip(formatRequest(request)));
  return parseOkReply(reply);
}

Result<void> LockdClient::release(const std::string& uuid,
                                  const std::vector<LockdResourceSpec>& resources) {
  LockdRequest request;
  request.op = LockdOp::Release;
  request.uuid = uuid;
  request.resources = resources;
  TRY_ASSIGN(std::string reply, roundTrip(formatRequest(request)));
  return parseOkReply(reply);
}

Result<std::vector<LockdHeld>> LockdClient::list() {
  LockdRequest request;
  request.op = LockdOp::List;
  TRY_ASSIGN(std::string reply, roundTrip(formatRequest(request)));
  return parseListReply(reply);
}

Result<LockdStatus> LockdClient::status() {
  LockdRequest request;
  request.op = LockdOp::Status;
  TRY_ASSIGN(std::string reply, roundTrip(formatRequest(request)));
  return parseStatusReply(reply);
}

Result<void> LockdClient::subscribe() {
  LockdRequest request;
  request.op = LockdOp::Subscribe;
  TRY_ASSIGN(std::string reply, roundTrip(formatRequest(request)));
  return parseOkReply(reply);
}

Result<std::optional<LockdEvent>> LockdClient::nextEvent(std::chrono::milliseconds timeout) {
  if (fd_ < 0)
    return failure("is not connected");
  TRY_ASSIGN(auto line, readLine(Clock::now() + timeout));
  if (!line)
    return std::optional<LockdEvent>();
  TRY_ASSIGN(LockdEvent event, parseEvent(*line));
  return std::optional<LockdEvent>(std::move(event));
}

std::string lockdSocketPath(const LockdLaunch& launch) {
  return launch.socketPath.empty() ? defaultLockdSocketPath(launch.root) : launch.socketPath;
}

namespace {

// Runs `argv` in its own session with stdout and stderr into a pipe, waits (until
// `deadline`) for it to exit, and returns what it printed, or why it failed.
struct StarterOutcome {
  bool exited = false;
  int status = 0;
  std::string output;
  std::string failure;  // could not run or wait
};

StarterOutcome runStarter(const std::vector<std::string>& args, Clock::time_point deadline) {
  StarterOutcome outcome;
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) < 0) {
    outcome.failure = "cannot create a pipe: " + errnoText(errno);
    return outcome;
  }
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& arg : copy)
    argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own session: the daemon must not go with the caller's process group or terminal.
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipeFds[1]);
  if (rc != 0) {
    ::close(pipeFds[0]);
    outcome.failure = "cannot run it: " + errnoText(rc);
    return outcome;
  }
  int pidfd = openPidFd(pid);
  bool open = true;
  for (;;) {
    pollfd fds[2] = {{pipeFds[0], static_cast<short>(open ? POLLIN : 0), 0}, {pidfd, POLLIN, 0}};
    int n = ::poll(fds, pidfd >= 0 ? 2 : 1, remainingMs(deadline));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (fds[0].revents) {
      char buf[4096];
      ssize_t got = ::read(pipeFds[0], buf, sizeof buf);
      if (got > 0 && outcome.output.size() < 65536)
        outcome.output.append(buf, static_cast<std::size_t>(got));
      if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
        open = false;
    }
    if (pidfd >= 0 && (fds[1].revents & POLLIN))
      break;
    if (pidfd < 0 && !open)
      break;
  }
  // Whatever is left in the pipe of a starter that exited.
  int flags = ::fcntl(pipeFds[0], F_GETFL);
  ::fcntl(pipeFds[0], F_SETFL, flags | O_NONBLOCK);
  char buf[4096];
  ssize_t got;
  while ((got = ::read(pipeFds[0], buf, sizeof buf)) > 0 && outcome.output.size() < 65536)
    outcome.output.append(buf, static_cast<std::size_t>(got));
  ::close(pipeFds[0]);
  if (pidfd >= 0)
    ::close(pidfd);
  int status = 0;
  pid_t waited = ::waitpid(pid, &status, WNOHANG);
  if (waited == pid) {
    outcome.exited = true;
    outcome.status = status;
  } else {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    outcome.failure = "it did not finish starting in time";
  }
  return outcome;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  for (auto& c : text) {
    if (c == '\n')
      c = ' ';
  }
  return text;
}

}  // namespace

Result<LockdClient> connectOrStart(const LockdLaunch& launch, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string socketPath = lockdSocketPath(launch);
  Connected first = connectSocket(socketPath, timeout);
  if (first.fd >= 0)
    return LockdClient(first.fd, socketPath);
  if (first.err != ENOENT && first.err != ECONNREFUSED)
    return connectError(socketPath, errnoText(first.err));

  std::string binary = launch.binary.empty() ? "virtus-lockd" : launch.binary;
  std::vector<std::string> args = {binary, "--daemon"};
  auto add = [&](const char* option, const std::string& value) {
    if (!value.empty()) {
      args.push_back(option);
      args.push_back(value);
    }
  };
  add("--root", launch.root);
  add("--socket", launch.socketPath);
  add("--pid-file", launch.pidFile);
  add("--host", launch.host);
  StarterOutcome outcome = runStarter(args, deadline);

  // Another caller may have started it at the same moment ("already running"): its socket
  // comes up shortly, so keep trying until the deadline, unless the start plainly failed.
  bool mayComeUp =
      outcome.failure.empty() && ((WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) == 0) ||
                                  outcome.output.find("already running") != std::string::npos);
  Connected again;
  for (;;) {
    again =
        connectSocket(socketPath, std::chrono::milliseconds(std::max(remainingMs(deadline), 1)));
    if (again.fd >= 0 || (again.err != ENOENT && again.err != ECONNREFUSED) || !mayComeUp ||
        remainingMs(deadline) == 0)
      break;
    ::poll(nullptr, 0, 20);
  }
  if (again.fd >= 0)
    return LockdClient(again.fd, socketPath);
  std::string why = outcome.failure;
  if (why.empty()) {
    std::string output = trimmed(outcome.output);
    if (!output.empty())
      why = output;
    else if (WIFEXITED(outcome.status))
      why = "it exited with status " + std::to_string(WEXITSTATUS(outcome.status));
    else
      why = "it was killed by signal " + std::to_string(WTERMSIG(outcome.status));
  }
  return makeError(ErrorCode::OperationFailed, ErrorDomain::Locking,
                   "Failed to start virtus-lockd '" + binary + "' for socket '" + socketPath +
                       "': " + why + " (then: " + errnoText(again.err) + ")");
}

}  // namespace virtus::lockd
