// Every frame of the real libvirt traffic in ../shared/wire-captures whose procedure is in
// the table decodes with the table's types, consumes its payload exactly, and encodes
// back to the same bytes: the struct declarations match libvirt's wire layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "rpc/message.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/remote_error.h"

namespace virtus::rpc::remote {
namespace {

std::string capturesDir() {
  return std::string(VIRTUS_FIXTURES_DIR) + "/../../wire-captures";
}

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

template <class T>
::testing::AssertionResult roundTrips(std::string_view payload) {
  T value;
  const char* why = nullptr;
  if (!xdrDecodeAll(payload, value, &why))
    return ::testing::AssertionFailure() << "decode failed: " << why;
  if (xdrEncodeToString(value) != payload)
    return ::testing::AssertionFailure() << "re-encoding differs";
  return ::testing::AssertionSuccess();
}

// Returns nullopt for procedures outside the table.
std::optional<::testing::AssertionResult> checkPayload(const MessageHeader& h,
                                                       std::string_view payload) {
  if (h.type == MessageType::Reply && h.status == MessageStatus::Error)
    return roundTrips<RemoteError>(payload);
  switch (h.procedure) {
#define VIRTUS_CHECK(num, id, args, ret, attrs, api)        \
  case num:                                                 \
    if (h.type == MessageType::Call)                        \
      return roundTrips<ProcSpec<Proc::id>::Args>(payload); \
    if (h.type == MessageType::Reply)                       \
      return roundTrips<ProcSpec<Proc::id>::Ret>(payload);  \
    return std::nullopt;
    VIRTUS_REMOTE_PROCEDURES(VIRTUS_CHECK)
#undef VIRTUS_CHECK
    default:
      return std::nullopt;
  }
}

TEST(RemoteCaptures, EveryKnownFrameRoundTrips) {
  ASSERT_TRUE(std::filesystem::is_directory(capturesDir())) << capturesDir();
  int checked = 0;
  std::set<int> seen;
  for (const auto& entry : std::filesystem::directory_iterator(capturesDir())) {
    if (entry.path().extension() != ".hex")
      continue;
    std::ifstream in(entry.path());
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
      ++lineNo;
      if (line.size() < 3 || line[0] == '#')
        continue;
      std::string frame = unhex(line.substr(2));
      ASSERT_GE(frame.size(), kLengthSize + kHeaderSize);
      std::string_view body = std::string_view(frame).substr(kLengthSize);
      MessageHeader h;
      ASSERT_TRUE(decodeHeader(body, h));
      if (h.program != kRemoteProgram)
        continue;
      auto result = checkPayload(h, body.substr(kHeaderSize));
      if (!result)
        continue;
      EXPECT_TRUE(*result) << entry.path().filename() << ":" << lineNo << " proc " << h.procedure
                           << " type " << int(h.type);
      ++checked;
      seen.insert(h.procedure);
    }
  }
  // The captures cover the storage, secret and handshake procedures.
  EXPECT_GT(checked, 300);
  for (int p : {1, 60, 66, 84, 87, 93, 98, 141, 144, 145, 281, 282, 287})
    EXPECT_TRUE(seen.count(p)) << "no frame of procedure " << p << " was checked";
}

}  // namespace
}  // namespace virtus::rpc::remote
