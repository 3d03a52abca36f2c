#include "hypervisor/qemu/qmp_client.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qmp_event.h"
#include "hypervisor/qemu/qmp_test_peer.h"
#include "os/clock.h"

namespace virtus::qemu {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using testing::FakeQmpPeer;

// What the handlers saw, for the test thread to wait on.
struct Observed {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<QmpEvent> events;
  std::vector<Error> closes;

  bool waitForEvents(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, seconds(10), [&] { return events.size() >= n; });
  }
  std::size_t eventCount() {
    std::lock_guard lock(mutex);
    return events.size();
  }
  QmpClientOptions options() {
    QmpClientOptions o;
    o.onEvent = [this](const QmpEvent& e) {
      std::lock_guard lock(mutex);
      events.push_back(e);
      changed.notify_all();
    };
    o.onClose = [this](const Error& e) {
      std::lock_guard lock(mutex);
      closes.push_back(e);
      changed.notify_all();
    };
    return o;
  }
};

steady_clock::time_point in(milliseconds ms) {
  return steady_clock::now() + ms;
}

struct Connected {
  std::unique_ptr<QmpClient> client;
  std::unique_ptr<FakeQmpPeer> peer;
};

Connected connect(const os::Clock& clock, QmpClientOptions options = {}) {
  auto [c, s] = testing::socketPair();
  auto peer = std::make_unique<FakeQmpPeer>(s);
  auto script = std::async(std::launch::async, [&] { return peer->handshake(); });
  auto client = QmpClient::open(c, clock, clock.now() + seconds(10), std::move(options));
  EXPECT_TRUE(script.get());
  EXPECT_TRUE(client) << client.error().text();
  if (!client)
    return {nullptr, std::move(peer)};
  return {std::move(*client), std::move(peer)};
}

class QmpClientTest : public ::testing::Test {
 protected:
  os::SystemClock clock_;
  Observed observed_;
};

TEST_F(QmpClientTest, ReadsTheGreetingAndLeavesNegotiationMode) {
  auto [c, s] = testing::socketPair();
  FakeQmpPeer peer(s);
  auto script = std::async(std::launch::async, [&] {
    peer.send(testing::kGreeting);
    return peer.readRawLine();
  });
  auto opening =
      std::async(std::launch::async, [&] { return QmpClient::open(c, clock_, in(seconds(10))); });
  std::optional<std::string> line = script.get();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->substr(line->size() - 2), "\r\n");
  json command = json::parse(*line);
  EXPECT_EQ(command["execute"], "qmp_capabilities");
  EXPECT_FALSE(command.contains("arguments"));
  ASSERT_TRUE(command["id"].is_number_unsigned());
  peer.sendJson({{"return", json::object()}, {"id", command["id"]}});
  auto client = opening.get();
  ASSERT_TRUE(client) << client.error().text();
  EXPECT_EQ((*client)->greeting().version.number(), 7002022);
  EXPECT_EQ((*client)->greeting().capabilities, std::vector<std::string>{"oob"});
  EXPECT_FALSE((*client)->closed());
}

TEST_F(QmpClientTest, ReturnsTheReturnValueAndSendsTheArguments) {
  auto conn = connect(clock_);
  ASSERT_TRUE(conn.client);
  auto script = std::async(std::launch::async, [&] {
    json command = conn.peer->readCommand();
    conn.peer->sendJson({{"id", command["id"]}, {"return", {{"echo", command["arguments"]}}}});
    return command;
  });
  json args = {{"path", "/machine"}, {"depth", 2}};
  auto result = conn.client->execute("qom-list", args, in(seconds(10)));
  json command = script.get();
  ASSERT_TRUE(result) << result.error().text();
  EXPECT_EQ(command["execute"], "qom-list");
  EXPECT_EQ((*result)["echo"], args);
}

