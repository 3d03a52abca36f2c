#include "daemon/dispatch_stream.h"

#include "rpc/stream_hole.h"
#include "rpc/xdr_codec.h"

namespace virtus::daemon {

namespace {

// Reading stops above the high mark and resumes below the low one.
constexpr std::size_t kUploadHighWater = 8u << 20;
constexpr std::size_t kUploadLowWater = 2u << 20;
// A download waits while this much is queued for the client.
constexpr std::size_t kDownloadQueueLimit = 4u << 20;

Error abortedError() {
  return makeError(ErrorCode::OperationAborted, ErrorDomain::Streams,
                   "the client aborted the stream");
}

}  // namespace

rpc::MessageHeader streamHeader(const rpc::MessageHeader& call, rpc::MessageType type,
                                rpc::MessageStatus status) {
  rpc::MessageHeader h = call;
  h.type = type;
  h.status = status;
  return h;
}

UploadStream::UploadStream(rpc::ClientChannel& channel, bool sparse)
    : channel_(channel), sparse_(sparse) {}

bool UploadStream::onFrame(const rpc::MessageHeader& header, std::string_view payload) {
  std::lock_guard lock(mutex_);
  if (finished_ || aborted_)
    return false;
  if (header.status == rpc::MessageStatus::Error) {
    aborted_ = true;
  } else if (header.status == rpc::MessageStatus::Ok) {
    finished_ = true;
    chunks_.push_back(driver::StreamChunk{driver::StreamChunk::Kind::End, {}, 0});
  } else if (header.type == rpc::MessageType::StreamHole) {
    rpc::StreamHole hole;
    const bool decoded = rpc::xdrDecodeAll(payload, hole);
    const std::int64_t length = hole.length;
    if (!decoded || length < 0 || !sparse_) {
      failure_ = sparse_ ? "the client sent a malformed stream hole"
                         : "the client sent a hole on a stream that is not sparse";
      aborted_ = true;
    } else if (length > 0) {
      chunks_.push_back(driver::StreamChunk{
          driver::StreamChunk::Kind::Hole, {}, static_cast<std::uint64_t>(length)});
    }
  } else if (!payload.empty()) {
    chunks_.push_back(
        driver::StreamChunk{driver::StreamChunk::Kind::Data, std::string(payload), 0});
    queuedBytes_ += payload.size();
    if (!paused_ && queuedBytes_ > kUploadHighWater) {
      paused_ = true;
      channel_.pauseReading();
    }
  }
  ready_.notify_all();
  return false;
}

void UploadStream::abort() {
  std::lock_guard lock(mutex_);
  aborted_ = true;
  ready_.notify_all();
}

Result<driver::StreamChunk> UploadStream::next(std::size_t maxBytes) {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return aborted_ || !chunks_.empty(); });
  if (aborted_) {
    if (!failure_.empty())
      return makeError(ErrorCode::Rpc, ErrorDomain::Streams, failure_);
    return abortedError();
  }
  driver::StreamChunk& front = chunks_.front();
  driver::StreamChunk out;
  if (front.kind == driver::StreamChunk::Kind::Data && front.data.size() > maxBytes) {
    out.kind = driver::StreamChunk::Kind::Data;
    out.data = front.data.substr(0, maxBytes);
    front.data.erase(0, maxBytes);
  } else {
    out = std::move(front);
    chunks_.pop_front();
  }
  queuedBytes_ -= out.data.size();
  if (paused_ && queuedBytes_ < kUploadLowWater) {
    paused_ = false;
    channel_.resumeReading();
  }
  return out;
}

bool UploadStream::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

bool UploadStream::aborted() const {
  std::lock_guard lock(mutex_);
  return aborted_;
}

DownloadStream::DownloadStream(rpc::ClientChannel& channel, const rpc::MessageHeader& call,
                               bool sparse)
    : channel_(channel), call_(call), sparse_(sparse) {}

bool DownloadStream::onFrame(const rpc::MessageHeader& header, std::string_view) {
  {
    std::lock_guard lock(mutex_);
    if (header.status == rpc::MessageStatus::Error)
      aborted_ = true;
  }
  // The client's finish, or its abort: either way confirm with an empty OK.
  if (header.status != rpc::MessageStatus::Continue) {
    channel_.send(rpc::encodeFrame(
        streamHeader(call_, rpc::MessageType::Stream, rpc::MessageStatus::Ok), {}));
    return true;
  }
  return false;
}

void DownloadStream::abort() {
  std::lock_guard lock(mutex_);
  aborted_ = true;
}

bool DownloadStream::aborted() const {
  std::lock_guard lock(mutex_);
  return aborted_;
}

Result<void> DownloadStream::write(std::span<const char> data) {
  auto header = streamHeader(call_, rpc::MessageType::Stream, rpc::MessageStatus::Continue);
  while (!data.empty()) {
    if (aborted() || !channel_.waitQueueBelow(kDownloadQueueLimit))
      return abortedError();
    std::size_t n = std::min<std::size_t>(data.size(), rpc::kStreamChunkMax);
    channel_.send(rpc::encodeFrame(header, std::string_view(data.data(), n)));
    data = data.subspan(n);
  }
  return {};
}

Result<void> DownloadStream::hole(std::uint64_t length) {
  if (!sparse_)
    return makeError(ErrorCode::InternalError, ErrorDomain::Streams,
                     "a hole cannot be sent on a stream that is not sparse");
  if (aborted() || !channel_.waitQueueBelow(kDownloadQueueLimit))
    return abortedError();
  channel_.send(rpc::encodeFrame(
      streamHeader(call_, rpc::MessageType::StreamHole, rpc::MessageStatus::Continue),
      rpc::xdrEncodeToString(rpc::StreamHole{static_cast<std::int64_t>(length), 0})));
  return {};
}

Result<void> DownloadStream::finish() {
  if (aborted())
    return abortedError();
  // An empty CONTINUE frame is the end of the data; the client then sends its finish.
  channel_.send(rpc::encodeFrame(
      streamHeader(call_, rpc::MessageType::Stream, rpc::MessageStatus::Continue), {}));
  return {};
}

}  // namespace virtus::daemon
