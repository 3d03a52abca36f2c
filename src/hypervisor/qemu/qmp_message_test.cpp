#include "hypervisor/qemu/qmp_message.h"

#include <gtest/gtest.h>

#include "hypervisor/qemu/qmp_test_peer.h"

namespace virtus::qemu {
namespace {

using nlohmann::json;

TEST(QmpMessage, ParsesQemusGreeting) {
  std::string line = testing::kGreeting;
  line.resize(line.size() - 2);  // without CRLF, as the line buffer hands it over
  auto message = parseQmpMessage(line);
  ASSERT_TRUE(message) << message.error().text();
  const auto* greeting = std::get_if<QmpGreeting>(&*message);
  ASSERT_NE(greeting, nullptr);
  EXPECT_EQ(greeting->version.major, 7);
  EXPECT_EQ(greeting->version.minor, 2);
  EXPECT_EQ(greeting->version.micro, 22);
  EXPECT_EQ(greeting->version.number(), 7002022);
  EXPECT_EQ(greeting->version.package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
  EXPECT_EQ(greeting->capabilities, std::vector<std::string>{"oob"});
}

TEST(QmpMessage, RefusesAGreetingWithoutAVersion) {
  auto message = parseQmpMessage(R"({"QMP": {"capabilities": []}})");
  ASSERT_FALSE(message);
  EXPECT_EQ(message.error().code, ErrorCode::InternalError);
  EXPECT_EQ(message.error().domain, ErrorDomain::Qemu);
  EXPECT_NE(message.error().message.find("without a version"), std::string::npos);
}

TEST(QmpMessage, ParsesAReturnWithItsId) {
  auto message = parseQmpMessage(R"({"return": {"status": "prelaunch"}, "id": 7})");
  ASSERT_TRUE(message);
  const auto& reply = std::get<QmpReply>(*message);
  EXPECT_TRUE(reply.ok);
  EXPECT_EQ(reply.id, json(7));
  EXPECT_EQ(reply.value["status"], "prelaunch");
}

TEST(QmpMessage, ParsesAnErrorReply) {
  auto message = parseQmpMessage(
      R"({"id": 3, "error": {"class": "CommandNotFound", "desc": "The command foo has not been found"}})");
  ASSERT_TRUE(message);
  const auto& reply = std::get<QmpReply>(*message);
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(reply.errorClass, "CommandNotFound");
  EXPECT_EQ(reply.errorDesc, "The command foo has not been found");
  EXPECT_EQ(qmpCommandError("foo", reply).text(),
            "internal error: unable to execute QEMU command 'foo': The command foo has not been "
            "found");
}

TEST(QmpMessage, ErrorWithoutDescriptionNamesTheClass) {
  auto message = parseQmpMessage(R"({"error": {"class": "GenericError"}})");
  ASSERT_TRUE(message);
  const auto& reply = std::get<QmpReply>(*message);
  EXPECT_TRUE(reply.id.is_null());
  Error error = qmpCommandError("cont", reply);
  EXPECT_EQ(error.code, ErrorCode::InternalError);
  EXPECT_EQ(error.domain, ErrorDomain::Qemu);
  EXPECT_EQ(error.message, "unable to execute QEMU command 'cont': GenericError");
}

TEST(QmpMessage, ParsesAnEventWithItsTimestamp) {
  auto message = parseQmpMessage(
      R"({"timestamp": {"seconds": 1700000000, "microseconds": 250000}, "event": "SHUTDOWN", )"
      R"("data": {"guest": false, "reason": "host-qmp-quit"}})");
  ASSERT_TRUE(message);
  const auto& event = std::get<QmpEvent>(*message);
  EXPECT_EQ(event.name, "SHUTDOWN");
  EXPECT_EQ(event.data["reason"], "host-qmp-quit");
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::milliseconds>(event.timestamp.time_since_epoch())
          .count(),
      1700000000250LL);
}

TEST(QmpMessage, EventWithoutDataHasAnEmptyObject) {
  auto message = parseQmpMessage(R"({"event": "STOP"})");
  ASSERT_TRUE(message);
  const auto& event = std::get<QmpEvent>(*message);
  EXPECT_EQ(event.name, "STOP");
  EXPECT_EQ(event.data, json::object());
}

TEST(QmpMessage, GarbageIsAnErrorNamingTheLine) {
  for (const char* line : {"{not json", "{\"return\": ", "\xff\xfe"}) {
    auto message = parseQmpMessage(line);
    ASSERT_FALSE(message) << line;
    EXPECT_EQ(message.error().code, ErrorCode::InternalError);
    EXPECT_NE(message.error().message.find("cannot parse the QEMU monitor's message"),
              std::string::npos)
        << message.error().message;
  }
}

TEST(QmpMessage, NonObjectsAndUnknownObjectsAreErrors) {
  for (const char* line : {"[1, 2]", "42", "\"x\"", "{\"hello\": 1}", "{\"event\": 3}",
                           "{\"error\": \"x\"}", "{\"QMP\": 1}"}) {
    auto message = parseQmpMessage(line);
    ASSERT_FALSE(message) << line;
    EXPECT_EQ(message.error().code, ErrorCode::InternalError) << line;
    EXPECT_NE(message.error().message.find(line), std::string::npos) << message.error().message;
  }
}

TEST(QmpMessage, ALongBadLineIsShortenedInTheError) {
  std::string line = "[" + std::string(5000, '1') + "]";
  auto message = parseQmpMessage(line);
  ASSERT_FALSE(message);
  EXPECT_LT(message.error().message.size(), 600u);
}

TEST(QmpMessage, FormatsCommandsWithIdAndCrlf) {
  auto bare = formatQmpCommand("query-status", nullptr, 5);
  ASSERT_TRUE(bare);
  EXPECT_EQ(*bare, "{\"execute\":\"query-status\",\"id\":5}\r\n");
  json args = {{"device", "drive-virtio-disk0"}, {"force", true}};
  auto withArgs = formatQmpCommand("eject", &args, 6);
  ASSERT_TRUE(withArgs);
  EXPECT_EQ(json::parse(*withArgs), json({{"execute", "eject"}, {"arguments", args}, {"id", 6}}));
  EXPECT_EQ(withArgs->substr(withArgs->size() - 2), "\r\n");
}

TEST(QmpMessage, ArgumentsThatAreNotUtf8AreRefused) {
  json args = {{"filename", std::string("a\xff")}};
  auto line = formatQmpCommand("blockdev-add", &args, 1);
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().code, ErrorCode::InvalidArg);
  EXPECT_NE(line.error().message.find("'blockdev-add'"), std::string::npos);
}

}  // namespace
}  // namespace virtus::qemu
