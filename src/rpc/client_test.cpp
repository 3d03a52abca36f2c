#include "rpc/client.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "rpc/client_test_peer.h"
#include "rpc/remote_error.h"

namespace virtus::rpc {
namespace {

using remote::Proc;
using testing::PeerSocket;

struct Pair {
  std::unique_ptr<RpcClient> client;
  std::unique_ptr<PeerSocket> peer;
};

Pair makePair(ClientOptions options = {}) {
  auto [c, s] = testing::socketPair();
  return {RpcClient::adoptSocket(c, options), std::make_unique<PeerSocket>(s)};
}

MessageHeader replyTo(const MessageHeader& call, MessageStatus status = MessageStatus::Ok) {
  MessageHeader h = call;
  h.type = MessageType::Reply;
  h.status = status;
  return h;
}

MessageHeader keepalive(std::int32_t proc) {
  MessageHeader h;
  h.program = kKeepaliveProgram;
  h.version = kKeepaliveVersion;
  h.procedure = proc;
  h.type = MessageType::Message;
  return h;
}

TEST(RpcClient, SerialsStartAtZeroAndRepliesDecode) {
  Pair p = makePair();
  auto server = std::async(std::launch::async, [&] {
    for (std::uint32_t expected = 0; expected < 2; ++expected) {
      auto call = p.peer->receiveMessage();
      if (!call || call->header.serial != expected || call->header.procedure != 3)
        return false;
      p.peer->send(replyTo(call->header), xdrEncodeToString(remote::StringValue{"QEMU"}));
    }
    return true;
  });
  for (int i = 0; i < 2; ++i) {
    auto type = p.client->call<Proc::ConnectGetType>({});
    ASSERT_TRUE(type) << type.error().text();
    EXPECT_EQ(type->value, "QEMU");
  }
  EXPECT_TRUE(server.get());
}

TEST(RpcClient, UnknownProcedureBecomesNoSupport) {
  Pair p = makePair();
  auto server = std::async(std::launch::async, [&] {
    auto call = p.peer->receiveMessage();
    p.peer->send(replyTo(call->header, MessageStatus::Error),
                 xdrEncodeToString(toRemoteError(unknownProcedureError(403))));
  });
  auto caps = p.client->call<Proc::ConnectGetStoragePoolCapabilities>({0});
  server.get();
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().code, ErrorCode::NoSupport);
  EXPECT_TRUE(p.client->connected());
}

TEST(RpcClient, AnswersPingsAndDeliversEventsWhileWaiting) {
  Pair p = makePair();
  std::vector<std::int32_t> events;
  p.client->setEventHandler([&](const Message& m) { events.push_back(m.header.procedure); });
  auto server = std::async(std::launch::async, [&]() -> std::string {
    auto call = p.peer->receiveMessage();
    if (!call)
      return "no call";
    p.peer->send(keepalive(kKeepalivePing));
    auto pong = p.peer->receiveMessage();
    if (!pong || pong->header.program != kKeepaliveProgram ||
        pong->header.procedure != kKeepalivePong || pong->header.type != MessageType::Message ||
        pong->header.serial != 0 || !pong->payload.empty())
      return "no PONG";
    MessageHeader event;
    event.procedure = remote::kStoragePoolEventRefresh;
    event.type = MessageType::Message;
    p.peer->send(event, xdrEncodeToString(remote::PoolEventRefreshMsg{}));
    p.peer->send(replyTo(call->header), xdrEncodeToString(remote::IntValue{1}));
    return "";
  });
  auto active = p.client->call<Proc::StoragePoolIsActive>({});
  EXPECT_EQ(server.get(), "");
  ASSERT_TRUE(active) << active.error().text();
  EXPECT_EQ(active->value, 1);
  EXPECT_EQ(events, std::vector<std::int32_t>{remote::kStoragePoolEventRefresh});
}

TEST(RpcClient, ADaemonThatGoesAwayFailsTheCallAtOnce) {
  Pair p = makePair();  // the default ten-minute deadline: only EOF can end this call
  auto server = std::async(std::launch::async, [&] {
    p.peer->receiveMessage();
    p.peer->close();
  });
  auto r = p.client->call<Proc::ConnectGetType>({});
  server.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_NE(r.error().message.find("End of file while reading data"), std::string::npos);
  EXPECT_FALSE(p.client->connected());
  auto again = p.client->call<Proc::ConnectGetType>({});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "client socket is closed");
}

TEST(RpcClient, ASilentDaemonTimesOut) {
  ClientOptions options;
  options.replyTimeout = std::chrono::milliseconds(50);
  Pair p = makePair(options);
  auto r = p.client->call<Proc::ConnectGetType>({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationTimeout);
  EXPECT_FALSE(p.client->connected());
}

TEST(RpcClient, AReplyWithTheWrongProcedureFails) {
  Pair p = makePair();
  auto server = std::async(std::launch::async, [&] {
    auto call = p.peer->receiveMessage();
    MessageHeader h = replyTo(call->header);
    h.procedure = 4;
    p.peer->send(h, xdrEncodeToString(remote::HyperValue{1}));
  });
  auto r = p.client->call<Proc::ConnectGetType>({});
  server.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Rpc);
}