TEST_F(QmpClientTest, MatchesRepliesByIdOutOfOrderAndSplitAcrossWrites) {
  auto conn = connect(clock_);
  ASSERT_TRUE(conn.client);
  std::vector<std::future<Result<json>>> calls;
  for (const char* name : {"first", "second", "third"})
    calls.push_back(std::async(std::launch::async, [&, name] {
      return conn.client->execute("echo", json{{"name", name}}, in(seconds(10)));
    }));
  std::map<std::string, json> ids;
  for (int i = 0; i < 3; ++i) {
    json command = conn.peer->readCommand();
    ASSERT_TRUE(command.is_object());
    ids[command["arguments"]["name"]] = command["id"];
  }
  ASSERT_EQ(ids.size(), 3u);
  // Three ids, all different.
  EXPECT_NE(ids["first"], ids["second"]);
  EXPECT_NE(ids["second"], ids["third"]);
  EXPECT_NE(ids["first"], ids["third"]);
  std::string third = json({{"return", "THIRD"}, {"id", ids["third"]}}).dump() + "\r\n";
  std::string first = json({{"return", "FIRST"}, {"id", ids["first"]}}).dump() + "\r\n";
  std::string second = json({{"return", "SECOND"}, {"id", ids["second"]}}).dump() + "\r\n";
  // The third's reply in two pieces, then the end of the first and second in one write.
  conn.peer->send(third.substr(0, 5));
  conn.peer->send(third.substr(5) + first.substr(0, first.size() - 1));
  conn.peer->send(first.substr(first.size() - 1) + second);
  std::vector<std::string> got;
  for (auto& call : calls) {
    ASSERT_EQ(call.wait_for(seconds(10)), std::future_status::ready);
    auto result = call.get();
    ASSERT_TRUE(result) << result.error().text();
    got.push_back(result->get<std::string>());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"FIRST", "SECOND", "THIRD"}));
}

TEST_F(QmpClientTest, AnErrorReplyIsLibvirtsInternalErrorAndTheMonitorStaysUsable) {
  auto conn = connect(clock_);
  ASSERT_TRUE(conn.client);
  auto script = std::async(std::launch::async, [&] {
    json command = conn.peer->readCommand();
    conn.peer->sendJson(
        {{"id", command["id"]},
         {"error",
          {{"class", "GenericError"}, {"desc", "Resetting the Virtual Machine is required"}}}});
    command = conn.peer->readCommand();
    conn.peer->sendJson({{"id", command["id"]}, {"return", json::object()}});
  });
  auto failed = conn.client->execute("cont", in(seconds(10)));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::InternalError);
  EXPECT_EQ(failed.error().domain, ErrorDomain::Qemu);
  EXPECT_EQ(failed.error().text(),
            "internal error: unable to execute QEMU command 'cont': Resetting the Virtual "
            "Machine is required");
  auto next = conn.client->execute("system_reset", in(seconds(10)));
  script.get();
  ASSERT_TRUE(next) << next.error().text();
  EXPECT_EQ(*next, json::object());
  EXPECT_FALSE(conn.client->closed());
}

TEST_F(QmpClientTest, AnErrorWithoutIdGoesToTheOldestCall) {
  auto conn = connect(clock_);
  ASSERT_TRUE(conn.client);
  auto script = std::async(std::launch::async, [&] {
    conn.peer->readCommand();
    conn.peer->sendJson({{"error", {{"class", "GenericError"}, {"desc", "JSON parse error"}}}});
  });
  auto result = conn.client->execute("broken", in(seconds(10)));
  script.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "unable to execute QEMU command 'broken': JSON parse error");
}

TEST_F(QmpClientTest, DeliversEventsInOrderBeforeTheRepliesThatFollowThem) {
  auto conn = connect(clock_, observed_.options());
  ASSERT_TRUE(conn.client);
  auto script = std::async(std::launch::async, [&] {
    json command = conn.peer->readCommand();
    std::string batch =
        json({{"event", "STOP"}, {"timestamp", {{"seconds", 1700000000}, {"microseconds", 5}}}})
            .dump() +
        "\r\n" + json({{"id", command["id"]}, {"return", {{"status", "paused"}}}}).dump() + "\r\n" +
        R"({"event": "RESUME", "data": {"x": 1}, "timestamp": {"seconds": 1, )";
    conn.peer->send(batch);
    conn.peer->send("\"microseconds\": 2}}\r\n");
  });
  auto status = conn.client->execute("query-status", in(seconds(10)));
  ASSERT_TRUE(status) << status.error().text();
  // The STOP event came before the reply: the handler has run by the time the call returns.
  EXPECT_GE(observed_.eventCount(), 1u);
  script.get();
  ASSERT_TRUE(observed_.waitForEvents(2));
  std::lock_guard lock(observed_.mutex);
  ASSERT_EQ(observed_.events.size(), 2u);
  EXPECT_EQ(observed_.events[0].name, "STOP");
  EXPECT_EQ(observed_.events[0].data, json::object());
  EXPECT_EQ(observed_.events[1].name, "RESUME");
  EXPECT_EQ(observed_.events[1].data["x"], 1);
  EXPECT_EQ(observed_.events[1].timestamp.time_since_epoch(),
            std::chrono::seconds(1) + std::chrono::microseconds(2));
}

