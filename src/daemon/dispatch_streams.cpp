// STORAGE_VOL_UPLOAD and STORAGE_VOL_DOWNLOAD: check the volume, reply, then move the
// data as stream frames while the driver reads or writes the volume on this worker.
#include "daemon/dispatch_handlers.h"
#include "daemon/dispatch_stream.h"
#include "rpc/remote_error.h"

namespace virtus::daemon {

namespace {

using namespace rpc::remote;

void sendStreamEnd(RemoteSession& s, const rpc::MessageHeader& call, const Result<void>& r) {
  if (r) {
    s.channel().send(
        rpc::encodeFrame(streamHeader(call, rpc::MessageType::Stream, rpc::MessageStatus::Ok), {}));
  } else {
    s.channel().send(
        rpc::encodeFrame(streamHeader(call, rpc::MessageType::Stream, rpc::MessageStatus::Error),
                         rpc::xdrEncodeToString(rpc::toRemoteError(r.error()))));
  }
}

}  // namespace

void registerStreamHandlers(HandlerTable& t) {
  t.on<Proc::StorageVolUpload>([](RemoteSession& s, const VolTransferArgs& a) -> Result<void> {
    driver::VolHandle vol = fromWire(a.vol);
    // Errors that need no data (unknown volume) belong in the call's reply.
    TRY(s.storage().volInfo(vol, 0));
    const rpc::MessageHeader call = s.currentCall();
    auto stream = std::make_shared<UploadStream>(
        s.channel(), (a.flags & driver::stream_flags::kSparseStream) != 0);
    s.addStream(call.serial, stream);
    s.replyOk();
    Result<void> r = s.storage().uploadVol(vol, a.offset, a.length, a.flags, *stream);
    s.removeStream(call.serial);
    // A client that aborted gets an empty OK for its abort, whatever the driver said.
    sendStreamEnd(s, call, stream->aborted() ? Result<void>() : r);
    return {};
  });
  t.on<Proc::StorageVolDownload>([](RemoteSession& s, const VolTransferArgs& a) -> Result<void> {
    driver::VolHandle vol = fromWire(a.vol);
    TRY(s.storage().volInfo(vol, 0));
    const rpc::MessageHeader call = s.currentCall();
    auto stream = std::make_shared<DownloadStream>(
        s.channel(), call, (a.flags & driver::stream_flags::kSparseStream) != 0);
    s.addStream(call.serial, stream);
    s.replyOk();
    Result<void> r = s.storage().downloadVol(vol, a.offset, a.length, a.flags, *stream);
    if (!r) {
      // The stream stays registered on success until the client's finish arrives.
      s.removeStream(call.serial);
      if (!stream->aborted())
        sendStreamEnd(s, call, r);
    }
    return {};
  });
}

}  // namespace virtus::daemon
