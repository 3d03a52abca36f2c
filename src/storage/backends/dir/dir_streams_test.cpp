#include <sys/stat.h>

#include <deque>

#include "driver/storage_flags.h"
#include "storage/backends/dir/dir_backend.h"
#include "storage/backends/dir/dir_test_support.h"

namespace virtus::storage::dir {
namespace {

using testing::DirBackendTest;
constexpr std::uint64_t kMiB = 1 << 20;

class ScriptedSource final : public driver::StreamSource {
 public:
  explicit ScriptedSource(std::deque<driver::StreamChunk> chunks) : chunks_(std::move(chunks)) {}
  Result<driver::StreamChunk> next(std::size_t maxBytes) override {
    if (chunks_.empty())
      return driver::StreamChunk{};
    auto& front = chunks_.front();
    if (front.kind == driver::StreamChunk::Kind::Data && front.data.size() > maxBytes) {
      driver::StreamChunk part{driver::StreamChunk::Kind::Data, front.data.substr(0, maxBytes), 0};
      front.data.erase(0, maxBytes);
      return part;
    }
    auto out = std::move(front);
    chunks_.pop_front();
    return out;
  }

 private:
  std::deque<driver::StreamChunk> chunks_;
};

driver::StreamChunk data(std::string bytes) {
  return {driver::StreamChunk::Kind::Data, std::move(bytes), 0};
}
driver::StreamChunk hole(std::uint64_t n) {
  return {driver::StreamChunk::Kind::Hole, {}, n};
}

class RecordingSink final : public driver::StreamSink {
 public:
  Result<void> write(std::span<const char> bytes) override {
    content.append(bytes.data(), bytes.size());
    if (!events.empty() && events.back().first == 'D') {
      events.back().second += bytes.size();
    } else {
      events.emplace_back('D', bytes.size());
    }
    return ok();
  }
  Result<void> hole(std::uint64_t length) override {
    content.append(length, '\0');
    events.emplace_back('H', length);
    return ok();
  }
  Result<void> finish() override {
    finished = true;
    return ok();
  }
  std::string content;
  std::vector<std::pair<char, std::uint64_t>> events;
  bool finished = false;
};

class DirStreamTest : public DirBackendTest {
 protected:
  model::VolDef rawVol(const std::string& name, std::uint64_t capacity) {
    auto vol = newVol(name, capacity, 0);
    EXPECT_TRUE(backend().buildVol(pool_, vol, 0));
    EXPECT_TRUE(backend().refreshVol(pool_, vol));
    return vol;
  }
};

TEST_F(DirStreamTest, SparseUploadPunchesHolesAndDownloadReportsThem) {
  auto vol = rawVol("u.raw", 8 * kMiB);
  writeFile(vol.target.path, 0, std::string(8 * kMiB, 'o'));  // old content everywhere
  ScriptedSource source(
      {data(std::string(kMiB, 'a')), hole(3 * kMiB), data(std::string(kMiB, 'b')), hole(3 * kMiB)});
  ASSERT_TRUE(
      backend().uploadVol(pool_, vol, 0, 0, driver::stream_flags::kSparseStream, source, {}));
  std::string expected = std::string(kMiB, 'a') + std::string(3 * kMiB, '\0') +
                         std::string(kMiB, 'b') + std::string(3 * kMiB, '\0');
  EXPECT_EQ(readAll(vol.target.path), expected);
  auto st = statOf(vol.target.path);
  EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, 3 * kMiB);

  RecordingSink sink;
  ASSERT_TRUE(
      backend().downloadVol(pool_, vol, 0, 0, driver::stream_flags::kSparseStream, sink, {}));
  EXPECT_TRUE(sink.finished);
  EXPECT_EQ(sink.content, expected);
  using Ev = std::pair<char, std::uint64_t>;
  EXPECT_EQ(sink.events,
            (std::vector<Ev>{{'D', kMiB}, {'H', 3 * kMiB}, {'D', kMiB}, {'H', 3 * kMiB}}));