TEST_F(QmpClientTest, EndOfFileFailsEveryWaitingCallAtOnce) {
  auto conn = connect(clock_, observed_.options());
  ASSERT_TRUE(conn.client);
  auto start = steady_clock::now();
  std::vector<std::future<Result<json>>> calls;
  for (int i = 0; i < 2; ++i)
    calls.push_back(std::async(
        std::launch::async, [&] { return conn.client->execute("query-status", in(seconds(60))); }));
  // Both commands are on the wire, so both callers wait; then QEMU goes away.
  ASSERT_TRUE(conn.peer->readCommand().is_object());
  ASSERT_TRUE(conn.peer->readCommand().is_object());
  conn.peer->close();
  for (auto& call : calls) {
    ASSERT_EQ(call.wait_for(seconds(10)), std::future_status::ready);
    auto result = call.get();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::InternalError);
    EXPECT_EQ(result.error().domain, ErrorDomain::Qemu);
    EXPECT_EQ(result.error().text(), "internal error: End of file from qemu monitor");
  }
  EXPECT_LT(steady_clock::now() - start, seconds(10));
  EXPECT_TRUE(conn.client->closed());
  EXPECT_TRUE(conn.client->waitClosed(in(milliseconds(0))));
  // Later calls fail at once with the same error.
  auto later = conn.client->execute("query-status", in(seconds(60)));
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().message, "End of file from qemu monitor");
  std::lock_guard lock(observed_.mutex);
  ASSERT_EQ(observed_.closes.size(), 1u);
  EXPECT_EQ(observed_.closes[0].message, "End of file from qemu monitor");
}

TEST_F(QmpClientTest, EndOfFileBeforeTheGreetingIsAnUnexpectedClose) {
  auto [c, s] = testing::socketPair();
  ::close(s);
  auto client = QmpClient::open(c, clock_, in(seconds(10)));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, ErrorCode::InternalError);
  EXPECT_EQ(client.error().text(), "internal error: qemu unexpectedly closed the monitor");
}

TEST_F(QmpClientTest, EndOfFileDuringNegotiationIsAnUnexpectedClose) {
  auto [c, s] = testing::socketPair();
  FakeQmpPeer peer(s);
  auto script = std::async(std::launch::async, [&] {
    peer.send(testing::kGreeting);
    peer.readCommand();
    peer.close();
  });
  auto client = QmpClient::open(c, clock_, in(seconds(10)));
  script.get();
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().message, "qemu unexpectedly closed the monitor");
}

TEST_F(QmpClientTest, NoGreetingByTheDeadlineIsATimeout) {
  auto [c, s] = testing::socketPair();
  FakeQmpPeer peer(s);
  auto start = steady_clock::now();
  auto client = QmpClient::open(c, clock_, in(milliseconds(100)));
  auto took = steady_clock::now() - start;
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, ErrorCode::OperationTimeout);
  EXPECT_NE(client.error().message.find("QMP greeting"), std::string::npos);
  EXPECT_GE(took, milliseconds(90));
  EXPECT_LT(took, seconds(5));
}

