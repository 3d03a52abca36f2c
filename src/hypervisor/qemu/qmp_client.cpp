#include "hypervisor/qemu/qmp_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qmp_message.h"
#include "os/clock.h"

namespace virtus::qemu {

namespace {

using RealClock = std::chrono::steady_clock;

long long millisBetween(QmpClient::Deadline from, QmpClient::Deadline to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

int pollTimeoutMs(RealClock::time_point until) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(until - RealClock::now());
  if (left.count() <= 0)
    return 0;
  return left.count() > INT_MAX ? INT_MAX : static_cast<int>(left.count());
}

Error timeoutError(std::string_view command, long long ms) {
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::Qemu,
                   "the QEMU monitor did not answer the command '" + std::string(command) +
                       "' within " + std::to_string(ms) + " ms");
}

}  // namespace

struct QmpClient::Pending {
  std::string command;
  std::optional<Result<nlohmann::json>> outcome;
};

QmpClient::QmpClient(int fd, int wakeFd, const os::Clock& clock, QmpClientOptions options)
    : fd_(fd),
      wakeFd_(wakeFd),
      clock_(clock),
      options_(std::move(options)),
      lines_(options_.maxLineBytes) {}

QmpClient::~QmpClient() {
  if (reader_.joinable()) {
    std::uint64_t one = 1;
    while (::write(wakeFd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
    reader_.join();
  }
  ::close(fd_);
  ::close(wakeFd_);
}

Result<std::unique_ptr<QmpClient>> QmpClient::open(int fd, const os::Clock& clock,
                                                   Deadline deadline, QmpClientOptions options) {
  int wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeFd < 0) {
    int err = errno;
    ::close(fd);
    return systemError(ErrorDomain::Qemu, err, "Unable to create an eventfd for the QEMU monitor");
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    int err = errno;
    ::close(fd);
    ::close(wakeFd);
    return systemError(ErrorDomain::Qemu, err,
                       "Unable to make the QEMU monitor socket non-blocking");
  }
  std::unique_ptr<QmpClient> client(new QmpClient(fd, wakeFd, clock, std::move(options)));
  client->reader_ = std::thread([raw = client.get()] { raw->readerLoop(); });
  TRY(client->negotiate(deadline));
  return client;
}

RealClock::time_point QmpClient::realDeadline(Deadline deadline) const {
  // Waits run on the real clock; the injected one only says how much time is left. A year
  // stands for "no deadline" without overflowing the arithmetic.
  constexpr auto kFar = std::chrono::hours(24 * 365);
  auto now = clock_.now();
  auto left = deadline > now + kFar ? RealClock::duration(kFar) : deadline - now;
  return RealClock::now() + left;
}

Result<void> QmpClient::negotiate(Deadline deadline) {
  auto start = clock_.now();
  {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, realDeadline(deadline), [&] { return greeted_ || closed_; });
    if (closed_)
      return *closed_;
    if (!greeted_)
      return makeError(ErrorCode::OperationTimeout, ErrorDomain::Qemu,
                       "QEMU did not send its QMP greeting within " +
                           std::to_string(millisBetween(start, deadline)) + " ms");
  }
  TRY(run("qmp_capabilities", nullptr, deadline));
  std::lock_guard lock(mutex_);
  negotiated_ = true;
  return ok();
}

Result<nlohmann::json> QmpClient::execute(std::string_view command, const nlohmann::json& arguments,
                                          Deadline deadline) {
  return run(command, &arguments, deadline);
}

Result<nlohmann::json> QmpClient::execute(std::string_view command, Deadline deadline) {
  return run(command, nullptr, deadline);
}

Result<nlohmann::json> QmpClient::run(std::string_view command, const nlohmann::json* arguments,
                                      Deadline deadline) {
  auto start = clock_.now();
  if (start >= deadline)
    return timeoutError(command, 0);
  auto until = realDeadline(deadline);
  auto pending = std::make_shared<Pending>();
  pending->command = std::string(command);
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (closed_)
      return *closed_;
    id = nextId_++;
    pending_.emplace(id, pending);
  }
  auto forget = [&] {
    std::lock_guard lock(mutex_);
    pending_.erase(id);
  };
  Result<std::string> line = formatQmpCommand(command, arguments, id);
  if (!line) {
    forget();
    return std::move(line).error();
  }
  if (auto written = writeLine(*line, until, command); !written) {
    forget();
    return std::move(written).error();
  }
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, until, [&] { return pending->outcome.has_value(); });
  if (!pending->outcome) {
    // A reply that comes later finds no caller and is dropped.
    pending_.erase(id);
    return timeoutError(command, millisBetween(start, deadline));
  }
  return std::move(*pending->outcome);
}

