#include "model/storage/pool_validate.h"

#include <gtest/gtest.h>

#include "model/storage/pool_xml.h"

namespace virtus::model {
namespace {

PoolDef netfsPool() {
  PoolDef def;
  def.type = PoolType::Netfs;
  def.name = "nfs";
  def.uuid = Uuid::generate();
  def.source.hosts.push_back({"server", std::nullopt});
  def.source.dir = "/export";
  def.source.format = "nfs";
  def.target.path = "/mnt";
  return def;
}

void expectError(const Result<void>& r, ErrorCode code, const std::string& message) {
  ASSERT_FALSE(r) << "accepted, expected: " << message;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(message), std::string::npos) << r.error().message;
}

TEST(PoolValidate, AcceptsAWellFormedDefinition) {
  EXPECT_TRUE(validatePool(netfsPool()));
}

TEST(PoolValidate, RequiredSourcePartsPerType) {
  PoolDef def = netfsPool();
  def.source.hosts.clear();
  expectError(validatePool(def), ErrorCode::XmlError, "missing storage pool source host name");
  def = netfsPool();
  def.source.dir.clear();
  expectError(validatePool(def), ErrorCode::XmlError, "missing storage pool source path");
  def = netfsPool();
  def.type = PoolType::Fs;
  def.source.format = "ext4";
  expectError(validatePool(def), ErrorCode::XmlError, "missing storage pool source device name");
  def.type = PoolType::Scsi;
  def.source.format.clear();
  expectError(validatePool(def), ErrorCode::XmlError, "missing storage pool source adapter");
}

TEST(PoolValidate, FormatMustBelongToTheType) {
  PoolDef def = netfsPool();
  def.source.format = "ext4";
  expectError(validatePool(def), ErrorCode::ConfigUnsupported, "unknown pool format type ext4");
}

TEST(PoolValidate, NameRules) {
  PoolDef def = netfsPool();
  def.name = "a/b";
  expectError(validatePool(def), ErrorCode::XmlError, "name a/b cannot contain '/'");
  def.name = "";
  expectError(validatePool(def), ErrorCode::XmlError, "missing pool source name element");
  def.name = "two\nlines";
  expectError(validatePool(def), ErrorCode::XmlDetail, "invalid char in name: 0x0a");
}

TEST(PoolValidate, ProtocolVersionOnlyForNfsAndAuto) {
  PoolDef def = netfsPool();
  def.source.protocolVer = 4;
  EXPECT_TRUE(validatePool(def));
  def.source.format = "glusterfs";
  expectError(validatePool(def), ErrorCode::ConfigUnsupported,
              "storage pool protocol ver unsupported for pool type 'glusterfs'");
}

TEST(PoolValidate, CowAuthAndInitiator) {
  PoolDef def = netfsPool();
  def.featureCow = TriState::Yes;
  expectError(validatePool(def), ErrorCode::NoSupport, "cow feature may only be used");
  def = netfsPool();
  def.source.auth = StorageAuth{"", "admin", SecretRef{std::nullopt, "usage"}};
  expectError(validatePool(def), ErrorCode::ConfigUnsupported, "storage pool missing auth type");
  PoolDef direct;
  direct.type = PoolType::IscsiDirect;
  direct.name = "d";
  direct.source.hosts.push_back({"h", std::nullopt});
  direct.source.devices.push_back({"iqn.2013-06.com.example:t", TriState::Absent, {}});
  expectError(validatePool(direct), ErrorCode::ConfigUnsupported, "missing initiator IQN");
  direct.source.initiatorIqn = "iqn.2013-06.com.example:i";
  EXPECT_TRUE(validatePool(direct));
}

TEST(PoolValidate, ReadPoolXmlParsesThenValidates) {
  auto def =
      readPoolXml("<pool type='dir'><name>a&#10;b</name><target><path>/a</path></target></pool>");
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().code, ErrorCode::XmlDetail);
  auto good = readPoolXml("<pool type='dir'><name>a</name><target><path>/a</path></target></pool>");
  EXPECT_TRUE(good);
}

}  // namespace
}  // namespace virtus::model
