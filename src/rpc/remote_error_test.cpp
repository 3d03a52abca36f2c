// The error payload as libvirtd writes it and as libvirt's clients read it.
#include "rpc/remote_error.h"

#include <gtest/gtest.h>

#include <string>

namespace virtus::rpc {
namespace {

TEST(RemoteError, CarriesTheFormatAndTheDetailAsLibvirtdDoes) {
  Error error = makeError(ErrorCode::NoStoragePool, ErrorDomain::Storage,
                          "no storage pool with matching name 'nosuchpool'");
  RemoteError remote = toRemoteError(error);
  EXPECT_EQ(remote.code, 49);
  EXPECT_EQ(remote.domain, 18);
  EXPECT_EQ(remote.message,
            "Storage pool not found: no storage pool with matching name 'nosuchpool'");
  EXPECT_EQ(remote.str1, "Storage pool not found: %s");
  EXPECT_EQ(remote.str2, "no storage pool with matching name 'nosuchpool'");
  EXPECT_FALSE(remote.str3);
}

TEST(RemoteError, RoundTripsTheDetail) {
  Error error = makeError(ErrorCode::StorageVolExist, ErrorDomain::Storage, "'a.img'");
  Error back = fromRemoteError(toRemoteError(error));
  EXPECT_EQ(back.code, error.code);
  EXPECT_EQ(back.domain, error.domain);
  EXPECT_EQ(back.message, "'a.img'");
  EXPECT_EQ(back.text(), error.text());
}

TEST(RemoteError, WithoutStr2TheDetailComesOutOfTheMessage) {
  RemoteError remote;
  remote.code = static_cast<std::int32_t>(ErrorCode::NoStoragePool);
  remote.domain = static_cast<std::int32_t>(ErrorDomain::Storage);
  remote.message = "Storage pool not found: no storage pool with matching name 'x'";
  EXPECT_EQ(fromRemoteError(remote).message, "no storage pool with matching name 'x'");

  remote.message = "something a server of another kind wrote";
  EXPECT_EQ(fromRemoteError(remote).message, "something a server of another kind wrote");
}

TEST(RemoteError, AnHugeDetailIsCutAsLibvirtCutsIt) {
  std::string name(4 * 1024 * 1024, 'n');
  Error error = makeError(ErrorCode::NoStoragePool, ErrorDomain::Storage,
                          "no storage pool with matching name '" + name + "'");
  RemoteError remote = toRemoteError(error);
  ASSERT_TRUE(remote.str2);
  EXPECT_EQ(remote.str2->size(), 1023u);
  EXPECT_LT(remote.message->size(), 1100u);
}

TEST(RemoteError, CuttingNeverSplitsAUtf8Character) {
  std::string detail(1022, 'x');
  detail += "\xC3\xA9\xC3\xA9";  // "éé": the cut would fall inside the first one
  RemoteError remote =
      toRemoteError(makeError(ErrorCode::InternalError, ErrorDomain::None, detail));
  EXPECT_EQ(remote.str2, std::string(1022, 'x'));
}

TEST(RemoteError, UnknownProcedureBecomesNoSupportForClients) {
  Error sent = unknownProcedureError(1);
  EXPECT_EQ(sent.code, ErrorCode::Rpc);
  Error received = fromRemoteError(toRemoteError(sent));
  EXPECT_EQ(received.code, ErrorCode::NoSupport);
  EXPECT_NE(received.message.find("unknown procedure: 1"), std::string::npos);
}

}  // namespace
}  // namespace virtus::rpc
