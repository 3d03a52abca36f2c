// Test support: QEMU's end of a QMP socketpair, driven by a test script. Every wait is
// bounded so that a failing test ends. Header-only, for tests.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "os/clock.h"

namespace virtus::qemu::testing {

// The greeting of Debian 12's QEMU 7.2, byte for byte.
inline constexpr const char* kGreeting =
    R"({"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, )"
    R"("package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}})"
    "\r\n";

inline std::pair<int, int> socketPair() {
  int fds[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return {-1, -1};
  return {fds[0], fds[1]};
}

class FakeQmpPeer {
 public:
  explicit FakeQmpPeer(int fd) : fd_(fd) {}
  ~FakeQmpPeer() { close(); }
  FakeQmpPeer(const FakeQmpPeer&) = delete;
  FakeQmpPeer& operator=(const FakeQmpPeer&) = delete;

  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool sendJson(const nlohmann::json& value) { return send(value.dump() + "\r\n"); }

  // The next line the client wrote, with its line end, or nullopt after `wait`.
  std::optional<std::string> readRawLine(
      std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
      if (auto end = buffer_.find('\n'); end != std::string::npos) {
        std::string line = buffer_.substr(0, end + 1);
        buffer_.erase(0, end + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() < 0)
        return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        return std::nullopt;
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0)
        return std::nullopt;
      buffer_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  // The next command the client sent, parsed; a null value after `wait`.
  nlohmann::json readCommand(std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    auto line = readRawLine(wait);
    if (!line)
      return nullptr;
    return nlohmann::json::parse(*line, nullptr, false);
  }

  // Greets and accepts qmp_capabilities; false when the client did not ask for it.
  bool handshake() {
    if (!send(kGreeting))
      return false;
    nlohmann::json command = readCommand();
    if (!command.is_object() || command.value("execute", "") != "qmp_capabilities")
      return false;
    return sendJson({{"return", nlohmann::json::object()}, {"id", command["id"]}});
  }

 private:
  int fd_;
  std::string buffer_;  // what the client wrote and the test did not read yet
};

// A clock that moves only when told to.
class FakeClock final : public os::Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  std::chrono::system_clock::time_point wallNow() const override { return {}; }
  void advance(std::chrono::steady_clock::duration d) { now_ += d; }

 private:
  std::chrono::steady_clock::time_point now_ =
      std::chrono::steady_clock::time_point() + std::chrono::hours(1000);
};

}  // namespace virtus::qemu::testing
