// A console session over libvirt's stream (DOMAIN_OPEN_CONSOLE): after the call's reply,
// the client's STREAM frames are written to a descriptor (the guest's pty) and what the
// descriptor gives goes to the client as STREAM frames with the call's procedure and
// serial. A thread per session moves the bytes, so that a quiet guest costs the daemon's
// I/O loop and workers nothing. The session ends when the client finishes or aborts the
// stream, when the descriptor reaches its end (the guest went away, or a forced open took
// the console over: an empty STREAM frame, the end of the data, which the client answers
// with its finish), on a read error (a STREAM error frame) or when the connection closes.
// Once the client finished or aborted, or the connection closed, the console is free at
// once: the stream's descriptor is replaced by /dev/null before the pump thread notices.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/dispatch_stream.h"

namespace virtus::daemon {

class ConsoleStream final : public DispatchStream,
                            public std::enable_shared_from_this<ConsoleStream> {
 public:
  // Takes `fd` (non-blocking). Nothing moves before start().
  ConsoleStream(rpc::ClientChannel& channel, const rpc::MessageHeader& call, int fd);
  ~ConsoleStream() override;
  ConsoleStream(const ConsoleStream&) = delete;
  ConsoleStream& operator=(const ConsoleStream&) = delete;

  // Starts the pump thread. `keepAlive` (the session owning the channel) lives as long as
  // the thread; `forget` runs on it when the stream ended on a read error (the client will
  // not finish it), so that the session drops the stream.
  void start(std::shared_ptr<void> keepAlive, std::function<void()> forget);

  bool onFrame(const rpc::MessageHeader& header, std::string_view payload) override;
  void abort() override;

  // Bounded wait for the pump thread to stop moving bytes (tests).
  bool waitStopped(std::chrono::milliseconds timeout);

 private:
  enum class Side { Open, Ended, Failed };
  // Moves bytes until the session ends; true when the stream ended on a failure that the
  // client will not answer (the session forgets it then).
  bool pump();
  void wake();
  // Sends what the descriptor gives to the client: Ended at its end (end of data sent),
  // Failed on an error (error frame sent) or a closed connection.
  Side readSide();
  // Writes the client's bytes; false when the descriptor refuses them.
  bool writeSide();
  void stop();
  void release();

  rpc::ClientChannel& channel_;
  const rpc::MessageHeader call_;
  int fd_ = -1;
  int wakeFd_ = -1;  // an eventfd: client data, finish, abort
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable stoppedCv_;
  std::string toGuest_;    // client bytes not yet written
  bool paused_ = false;    // the channel's reading is paused while toGuest_ is full
  bool ending_ = false;    // the client finished or aborted, or the connection closed
  bool released_ = false;  // fd_ is /dev/null now: the console is free
  bool stopped_ = false;
};

}  // namespace virtus::daemon
