// Volume upload and download over libvirt's streams. After the call's OK reply, data
// moves as STREAM frames with the call's procedure and serial: raw bytes with status
// CONTINUE, holes as STREAM_HOLE frames (sparse streams only), and a finish handshake
// with status OK. An upload's data arrives on the I/O thread and is consumed by the
// worker running the driver's upload; a download's worker sends frames itself.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "driver/stream.h"
#include "rpc/dispatcher.h"
#include "rpc/message.h"

namespace virtus::daemon {

class DispatchStream {
 public:
  virtual ~DispatchStream() = default;
  // A STREAM or STREAM_HOLE frame from the client (I/O thread). True when the stream is
  // over and the session may forget it.
  virtual bool onFrame(const rpc::MessageHeader& header, std::string_view payload) = 0;
  // The connection closed.
  virtual void abort() = 0;
};

// The stream frames' common header: the call's program, procedure and serial.
rpc::MessageHeader streamHeader(const rpc::MessageHeader& call, rpc::MessageType type,
                                rpc::MessageStatus status);

class UploadStream final : public DispatchStream, public driver::StreamSource {
 public:
  UploadStream(rpc::ClientChannel& channel, bool sparse);

  bool onFrame(const rpc::MessageHeader& header, std::string_view payload) override;
  void abort() override;
  Result<driver::StreamChunk> next(std::size_t maxBytes) override;

  // Whether the client finished (sent its OK) or aborted.
  bool finished() const;
  bool aborted() const;

 private:
  rpc::ClientChannel& channel_;
  const bool sparse_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<driver::StreamChunk> chunks_;
  std::size_t queuedBytes_ = 0;
  bool paused_ = false;
  bool finished_ = false;
  bool aborted_ = false;
  std::string failure_;
};

class DownloadStream final : public DispatchStream, public driver::StreamSink {
 public:
  DownloadStream(rpc::ClientChannel& channel, const rpc::MessageHeader& call, bool sparse);

  bool onFrame(const rpc::MessageHeader& header, std::string_view payload) override;
  void abort() override;
  Result<void> write(std::span<const char> data) override;
  Result<void> hole(std::uint64_t length) override;
  Result<void> finish() override;

  bool aborted() const;

 private:
  rpc::ClientChannel& channel_;
  rpc::MessageHeader call_;
  const bool sparse_;
  mutable std::mutex mutex_;
  bool aborted_ = false;
};

}  // namespace virtus::daemon
