// Test support: the daemon's end of a socketpair, driven by a test script, and the real
// traffic of ../shared/wire-captures replayed to a client. Header-only, for tests.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rpc/frame_decoder.h"
#include "rpc/message.h"

namespace virtus::rpc::testing {

inline std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// One frame of a capture file: 'C' (client to server) or 'S', with its bytes.
struct CapturedFrame {
  char from = 'C';
  std::string bytes;  // the whole frame, length word included
};

inline std::vector<CapturedFrame> readCapture(const std::string& path) {
  std::vector<CapturedFrame> frames;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 3 || (line[0] != 'C' && line[0] != 'S'))
      continue;
    frames.push_back({line[0], unhex(line.substr(2))});
  }
  return frames;
}

inline std::string capturesDir() {
  return std::string(VIRTUS_FIXTURES_DIR) + "/../../wire-captures";
}

// The server's end: whole frames in and out, every wait bounded so a failing test ends.
class PeerSocket {
 public:
  explicit PeerSocket(int fd) : fd_(fd) {}
  ~PeerSocket() { close(); }
  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  bool send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool send(const MessageHeader& h, std::string_view payload = {}) {
    return send(encodeFrame(h, payload));
  }

  // The next whole frame (length word included), or nullopt on EOF or after 10 s.
  std::optional<std::string> receive(int timeoutMs = 10000) {
    for (;;) {
      if (auto body = decoder_.next()) {
        std::uint32_t len = static_cast<std::uint32_t>(body->size() + 4);
        std::string frame = {char(len >> 24), char(len >> 16), char(len >> 8), char(len)};
        return frame + *body;
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeoutMs) <= 0)
        return std::nullopt;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        return std::nullopt;
      decoder_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    }
  }
  std::optional<Message> receiveMessage(int timeoutMs = 10000) {
    auto frame = receive(timeoutMs);
    if (!frame)
      return std::nullopt;
    Message m;
    decodeHeader(std::string_view(*frame).substr(4), m.header);
    m.payload = frame->substr(4 + kHeaderSize);
    return m;
  }

 private:
  int fd_;
  FrameDecoder decoder_;
};

// Plays the server's side of a capture: each client frame must come byte for byte as
// recorded; each server frame is sent in order. Returns "" on success, else what differed.
inline std::string replayServer(PeerSocket& peer, const std::vector<CapturedFrame>& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].from == 'S') {
      if (!peer.send(frames[i].bytes))
        return "cannot send frame " + std::to_string(i);
      continue;
    }
    auto got = peer.receive();
    if (!got)
      return "frame " + std::to_string(i) + ": the client sent nothing";
    if (*got != frames[i].bytes)
      return "frame " + std::to_string(i) + " differs from the capture";
  }
  return "";
}

inline std::pair<int, int> socketPair() {
  int fds[2] = {-1, -1};
  ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
  return {fds[0], fds[1]};
}

}  // namespace virtus::rpc::testing
