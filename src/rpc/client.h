// The client side of libvirt's remote protocol over a unix socket: numbered calls with
// their replies, keepalive answers, events, and the data streams of uploads and
// downloads. One object serves one connection; calls from several threads are serialised.
//
//   TRY_ASSIGN(auto client, RpcClient::connectUnix("/run/libvirt/libvirt-sock"));
//   TRY_ASSIGN(auto pool, client->call<remote::Proc::StoragePoolLookupByName>({"default"}));
//
// Every wait is bounded: a reply or stream frame that does not come within the reply
// timeout fails the call and closes the connection (a late reply could not be matched any
// more), and a daemon that goes away fails the waiting call at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/result.h"
#include "rpc/frame_decoder.h"
#include "rpc/message.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/stream_hole.h"
#include "rpc/xdr_codec.h"

namespace virtus::rpc {

struct ClientOptions {
  std::chrono::milliseconds connectTimeout = std::chrono::seconds(10);
  // Slow calls (pool builds, volume wipes) take minutes on real storage.
  std::chrono::milliseconds replyTimeout = std::chrono::minutes(10);
};

// One step of an upload: a run of bytes, a hole (sparse streams only) or the end.
struct UploadPiece {
  enum class Kind { Data, Hole, End };
  Kind kind = Kind::End;
  std::string data;
  std::uint64_t holeLength = 0;
};
// Called for the next piece, with the most data bytes one frame carries.
using UploadSourceFn = std::function<Result<UploadPiece>(std::size_t maxBytes)>;

// Where a download goes: data runs, and holes (sparse streams only).
struct DownloadSink {
  std::function<Result<void>(std::string_view data)> data;
  std::function<Result<void>(std::uint64_t length)> hole;
};

// A MESSAGE frame of the REMOTE program (an event). Called with the client's lock held:
// the handler must not call the client.
using EventHandler = std::function<void(const Message& message)>;

class RpcClient {
 public:
  // Connects to a unix socket, giving up after options.connectTimeout.
  static Result<std::unique_ptr<RpcClient>> connectUnix(const std::string& path,
                                                        ClientOptions options = {});
  // Takes over a connected stream socket (tests use one end of a socketpair).
  static std::unique_ptr<RpcClient> adoptSocket(int fd, ClientOptions options = {});

  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  template <remote::Proc P>
  Result<typename remote::ProcSpec<P>::Ret> call(const typename remote::ProcSpec<P>::Args& args);

  // A call whose data follows it to the daemon (STORAGE_VOL_UPLOAD): the pieces of
  // `source` until it ends, then the finish handshake.
  template <remote::Proc P>
  Result<void> upload(const typename remote::ProcSpec<P>::Args& args, const UploadSourceFn& source);

  // A call whose data comes back from the daemon (STORAGE_VOL_DOWNLOAD), delivered to
  // `sink` until the end of the stream.
  template <remote::Proc P>
  Result<void> download(const typename remote::ProcSpec<P>::Args& args, const DownloadSink& sink);

  // The untyped forms: encoded arguments in, encoded result out.
  Result<std::string> callRaw(std::int32_t procedure, std::string_view args);
  Result<void> uploadRaw(std::int32_t procedure, std::string_view args,
                         const UploadSourceFn& source);
  Result<void> downloadRaw(std::int32_t procedure, std::string_view args, const DownloadSink& sink);

  void setEventHandler(EventHandler handler);
  // Handles what the daemon sent while no call was running (events, keepalive PINGs),
  // waiting at most `wait` for the first frame.
  Result<void> processIncoming(std::chrono::milliseconds wait);

  // False once the connection failed or the daemon closed it.
  bool connected() const;

 private:
  using Clock = std::chrono::steady_clock;

  RpcClient(int fd, ClientOptions options);

  Result<std::uint32_t> sendCall(std::int32_t procedure, std::string_view args);
  Result<std::string> awaitReply(std::int32_t procedure, std::uint32_t serial);
  Result<void> sendFrame(const MessageHeader& header, std::string_view payload);
  // The next frame for (procedure, serial), answering keepalive and delivering events on
  // the way. nullopt only with `wait` given and nothing for this call within it.
  Result<std::optional<Message>> awaitFrame(std::int32_t procedure, std::uint32_t serial,
                                            std::optional<Clock::duration> wait = std::nullopt);
  // The next frame from the socket, whatever it is; nullopt when `deadline` passed and
  // `softDeadline` is set.
  Result<std::optional<Message>> readMessage(Clock::time_point deadline, bool softDeadline);
  // Handles a frame that is not for the waiting call. Fails on a protocol violation.
  Result<void> handleOther(const Message& message);
  Result<void> finishStream(std::int32_t procedure, std::uint32_t serial);
  Result<void> abortStream(std::int32_t procedure, std::uint32_t serial, Error cause);
  Error fail(Error error);
  Error brokenError() const;

  mutable std::mutex mutex_;
  int fd_ = -1;
  ClientOptions options_;
  FrameDecoder decoder_;
  std::uint32_t nextSerial_ = 0;
  std::optional<Error> broken_;
  EventHandler events_;
};

// --- typed forms --------------------------------------------------------------------

namespace client_detail {
Error decodeFailure(std::string_view api, const char* why);
}

template <remote::Proc P>
Result<typename remote::ProcSpec<P>::Ret> RpcClient::call(
    const typename remote::ProcSpec<P>::Args& args) {
  using Spec = remote::ProcSpec<P>;
  static_assert((Spec::kAttrs & (remote::attr::kUpload | remote::attr::kDownload)) == 0,
                "streaming procedures go through upload() or download()");
  TRY_ASSIGN(std::string payload, callRaw(Spec::kNumber, xdrEncodeToString(args)));
  typename Spec::Ret ret;
  const char* why = nullptr;
  if (!xdrDecodeAll(payload, ret, &why))
    return client_detail::decodeFailure(Spec::kApi, why);
  return ret;
}

template <remote::Proc P>
Result<void> RpcClient::upload(const typename remote::ProcSpec<P>::Args& args,
                               const UploadSourceFn& source) {
  using Spec = remote::ProcSpec<P>;
  static_assert((Spec::kAttrs & remote::attr::kUpload) != 0, "not an upload procedure");
  static_assert(std::is_same_v<typename Spec::Ret, Void>);
  return uploadRaw(Spec::kNumber, xdrEncodeToString(args), source);
}

template <remote::Proc P>
Result<void> RpcClient::download(const typename remote::ProcSpec<P>::Args& args,
                                 const DownloadSink& sink) {
  using Spec = remote::ProcSpec<P>;
  static_assert((Spec::kAttrs & remote::attr::kDownload) != 0, "not a download procedure");
  static_assert(std::is_same_v<typename Spec::Ret, Void>);
  return downloadRaw(Spec::kNumber, xdrEncodeToString(args), sink);
}

}  // namespace virtus::rpc
