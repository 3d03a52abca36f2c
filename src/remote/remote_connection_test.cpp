// The remote driver against the real traffic of ../shared/wire-captures: a fake daemon
// replays libvirtd's frames, and the driver's frames must equal virsh's byte for byte,
// which checks the handshake, the serials, the encoding of every call and the streams.
#include "remote/remote_connection.h"

#include <gtest/gtest.h>

#include <future>
#include <span>
#include <thread>

#include "rpc/client_test_peer.h"

namespace virtus::remote {
namespace {

using rpc::testing::CapturedFrame;
using rpc::testing::PeerSocket;

struct Replay {
  std::unique_ptr<rpc::RpcClient> client;
  std::unique_ptr<PeerSocket> peer;
  std::future<std::string> server;
  std::vector<CapturedFrame> frames;
};

Replay startReplay(const std::string& fixture) {
  Replay r;
  r.frames = rpc::testing::readCapture(rpc::testing::capturesDir() + "/" + fixture + ".hex");
  auto [clientFd, serverFd] = rpc::testing::socketPair();
  r.client = rpc::RpcClient::adoptSocket(clientFd);
  r.peer = std::make_unique<PeerSocket>(serverFd);
  r.server = std::async(std::launch::async, [peer = r.peer.get(), frames = r.frames] {
    return rpc::testing::replayServer(*peer, frames);
  });
  return r;
}

// The raw data of the capture's STREAM frames from one side.
std::string streamData(const std::vector<CapturedFrame>& frames, char from) {
  std::string data;
  for (const auto& f : frames) {
    rpc::MessageHeader h;
    rpc::decodeHeader(std::string_view(f.bytes).substr(4), h);
    if (f.from == from && h.type == rpc::MessageType::Stream &&
        h.status == rpc::MessageStatus::Continue)
      data += f.bytes.substr(28);
  }
  return data;
}

TEST(RemoteConnection, PoolInfoMatchesVirshByteForByte) {
  Replay r = startReplay("pool_info");
  ASSERT_FALSE(r.frames.empty()) << rpc::testing::capturesDir();
  {
    auto conn = openRemoteConnectionOn(std::move(r.client), "qemu:///session",
                                       "qemu+unix:///session?socket=x");
    ASSERT_TRUE(conn) << conn.error().text();
    auto& storage = (*conn)->storage();
    auto pool = storage.lookupPoolByName("wirepool");
    ASSERT_TRUE(pool) << pool.error().text();
    EXPECT_EQ(pool->name, "wirepool");
    EXPECT_EQ(pool->uuid.str(), "b0af5af7-0232-45e2-a363-7b10f3e7aa5d");
    auto info = storage.poolInfo(*pool);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state, driver::PoolState::Running);
    EXPECT_EQ(info->capacity, 270553174016u);
    EXPECT_EQ(info->allocation, 18282446848u);
    EXPECT_EQ(info->available, 252270727168u);
    auto persistent = storage.poolIsPersistent(*pool);
    ASSERT_TRUE(persistent);
    EXPECT_TRUE(*persistent);
    auto autostart = storage.poolAutostart(*pool);
    ASSERT_TRUE(autostart);
    EXPECT_TRUE(*autostart);
    EXPECT_EQ((*conn)->uri(), "qemu+unix:///session?socket=x");
  }  // closing sends UNREGISTER_CLOSE_CALLBACK and CONNECT_CLOSE
  EXPECT_EQ(r.server.get(), "");
}

TEST(RemoteConnection, LookupMissReportsTheDaemonsError) {
  Replay r = startReplay("pool_info_missing");
  {
    auto conn = openRemoteConnectionOn(std::move(r.client), "qemu:///session", "u");
    ASSERT_TRUE(conn) << conn.error().text();
    auto pool = (*conn)->storage().lookupPoolByName("nosuchpool");
    ASSERT_FALSE(pool);
    EXPECT_EQ(pool.error().code, ErrorCode::NoStoragePool);
    EXPECT_EQ(pool.error().domain, ErrorDomain::Storage);
    EXPECT_EQ(pool.error().text(),
              "Storage pool not found: no storage pool with matching name 'nosuchpool'");
  }
  EXPECT_EQ(r.server.get(), "");
}

class StringSource : public driver::StreamSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<driver::StreamChunk> next(std::size_t maxBytes) override {
    driver::StreamChunk c;
    if (pos_ >= data_.size())
      return c;
    c.kind = driver::StreamChunk::Kind::Data;
    c.data = data_.substr(pos_, maxBytes);
    pos_ += c.data.size();
    return c;
  }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

class StringSink : public driver::StreamSink {
 public:
  Result<void> write(std::span<const char> data) override {
    data_.append(data.data(), data.size());
    return ok();
  }
  Result<void> hole(std::uint64_t length) override {
    data_.append(length, '\0');
    return ok();
  }
  Result<void> finish() override {
    finished_ = true;
    return ok();
  }
  std::string data_;
  bool finished_ = false;
};

TEST(RemoteConnection, UploadMatchesVirshByteForByte) {
  Replay r = startReplay("vol_upload");
  std::string data = streamData(r.frames, 'C');
  ASSERT_EQ(data.size(), 1000u);
  {
    auto conn = openRemoteConnectionOn(std::move(r.client), "qemu:///session", "u");
    ASSERT_TRUE(conn) << conn.error().text();
    auto& storage = (*conn)->storage();
    auto pool = storage.lookupPoolByName("wirepool");
    ASSERT_TRUE(pool);
    ASSERT_TRUE(storage.poolIsActive(*pool).value_or(false));
    auto vol = storage.lookupVolByName(*pool, "vol1.img");
    ASSERT_TRUE(vol);
    EXPECT_EQ(vol->key, "${STATE}/wirepool/vol1.img");
    auto owner = storage.lookupPoolByVolume(*vol);
    ASSERT_TRUE(owner);
    EXPECT_EQ(*owner, *pool);
    StringSource source(data);
    std::vector<std::uint64_t> progress;
    auto up = storage.uploadVol(*vol, 0, 0, 0, source, [&](std::uint64_t done, std::uint64_t) {
      progress.push_back(done);
    });
    ASSERT_TRUE(up) << up.error().text();
    EXPECT_EQ(progress, std::vector<std::uint64_t>{1000});
  }
  EXPECT_EQ(r.server.get(), "");
}

TEST(RemoteConnection, DownloadMatchesVirshByteForByte) {
  Replay r = startReplay("vol_download");
  std::string expected = streamData(r.frames, 'S');
  ASSERT_EQ(expected.size(), 1000u);
  StringSink sink;
  {
    auto conn = openRemoteConnectionOn(std::move(r.client), "qemu:///session", "u");
    ASSERT_TRUE(conn) << conn.error().text();
    auto& storage = (*conn)->storage();
    auto pool = storage.lookupPoolByName("wirepool");
    ASSERT_TRUE(pool);
    ASSERT_TRUE(storage.poolIsActive(*pool).value_or(false));
    auto vol = storage.lookupVolByName(*pool, "vol1.img");
    ASSERT_TRUE(vol);
    ASSERT_TRUE(storage.lookupPoolByVolume(*vol));
    auto down = storage.downloadVol(*vol, 0, 1000, 0, sink);
    ASSERT_TRUE(down) << down.error().text();
  }
  EXPECT_EQ(r.server.get(), "");
  EXPECT_EQ(sink.data_, expected);
  EXPECT_TRUE(sink.finished_);
}

TEST(RemoteConnection, SecretSetValueMatchesVirshByteForByte) {
  Replay r = startReplay("secret2_set_value");
  // The value virsh read from its file, taken from its SECRET_SET_VALUE call.
  std::string value;
  for (const auto& f : r.frames) {
    rpc::MessageHeader h;
    rpc::decodeHeader(std::string_view(f.bytes).substr(4), h);
    if (f.from == 'C' && h.procedure == 144) {
      rpc::remote::SecretSetValueArgs args;
      ASSERT_TRUE(rpc::xdrDecodeAll(std::string_view(f.bytes).substr(28), args));
      value = args.value.bytes;
    }
  }
  ASSERT_FALSE(value.empty());
  {
    auto conn = openRemoteConnectionOn(std::move(r.client), "qemu:///session", "u");
    ASSERT_TRUE(conn) << conn.error().text();
    auto uuid = Uuid::parse("7c1d0e55-31a8-4d8e-9a6b-2f3e4d5c6b7a");
    ASSERT_TRUE(uuid);
    auto secret = (*conn)->secrets().lookupSecretByUuid(*uuid);
    ASSERT_TRUE(secret) << secret.error().text();
    EXPECT_EQ(secret->usageType, driver::SecretUsageType::Ceph);
    auto set = (*conn)->secrets().setSecretValue(*secret, value, 0);
    ASSERT_TRUE(set) << set.error().text();
  }
  EXPECT_EQ(r.server.get(), "");
}

}  // namespace
}  // namespace virtus::remote