TEST_F(QmpClientTest, NoReplyByTheDeadlineIsATimeoutAndTheLateReplyIsDropped) {
  auto conn = connect(clock_);
  ASSERT_TRUE(conn.client);
  auto start = steady_clock::now();
  auto slow = conn.client->execute("query-slow", in(milliseconds(100)));
  auto took = steady_clock::now() - start;
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, ErrorCode::OperationTimeout);
  EXPECT_EQ(slow.error().domain, ErrorDomain::Qemu);
  EXPECT_NE(slow.error().message.find("'query-slow'"), std::string::npos);
  EXPECT_GE(took, milliseconds(90));
  EXPECT_LT(took, seconds(5));
  json late = conn.peer->readCommand();
  ASSERT_TRUE(late.is_object());
  auto script = std::async(std::launch::async, [&] {
    // The late answer to the abandoned call first, then the answer to the next one.
    conn.peer->sendJson({{"id", late["id"]}, {"return", "LATE"}});
    json command = conn.peer->readCommand();
    conn.peer->sendJson({{"id", command["id"]}, {"return", "NEXT"}});
  });
  auto next = conn.client->execute("query-next", in(seconds(10)));
  script.get();
  ASSERT_TRUE(next) << next.error().text();
  EXPECT_EQ(*next, "NEXT");
  EXPECT_FALSE(conn.client->closed());
}

TEST_F(QmpClientTest, ADeadlinePassedOnTheInjectedClockSendsNothing) {
  testing::FakeClock fake;
  auto conn = connect(fake);
  ASSERT_TRUE(conn.client);
  auto deadline = fake.now() + seconds(5);
  fake.advance(seconds(5));
  auto late = conn.client->execute("query-status", deadline);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::OperationTimeout);
  // The next command is the first the peer sees.
  auto script = std::async(std::launch::async, [&] {
    json command = conn.peer->readCommand();
    conn.peer->sendJson({{"id", command["id"]}, {"return", command["execute"]}});
  });
  auto next = conn.client->execute("query-name", fake.now() + seconds(10));
  script.get();
  ASSERT_TRUE(next) << next.error().text();
  EXPECT_EQ(*next, "query-name");
}

TEST_F(QmpClientTest, GarbageBreaksTheMonitorWithAnErrorNotACrash) {
  auto conn = connect(clock_, observed_.options());
  ASSERT_TRUE(conn.client);
  auto script = std::async(std::launch::async, [&] {
    conn.peer->readCommand();
    conn.peer->send("{\"return\": {}, \"id\": \x01 garbage\r\n");
  });
  auto result = conn.client->execute("query-status", in(seconds(10)));
  script.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::InternalError);
  EXPECT_NE(result.error().message.find("cannot parse the QEMU monitor's message"),
            std::string::npos)
      << result.error().message;
  EXPECT_TRUE(conn.client->closed());
  auto later = conn.client->execute("query-status", in(seconds(10)));
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().message, result.error().message);
  std::lock_guard lock(observed_.mutex);
  EXPECT_EQ(observed_.closes.size(), 1u);
}

TEST_F(QmpClientTest, AnUnknownMessageBreaksTheMonitor) {
  auto conn = connect(clock_);
  ASSERT_TRUE(conn.client);
  auto script = std::async(std::launch::async, [&] {
    conn.peer->readCommand();
    conn.peer->send("[\"not\", \"an\", \"object\"]\r\n");
  });
  auto result = conn.client->execute("query-status", in(seconds(10)));
  script.get();
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("not a JSON object"), std::string::npos);
}

TEST_F(QmpClientTest, AnOverlongLineBreaksTheMonitor) {
  QmpClientOptions options;
  options.maxLineBytes = 1024;
  auto conn = connect(clock_, options);
  ASSERT_TRUE(conn.client);
  auto script = std::async(std::launch::async, [&] {
    conn.peer->readCommand();
    conn.peer->send("{\"return\": \"" + std::string(4096, 'x'));
  });
  auto result = conn.client->execute("query-big", in(seconds(10)));
  script.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "QEMU monitor reply exceeds buffer size (1024 bytes)");
}

TEST_F(QmpClientTest, WaitClosedTimesOutWhileOpenAndReturnsOnEndOfFile) {
  auto conn = connect(clock_);
  ASSERT_TRUE(conn.client);
  auto open = conn.client->waitClosed(in(milliseconds(50)));
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, ErrorCode::OperationTimeout);
  conn.peer->close();
  EXPECT_TRUE(conn.client->waitClosed(in(seconds(10))));
  EXPECT_TRUE(conn.client->closed());
}

}  // namespace
}  // namespace virtus::qemu
