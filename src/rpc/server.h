// The protocol server: accepts clients on listening unix sockets, reads libvirt RPC frames,
// hands calls to a Dispatcher and writes replies, answers keepalive. Cheap calls run on the
// I/O thread; slow ones on a pool of workers, so that one client's pool build never delays
// another client's lookup.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace virtus::rpc {

class Dispatcher;

// A socket already listening (the daemon creates it with its mode and group).
struct Listener {
  int fd = -1;
  bool readOnly = false;  // clients here may only call procedures that change nothing
  std::string path;       // for messages
};

struct ServerOptions {
  std::vector<Listener> listeners;
  unsigned workers = 4;        // threads for slow calls
  unsigned maxClients = 5000;  // further connections are accepted and closed at once
  // Keepalive towards clients that asked for it (libvirtd's keepalive_interval/count).
  std::chrono::seconds keepaliveInterval{5};
  unsigned keepaliveCount = 5;
  // How long stop() lets calls in flight finish before closing their connections.
  std::chrono::milliseconds drainTimeout{10000};
};

class Server {
 public:
  Server(ServerOptions options, Dispatcher& dispatcher);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until stop() is called; returns once every connection is closed.
  void run();
  // Thread-safe (not async-signal-safe): stop accepting, let calls in flight reply
  // (bounded by drainTimeout), then close every connection.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace virtus::rpc