Result<void> QmpClient::writeLine(const std::string& line, RealClock::time_point until,
                                  std::string_view command) {
  std::lock_guard writing(writeMutex_);
  std::size_t sent = 0;
  // A command cut in the middle would garble the next one: the stream is unusable then.
  auto breakStream = [&](Error error) {
    if (sent > 0) {
      closeWith(error);
      ::shutdown(fd_, SHUT_RDWR);
    }
    return error;
  };
  while (sent < line.size()) {
    ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    int err = n < 0 ? errno : EIO;
    if (err == EINTR)
      continue;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};
      int r = ::poll(&p, 1, pollTimeoutMs(until));
      if (r < 0 && errno != EINTR)
        return breakStream(systemError(ErrorDomain::Qemu, errno, "Unable to write to monitor"));
      if (r == 0)
        return breakStream(makeError(
            ErrorCode::OperationTimeout, ErrorDomain::Qemu,
            "the QEMU monitor did not read the command '" + std::string(command) + "' in time"));
      continue;
    }
    if (err == EPIPE || err == ECONNRESET)
      return breakStream(closedError());
    return breakStream(systemError(ErrorDomain::Qemu, err, "Unable to write to monitor"));
  }
  return ok();
}

Error QmpClient::closedError() const {
  std::lock_guard lock(mutex_);
  if (closed_)
    return *closed_;
  // libvirt's words: the second when QEMU goes away after the monitor was set up, the
  // first when it dies while starting (the driver adds QEMU's log to it).
  return makeError(
      ErrorCode::InternalError, ErrorDomain::Qemu,
      negotiated_ ? "End of file from qemu monitor" : "qemu unexpectedly closed the monitor");
}

bool QmpClient::closed() const {
  std::lock_guard lock(mutex_);
  return closed_.has_value();
}

Result<void> QmpClient::waitClosed(Deadline deadline) {
  auto start = clock_.now();
  std::unique_lock lock(mutex_);
  if (!closed_ && start < deadline)
    changed_.wait_until(lock, realDeadline(deadline), [&] { return closed_.has_value(); });
  if (closed_)
    return ok();
  return makeError(ErrorCode::OperationTimeout, ErrorDomain::Qemu,
                   "the QEMU monitor did not close within " +
                       std::to_string(millisBetween(start, deadline)) + " ms");
}

void QmpClient::closeWith(Error error) {
  {
    std::lock_guard lock(mutex_);
    if (closed_)
      return;
    closed_ = error;  // new calls fail from now on
  }
  // The handler runs before the waiting calls return, as events run before later replies.
  if (options_.onClose)
    options_.onClose(error);
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, pending] : pending_)
      pending->outcome = error;
    pending_.clear();
  }
  changed_.notify_all();
}

void QmpClient::readerLoop() {
  char buffer[65536];
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wakeFd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      closeWith(systemError(ErrorDomain::Qemu, errno, "Unable to wait for the QEMU monitor"));
      return;
    }
    if (fds[1].revents != 0)
      return;  // the client is being destroyed
    ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        continue;
      // A QEMU that dies with a command unread resets the connection: an end of file too.
      if (errno == ECONNRESET) {
        closeWith(closedError());
        return;
      }
      closeWith(systemError(ErrorDomain::Qemu, errno, "Unable to read from monitor"));
      return;
    }
    if (got == 0) {
      closeWith(closedError());
      return;
    }
    lines_.feed(std::string_view(buffer, static_cast<std::size_t>(got)));
    while (auto line = lines_.next()) {
      if (line->empty())
        continue;
      if (auto handled = handleLine(*line); !handled) {
        closeWith(std::move(handled).error());
        return;
      }
    }
    if (lines_.overflowed()) {
      closeWith(makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                          "QEMU monitor reply exceeds buffer size (" +
                              std::to_string(lines_.maxLine()) + " bytes)"));
      return;
    }
  }
}

Result<void> QmpClient::handleLine(std::string_view line) {
  TRY_ASSIGN(QmpMessage message, parseQmpMessage(line));
  if (auto* greeting = std::get_if<QmpGreeting>(&message)) {
    {
      std::lock_guard lock(mutex_);
      if (greeted_)
        return ok();  // QEMU greets once; a second greeting changes nothing
      greeting_ = std::move(*greeting);
      greeted_ = true;
    }
    changed_.notify_all();
    return ok();
  }
  if (auto* event = std::get_if<QmpEvent>(&message)) {
    if (options_.onEvent)
      options_.onEvent(*event);
    return ok();
  }
  auto& reply = std::get<QmpReply>(message);
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.end();
    if (reply.id.is_number_unsigned())
      it = pending_.find(reply.id.get<std::uint64_t>());
    else if (reply.id.is_null())
      it = pending_.begin();  // QEMU answers in order: an id-less error is the oldest call's
    if (it == pending_.end())
      return ok();  // its caller gave up waiting
    Pending& pending = *it->second;
    if (reply.ok)
      pending.outcome = Result<nlohmann::json>(std::move(reply.value));
    else
      pending.outcome = Result<nlohmann::json>(qmpCommandError(pending.command, reply));
    pending_.erase(it);
  }
  changed_.notify_all();
  return ok();
}

}  // namespace virtus::qemu