TEST(RpcClient, ConnectToAMissingSocketFails) {
  auto r = RpcClient::connectUnix("/nonexistent/virtus-test/sock");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SystemError);
  EXPECT_NE(r.error().message.find("'/nonexistent/virtus-test/sock'"), std::string::npos);
}

TEST(RpcClient, SparseUploadSendsHoleFramesAndWaitsForTheFinish) {
  Pair p = makePair();
  std::vector<UploadPiece> pieces(3);
  pieces[0].kind = UploadPiece::Kind::Data;
  pieces[0].data = "abc";
  pieces[1].kind = UploadPiece::Kind::Hole;
  pieces[1].holeLength = 1u << 20;
  pieces[2].kind = UploadPiece::Kind::End;
  std::size_t next = 0;
  auto server = std::async(std::launch::async, [&]() -> std::string {
    auto call = p.peer->receiveMessage();
    if (!call || call->header.procedure != 208)
      return "no call";
    p.peer->send(replyTo(call->header));
    auto data = p.peer->receiveMessage();
    if (!data || data->header.type != MessageType::Stream ||
        data->header.status != MessageStatus::Continue ||
        data->header.serial != call->header.serial || data->payload != "abc")
      return "bad data frame";
    auto hole = p.peer->receiveMessage();
    StreamHole h;
    if (!hole || hole->header.type != MessageType::StreamHole ||
        hole->header.status != MessageStatus::Continue || !xdrDecodeAll(hole->payload, h) ||
        h.length != (1 << 20) || h.flags != 0 || hole->payload.size() != 12)
      return "bad hole frame";
    auto fin = p.peer->receiveMessage();
    if (!fin || fin->header.type != MessageType::Stream ||
        fin->header.status != MessageStatus::Ok || !fin->payload.empty())
      return "bad finish";
    MessageHeader done = fin->header;
    p.peer->send(done);
    return "";
  });
  remote::VolTransferArgs args;
  args.flags = 1;
  auto r =
      p.client->upload<Proc::StorageVolUpload>(args, [&](std::size_t max) -> Result<UploadPiece> {
        EXPECT_EQ(max, kStreamChunkMax);
        return pieces[next++];
      });
  EXPECT_EQ(server.get(), "");
  EXPECT_TRUE(r) << r.error().text();
}

TEST(RpcClient, UploadRefusedByTheDaemonMidStreamReportsItsError) {
  Pair p = makePair();
  auto server = std::async(std::launch::async, [&] {
    auto call = p.peer->receiveMessage();
    p.peer->send(replyTo(call->header));
    MessageHeader err = call->header;
    err.type = MessageType::Stream;
    err.status = MessageStatus::Error;
    p.peer->send(
        err, xdrEncodeToString(toRemoteError(makeError(
                 ErrorCode::OperationFailed, ErrorDomain::Storage, "cannot write to 'vol1.img'"))));
  });
  auto r = p.client->upload<Proc::StorageVolUpload>({}, [&](std::size_t) -> Result<UploadPiece> {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the error arrives meanwhile
    UploadPiece piece;
    piece.kind = UploadPiece::Kind::Data;
    piece.data = "x";
    return piece;
  });
  server.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OperationFailed);
  EXPECT_EQ(r.error().message, "cannot write to 'vol1.img'");
}

TEST(RpcClient, SparseDownloadDeliversDataAndHolesThenConfirms) {
  Pair p = makePair();
  auto server = std::async(std::launch::async, [&]() -> std::string {
    auto call = p.peer->receiveMessage();
    p.peer->send(replyTo(call->header));
    MessageHeader s = call->header;
    s.type = MessageType::Stream;
    s.status = MessageStatus::Continue;
    p.peer->send(s, "data");
    MessageHeader hole = s;
    hole.type = MessageType::StreamHole;
    p.peer->send(hole, xdrEncodeToString(StreamHole{4096, 0}));
    p.peer->send(s, "");  // end of file
    auto fin = p.peer->receiveMessage();
    if (!fin || fin->header.type != MessageType::Stream || fin->header.status != MessageStatus::Ok)
      return "no finish";
    MessageHeader ok = s;
    ok.status = MessageStatus::Ok;
    p.peer->send(ok);
    return "";
  });
  std::string got;
  std::uint64_t holes = 0;
  DownloadSink sink;
  sink.data = [&](std::string_view d) -> Result<void> {
    got += d;
    return ok();
  };
  sink.hole = [&](std::uint64_t n) -> Result<void> {
    holes += n;
    return ok();
  };
  auto r = p.client->download<Proc::StorageVolDownload>({}, sink);
  EXPECT_EQ(server.get(), "");
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(got, "data");
  EXPECT_EQ(holes, 4096u);
}

}  // namespace
}  // namespace virtus::rpc