  RecordingSink plain;
  ASSERT_TRUE(backend().downloadVol(pool_, vol, kMiB / 2, kMiB, 0, plain, {}));
  EXPECT_EQ(plain.content, expected.substr(kMiB / 2, kMiB));
  EXPECT_EQ(plain.events, (std::vector<Ev>{{'D', kMiB}}));
}

// libvirt's fd stream truncates a regular file at the end of every hole it receives: a sparse
// upload of a 4 MiB file into an 8 MiB volume leaves it at 4 MiB (libvirtd 9.0), a plain one
// keeps the volume's size.
TEST_F(DirStreamTest, SparseUploadEndsTheFileWhereTheStreamEnds) {
  constexpr std::uint64_t k64 = 65536;
  auto vol = rawVol("s.raw", 8 * kMiB);
  writeFile(vol.target.path, 0, std::string(8 * kMiB, 'o'));
  ScriptedSource source(
      {data(std::string(k64, 'Z')), hole(4 * kMiB - 2 * k64), data(std::string(k64, 'z'))});
  ASSERT_TRUE(
      backend().uploadVol(pool_, vol, 0, 0, driver::stream_flags::kSparseStream, source, {}));
  EXPECT_EQ(statOf(vol.target.path).st_size, static_cast<off_t>(4 * kMiB));
  EXPECT_EQ(vol.capacity, 4 * kMiB);
  EXPECT_EQ(readAll(vol.target.path),
            std::string(k64, 'Z') + std::string(4 * kMiB - 2 * k64, '\0') + std::string(k64, 'z'));

  // A trailing hole ends the file at its end, also when that grows the file.
  ScriptedSource trailing({data("abc"), hole(6 * kMiB)});
  ASSERT_TRUE(
      backend().uploadVol(pool_, vol, 0, 0, driver::stream_flags::kSparseStream, trailing, {}));
  EXPECT_EQ(statOf(vol.target.path).st_size, static_cast<off_t>(6 * kMiB + 3));

  // A bounded stream cuts the hole at its length instead of failing.
  ScriptedSource bounded({hole(kMiB)});
  ASSERT_TRUE(backend().uploadVol(pool_, vol, 4096, 4096, driver::stream_flags::kSparseStream,
                                  bounded, {}));
  EXPECT_EQ(statOf(vol.target.path).st_size, static_cast<off_t>(8192));

  auto plain = rawVol("p.raw", 8 * kMiB);
  ScriptedSource dense({data(std::string(k64, 'Z'))});
  ASSERT_TRUE(backend().uploadVol(pool_, plain, 0, 0, 0, dense, {}));
  EXPECT_EQ(statOf(plain.target.path).st_size, static_cast<off_t>(8 * kMiB));
}

TEST_F(DirStreamTest, UploadHonoursOffsetAndLength) {
  auto vol = rawVol("o.raw", 4 * kMiB);
  ScriptedSource source({data("hello")});
  std::uint64_t reported = 0;
  ASSERT_TRUE(backend().uploadVol(pool_, vol, 100, 5, 0, source,
                                  [&](std::uint64_t done, std::uint64_t) { reported = done; }));
  EXPECT_EQ(reported, 5u);
  EXPECT_EQ(readAll(vol.target.path).substr(98, 9), std::string("\0\0hello\0\0", 9));

  ScriptedSource tooMuch({data("0123456789")});
  auto r = backend().uploadVol(pool_, vol, 0, 4, 0, tooMuch, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot write to stream: No space left on device");

  ScriptedSource any({data("x")});
  auto beyond = backend().uploadVol(pool_, vol, 5 * kMiB, 0, 0, any, {});
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, ErrorCode::InvalidArg);

  ScriptedSource holes({hole(10)});
  EXPECT_FALSE(backend().uploadVol(pool_, vol, 0, 0, 0, holes, {}));
}

TEST_F(DirStreamTest, DownloadBeyondEndFails) {
  auto vol = rawVol("d.raw", kMiB);
  RecordingSink sink;
  auto r = backend().downloadVol(pool_, vol, 2 * kMiB, 0, 0, sink, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArg);
  EXPECT_FALSE(sink.finished);
}

}  // namespace
}  // namespace virtus::storage::dir
