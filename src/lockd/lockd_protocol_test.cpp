#include "lockd/lockd_protocol.h"

#include <gtest/gtest.h>

#include "lockd/line_buffer.h"

namespace virtus::lockd {
namespace {

TEST(LockdProtocol, AcquireRoundTrips) {
  LockdRequest request;
  request.op = LockdOp::Acquire;
  request.owner = {"u-1", "g1", 3, 1234};
  request.resources = {{"", "/d/disk.img", false, false, "/d/disk.img"},
                       {"/var/lib/ls", "abc123", true, true, "/d/other.img"}};
  auto parsed = parseRequest(formatRequest(request));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->op, LockdOp::Acquire);
  EXPECT_EQ(parsed->owner.uuid, "u-1");
  EXPECT_EQ(parsed->owner.name, "g1");
  EXPECT_EQ(parsed->owner.id, 3);
  EXPECT_EQ(parsed->owner.pid, 1234);
  ASSERT_EQ(parsed->resources.size(), 2u);
  EXPECT_EQ(parsed->resources[1].lockspace, "/var/lib/ls");
  EXPECT_EQ(parsed->resources[1].name, "abc123");
  EXPECT_TRUE(parsed->resources[1].shared);
  EXPECT_TRUE(parsed->resources[1].autocreate);
  EXPECT_EQ(parsed->resources[1].display, "/d/other.img");
}

TEST(LockdProtocol, ReleaseWithoutResourcesMeansAll) {
  auto parsed = parseRequest(R"({"op":"release","uuid":"u"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->op, LockdOp::Release);
  EXPECT_TRUE(parsed->resources.empty());
}

TEST(LockdProtocol, MalformedRequestsAreErrors) {
  for (const char* line : {"", "garbage", "[1,2]", R"({"op":"fly"})", R"({"op":"acquire"})",
                           R"({"op":"acquire","owner":{"uuid":"u"},"resources":"x"})",
                           R"({"op":"acquire","owner":{"uuid":5},"resources":[]})",
                           R"({"op":"acquire","owner":{"uuid":"u","pid":"7"},"resources":[]})",
                           R"({"op":"setpid","uuid":"u"})", R"({"op":"release"})"}) {
    auto parsed = parseRequest(line);
    ASSERT_FALSE(parsed) << line;
    EXPECT_EQ(parsed.error().code, ErrorCode::InternalError) << line;
    EXPECT_EQ(parsed.error().domain, ErrorDomain::Locking) << line;
  }
}

TEST(LockdProtocol, InvalidValuesAreInvalidArg) {
  for (const char* line :
       {R"({"op":"acquire","owner":{"uuid":""},"resources":[]})",
        R"({"op":"acquire","owner":{"uuid":"u"},"resources":[{"name":"relative.img"}]})",
        R"({"op":"acquire","owner":{"uuid":"u"},"resources":[{"lockspace":"/ls","name":"../x"}]})",
        R"({"op":"acquire","owner":{"uuid":"u"},"resources":[{"lockspace":"ls","name":"x"}]})",
        R"({"op":"acquire","owner":{"uuid":"u","pid":-4},"resources":[]})",
        R"({"op":"setpid","uuid":"u","pid":0})"}) {
    auto parsed = parseRequest(line);
    ASSERT_FALSE(parsed) << line;
    EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArg) << line;
  }
}

TEST(LockdProtocol, ErrorReplyCarriesCodeDomainAndMessage) {
  Error error = makeError(ErrorCode::ResourceBusy, ErrorDomain::Locking,
                          "Lockspace resource '/d/a.img' is locked");
  auto parsed = parseOkReply(formatErrorReply(error));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::ResourceBusy);
  EXPECT_EQ(static_cast<int>(parsed.error().domain), 42);
  EXPECT_EQ(parsed.error().message, "Lockspace resource '/d/a.img' is locked");
  EXPECT_TRUE(parseOkReply(formatOkReply()));
  EXPECT_EQ(parseOkReply("nonsense").error().code, ErrorCode::Rpc);
}

TEST(LockdProtocol, ListStatusAndEventReplies) {
  LockdHeld held;
  held.lockspace = "/ls";
  held.name = "n";
  held.display = "/d/a.img";
  held.file = "/ls/n";
  held.shared = true;
  held.domain = "g1";
  held.uuid = "u";
  held.pid = 42;
  held.since = 1700000000;
  auto locks = parseListReply(formatListReply("vm1", {held}));
  ASSERT_TRUE(locks);
  ASSERT_EQ(locks->size(), 1u);
  EXPECT_EQ((*locks)[0].host, "vm1");
  EXPECT_EQ((*locks)[0].file, "/ls/n");
  EXPECT_TRUE((*locks)[0].shared);
  EXPECT_EQ((*locks)[0].pid, 42);
  EXPECT_EQ((*locks)[0].since, 1700000000);

  auto status = parseStatusReply(formatStatusReply({77, "vm1", 1600000000, 2}));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->pid, 77);
  EXPECT_EQ(status->generation, 2);
  EXPECT_EQ(status->started, 1600000000);

  auto event = parseEvent(formatEvent({"u", "g1", "/d/a.img", "gone"}));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->resource, "/d/a.img");
  EXPECT_EQ(event->reason, "gone");
  EXPECT_FALSE(parseEvent(R"({"event":"other"})"));
}

TEST(LockdProtocol, HolderRecordRoundTripsAndRejectsGarbage) {
  auto record = parseHolderRecord(formatHolderRecord({"vm1", "g1", "u", 9, 5}));
  ASSERT_TRUE(record);
  EXPECT_EQ(record->host, "vm1");
  EXPECT_EQ(record->domain, "g1");
  EXPECT_EQ(record->pid, 9);
  EXPECT_FALSE(parseHolderRecord(""));
  EXPECT_FALSE(parseHolderRecord(std::string(1, '\0')));
  EXPECT_FALSE(parseHolderRecord(R"({"domain":"g"})"));  // no host
}

TEST(LineBuffer, SplitsLinesAndBoundsThem) {
  LineBuffer buffer(8);
  buffer.append("ab\ncd");
  EXPECT_EQ(buffer.next().value_or("?"), "ab");
  EXPECT_FALSE(buffer.next());
  buffer.append("e\r\n");
  EXPECT_EQ(buffer.next().value_or("?"), "cde");
  EXPECT_FALSE(buffer.overflowed());
  buffer.append("123456789");
  EXPECT_TRUE(buffer.overflowed());
}

}  // namespace
}  // namespace virtus::lockd
