// Behaviour and messages checked against libvirt 9.0's libvirtd (secret driver, session
// mode) through python3-libvirt.
#include "secrets/secret_manager.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "os/forwarding_file_system.h"
#include "os/linux_file_system.h"
#include "support/temp_dir.h"

namespace virtus::secrets {
namespace {

using driver::SecretHandle;
using driver::SecretUsageType;
namespace list = driver::secret_list;

constexpr const char* kU1 = "11111111-2222-3333-4444-555555555555";
constexpr const char* kU2 = "22222222-2222-3333-4444-555555555555";

Uuid uuidOf(const char* text) {
  return *Uuid::parse(text);
}

std::string secretXml(const char* uuid, const char* usage = nullptr, const char* attrs = "") {
  std::string xml = std::string("<secret") + attrs + ">";
  if (uuid)
    xml += std::string("<uuid>") + uuid + "</uuid>";
  if (usage)
    xml += usage;
  return xml + "</secret>";
}

constexpr const char* kCephN1 = "<usage type='ceph'><name>n1</name></usage>";

// Fails writes of files whose name contains `needle`, to check rollback.
class FailingWrites : public os::ForwardingFileSystem {
 public:
  using ForwardingFileSystem::ForwardingFileSystem;
  std::string needle;
  Result<void> writeFileAtomic(const std::string& path, std::string_view content,
                               std::uint32_t mode) override {
    if (!needle.empty() && path.find(needle) != std::string::npos)
      return makeError(ErrorCode::SystemError, ErrorDomain::None, "injected failure");
    return ForwardingFileSystem::writeFileAtomic(path, content, mode);
  }
};

class SecretManagerTest : public ::testing::Test {
 protected:
  SecretManagerTest()
      : paths_(os::RootPaths::underRoot(tmp_.path())), fs_(realFs_), manager_(fs_, paths_) {}

  std::unique_ptr<SecretManager> reopen() {
    auto m = std::make_unique<SecretManager>(fs_, paths_);
    auto problems = m->loadState();
    EXPECT_TRUE(problems.empty()) << problems.front().message;
    return m;
  }
  SecretHandle define(const std::string& xml, unsigned flags = 0) {
    auto h = manager_.defineSecret(xml, flags);
    EXPECT_TRUE(h) << (h ? "" : h.error().message);
    return h ? *h : SecretHandle{};
  }
  std::string configFile(const char* uuid) {
    return paths_.secretConfigDir() + "/" + uuid + ".xml";
  }
  std::string valueFile(const char* uuid) {
    return paths_.secretValueDir() + "/" + uuid + ".base64";
  }
  bool exists(const std::string& path) { return realFs_.exists(path); }

  fixtures::TempDir tmp_;
  os::RootPaths paths_;
  os::LinuxFileSystem realFs_;
  FailingWrites fs_;
  SecretManager manager_;
};

void expectError(const Error& e, ErrorCode code, const std::string& message) {
  EXPECT_EQ(e.code, code) << e.message;
  EXPECT_EQ(e.domain, ErrorDomain::Secret) << e.message;
  EXPECT_EQ(e.message, message);
}

TEST_F(SecretManagerTest, DefineReturnsHandleAndPersistsTheFormattedDefinition) {
  auto h = define(secretXml(kU1, kCephN1));
  EXPECT_EQ(h, (SecretHandle{uuidOf(kU1), SecretUsageType::Ceph, "n1"}));
  auto xml = manager_.secretXml(h, 0);
  ASSERT_TRUE(xml);
  const std::string expected =
      "<secret ephemeral='no' private='no'>\n"
      "  <uuid>11111111-2222-3333-4444-555555555555</uuid>\n"
      "  <usage type='ceph'>\n"
      "    <name>n1</name>\n"
      "  </usage>\n"
      "</secret>\n";
  EXPECT_EQ(*xml, expected);
  auto onDisk = realFs_.readFile(configFile(kU1));
  ASSERT_TRUE(onDisk);
  EXPECT_EQ(*onDisk, expected);
  auto st = realFs_.stat(configFile(kU1));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->mode & 0777, 0600u);
}

TEST_F(SecretManagerTest, GeneratesAUuidWhenAbsent) {
  auto a = define(secretXml(nullptr));
  auto b = define(secretXml(nullptr));
  EXPECT_FALSE(a.uuid.isNull());
  EXPECT_NE(a.uuid, b.uuid);
  EXPECT_EQ(a.usageType, SecretUsageType::None);
  EXPECT_EQ(a.usageId, "");
  EXPECT_TRUE(exists(configFile(a.uuid.str().c_str())));
}

TEST_F(SecretManagerTest, RedefineUpdatesTheSameSecret) {
  define(secretXml(kU1, kCephN1));
  define("<secret><uuid>" + std::string(kU1) + "</uuid><description>d</description>" + kCephN1 +
         "</secret>");
  auto all = manager_.listAllSecrets(0);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
  auto xml = manager_.secretXml({uuidOf(kU1)}, 0);
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("<description>d</description>"), std::string::npos) << *xml;
  // libvirt compares only the usage id, so the type may change.
  auto h = define(secretXml(kU1, "<usage type='iscsi'><target>n1</target></usage>"));
  EXPECT_EQ(h.usageType, SecretUsageType::Iscsi);
}

TEST_F(SecretManagerTest, RedefineWithAnotherUsageIdIsRefused) {
  define(secretXml(kU1, kCephN1));
  auto other =
      manager_.defineSecret(secretXml(kU1, "<usage type='ceph'><name>n2</name></usage>"), 0);
  ASSERT_FALSE(other);
  expectError(other.error(), ErrorCode::InternalError,
              "a secret with UUID 11111111-2222-3333-4444-555555555555 is already defined for "
              "use with n1");
  auto none = manager_.defineSecret(secretXml(kU1), 0);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, other.error().message);
}

TEST_F(SecretManagerTest, UsageTakenByAnotherSecretIsRefused) {
  define(secretXml(kU1, kCephN1));
  for (const char* uuid : {kU2, static_cast<const char*>(nullptr)}) {
    auto clash = manager_.defineSecret(secretXml(uuid, kCephN1), 0);
    ASSERT_FALSE(clash);
    expectError(clash.error(), ErrorCode::InternalError,
                "a secret with UUID 11111111-2222-3333-4444-555555555555 already defined for use "
                "with n1");
  }
  EXPECT_FALSE(exists(configFile(kU2)));
  // Same id under another type is another usage.
  define(secretXml(kU2, "<usage type='tls'><name>n1</name></usage>"));
}

TEST_F(SecretManagerTest, PrivateCannotBecomePublicButEphemeralMayChange) {
  define(secretXml(kU1, kCephN1));
  define(secretXml(kU1, kCephN1, " private='yes'"));
  auto unprivate = manager_.defineSecret(secretXml(kU1, kCephN1, " private='no'"), 0);
  ASSERT_FALSE(unprivate);
  expectError(unprivate.error(), ErrorCode::InternalError,
              "cannot change private flag on existing secret");
  define(secretXml(kU1, kCephN1, " ephemeral='yes' private='yes'"));
  define(secretXml(kU1, kCephN1, " ephemeral='no' private='yes'"));
}

TEST_F(SecretManagerTest, ValuesAreStoredBase64AndReadBack) {
  auto h = define(secretXml(kU2));
  auto missing = manager_.secretValue(h, 0);
  ASSERT_FALSE(missing);
  expectError(missing.error(), ErrorCode::NoSecret,
              "secret '22222222-2222-3333-4444-555555555555' does not have a value");
  const std::string binary(
      "\0\xff"
      "binary",
      8);
  ASSERT_TRUE(manager_.setSecretValue(h, binary, 0));
  auto value = manager_.secretValue(h, 0);
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, binary);
  auto file = realFs_.readFile(valueFile(kU2));
  ASSERT_TRUE(file);
  EXPECT_EQ(*file, "AP9iaW5hcnk=");
  auto st = realFs_.stat(valueFile(kU2));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->mode & 0777, 0600u);
  auto dir = realFs_.stat(paths_.secretValueDir());
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->mode & 0777, 0700u);
}

TEST_F(SecretManagerTest, PrivateValueOnlyForInternalCallers) {
  auto h = define(secretXml(kU1, kCephN1, " private='yes'"));
  ASSERT_TRUE(manager_.setSecretValue(h, "abc", 0));
  auto refused = manager_.secretValue(h, 0);
  ASSERT_FALSE(refused);
  expectError(refused.error(), ErrorCode::InvalidSecret, "secret is private");
  auto internal = manager_.secretValue(h, 0, true);
  ASSERT_TRUE(internal);
  EXPECT_EQ(*internal, "abc");
}

// Known gap in common/error.cpp: errorPrefix() has no entry for VIR_ERR_INVALID_SECRET, whose
// libvirt prefix is "Invalid secret: " (libvirtd 9.0 reports "Invalid secret: secret is
// private"). Enable once the prefix is added there.
TEST_F(SecretManagerTest, PrivateErrorTextHasLibvirtsPrefix) {
  auto h = define(secretXml(kU1, kCephN1, " private='yes'"));
  auto refused = manager_.secretValue(h, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().text(), "Invalid secret: secret is private");
}

TEST_F(SecretManagerTest, EphemeralSecretsNeverTouchTheDisk) {
  auto h = define(secretXml(kU1, kCephN1, " ephemeral='yes'"));
  ASSERT_TRUE(manager_.setSecretValue(h, "eph", 0));
  EXPECT_FALSE(exists(configFile(kU1)));
  EXPECT_FALSE(exists(valueFile(kU1)));
  EXPECT_EQ(*manager_.secretValue(h, 0), "eph");
  auto again = reopen();
  EXPECT_FALSE(again->lookupSecretByUuid(uuidOf(kU1)));
}

TEST_F(SecretManagerTest, SwitchingEphemeralMovesTheSecretOnAndOffDisk) {
  auto h = define(secretXml(kU1, kCephN1));
  ASSERT_TRUE(manager_.setSecretValue(h, "hello", 0));
  ASSERT_TRUE(exists(valueFile(kU1)));
  define(secretXml(kU1, kCephN1, " ephemeral='yes'"));
  EXPECT_FALSE(exists(configFile(kU1)));
  EXPECT_FALSE(exists(valueFile(kU1)));
  EXPECT_EQ(*manager_.secretValue(h, 0), "hello");  // kept in memory, as libvirt
  ASSERT_TRUE(manager_.setSecretValue(h, "eph", 0));
  EXPECT_FALSE(exists(valueFile(kU1)));
  define(secretXml(kU1, kCephN1, " ephemeral='no'"));
  EXPECT_TRUE(exists(configFile(kU1)));
  auto file = realFs_.readFile(valueFile(kU1));
  ASSERT_TRUE(file);
  EXPECT_EQ(*file, "ZXBo");  // what libvirtd wrote for "eph" in the same sequence
}

TEST_F(SecretManagerTest, LookupsAndTheirErrors) {
  define(secretXml(kU1, kCephN1));
  define(secretXml(kU2));
  auto byUsage = manager_.lookupSecretByUsage(SecretUsageType::Ceph, "n1");
  ASSERT_TRUE(byUsage);
  EXPECT_EQ(byUsage->uuid, uuidOf(kU1));
  auto byUuid = manager_.lookupSecretByUuid(uuidOf(kU2));
  ASSERT_TRUE(byUuid);
  EXPECT_EQ(byUuid->usageType, SecretUsageType::None);

  auto noUuid = manager_.lookupSecretByUuid(uuidOf("44444444-2222-3333-4444-555555555555"));
  ASSERT_FALSE(noUuid);
  expectError(noUuid.error(), ErrorCode::NoSecret,
              "no secret with matching uuid '44444444-2222-3333-4444-555555555555'");
  EXPECT_EQ(noUuid.error().text(),
            "Secret not found: no secret with matching uuid "
            "'44444444-2222-3333-4444-555555555555'");
  auto wrongType = manager_.lookupSecretByUsage(SecretUsageType::Iscsi, "n1");
  ASSERT_FALSE(wrongType);
  expectError(wrongType.error(), ErrorCode::NoSecret, "no secret with matching usage 'n1'");
  auto none = manager_.lookupSecretByUsage(SecretUsageType::None, "");
  ASSERT_FALSE(none);
  expectError(none.error(), ErrorCode::NoSecret, "no secret with matching usage ''");
  auto badType = manager_.lookupSecretByUsage(static_cast<SecretUsageType>(9), "n1");
  ASSERT_FALSE(badType);
  EXPECT_EQ(badType.error().message, "no secret with matching usage 'n1'");
}

std::vector<std::string> listed(SecretManager& m, unsigned flags) {
  std::vector<std::string> out;
  auto all = m.listAllSecrets(flags);
  EXPECT_TRUE(all);
  if (all) {
    for (const auto& h : *all)
      out.push_back(h.uuid.str());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(SecretManagerTest, ListFiltersAsLibvirt) {
  define(secretXml(kU1, kCephN1));  // persistent, public
  define(secretXml(kU2, "<usage type='volume'><volume>/v</volume></usage>",
                   " ephemeral='yes' private='yes'"));
  using V = std::vector<std::string>;
  // The flag combinations and results libvirtd gave for the same two secrets.
  EXPECT_EQ(listed(manager_, 0), (V{kU1, kU2}));
  EXPECT_EQ(listed(manager_, list::kEphemeral), (V{kU2}));
  EXPECT_EQ(listed(manager_, list::kNoEphemeral), (V{kU1}));
  EXPECT_EQ(listed(manager_, list::kEphemeral | list::kNoEphemeral), (V{kU1, kU2}));
  EXPECT_EQ(listed(manager_, list::kPrivate), (V{kU2}));
  EXPECT_EQ(listed(manager_, list::kNoPrivate), (V{kU1}));
  EXPECT_EQ(listed(manager_, list::kEphemeral | list::kPrivate), (V{kU2}));
  EXPECT_EQ(listed(manager_, list::kNoEphemeral | list::kPrivate), V{});
  EXPECT_EQ(listed(manager_, list::kEphemeral | list::kNoPrivate), V{});
  EXPECT_EQ(listed(manager_, list::kNoEphemeral | list::kNoPrivate), (V{kU1}));
  EXPECT_EQ(listed(manager_, 15), (V{kU1, kU2}));
}

TEST_F(SecretManagerTest, UnknownFlagsAreRefusedWithLibvirtsFunctionNames) {
  auto h = define(secretXml(kU1));
  auto listFlags = manager_.listAllSecrets(16);
  ASSERT_FALSE(listFlags);
  expectError(listFlags.error(), ErrorCode::InvalidArg,
              "unsupported flags (0x10) in function secretConnectListAllSecrets");
  auto xmlFlags = manager_.secretXml(h, 1);
  ASSERT_FALSE(xmlFlags);
  EXPECT_EQ(xmlFlags.error().message, "unsupported flags (0x1) in function secretGetXMLDesc");
  auto getFlags = manager_.secretValue(h, 1);
  ASSERT_FALSE(getFlags);
  EXPECT_EQ(getFlags.error().message, "unsupported flags (0x1) in function secretGetValue");
  auto setFlags = manager_.setSecretValue(h, "x", 1);
  ASSERT_FALSE(setFlags);
  EXPECT_EQ(setFlags.error().message, "unsupported flags (0x1) in function secretSetValue");
  auto defFlags = manager_.defineSecret(secretXml(kU2), 2);
  ASSERT_FALSE(defFlags);
  EXPECT_EQ(defFlags.error().message, "unsupported flags (0x2) in function secretDefineXML");
}

TEST_F(SecretManagerTest, ValidateFlagChecksTheSchema) {
  auto bad = manager_.defineSecret("<secret foo='bar'/>", driver::secret_define::kValidate);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::XmlInvalidSchema);
  EXPECT_NE(bad.error().message.find("Invalid attribute foo for element secret"), std::string::npos)
      << bad.error().message;
  // Without the flag the unknown attribute is ignored, as libvirt does.
  define("<secret foo='bar'><bogus/></secret>");
  define(secretXml(kU1, kCephN1), driver::secret_define::kValidate);
}

TEST_F(SecretManagerTest, ParseErrorsPassThrough) {
  auto e = manager_.defineSecret("<secret><usage type='bogus'/></secret>", 0);
  ASSERT_FALSE(e);
  expectError(e.error(), ErrorCode::ConfigUnsupported, "unknown secret usage type bogus");
}

TEST_F(SecretManagerTest, PersistsAcrossANewManager) {
  auto h1 = define(secretXml(kU1, kCephN1, " private='yes'"));
  ASSERT_TRUE(manager_.setSecretValue(h1, "s3cret", 0));
  define(secretXml(kU2, "<usage type='vtpm'><name>tpm</name></usage>"));
  auto again = reopen();
  EXPECT_EQ(listed(*again, 0), (std::vector<std::string>{kU1, kU2}));
  auto found = again->lookupSecretByUsage(SecretUsageType::Vtpm, "tpm");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->uuid, uuidOf(kU2));
  EXPECT_EQ(*again->secretValue(h1, 0, true), "s3cret");
  EXPECT_FALSE(again->secretValue(h1, 0));
  EXPECT_EQ(*again->secretXml(h1, 0), *manager_.secretXml(h1, 0));
}

TEST_F(SecretManagerTest, UndefineRemovesBothFiles) {
  auto h = define(secretXml(kU1, kCephN1));
  ASSERT_TRUE(manager_.setSecretValue(h, "v", 0));
  ASSERT_TRUE(manager_.undefineSecret(h));
  EXPECT_FALSE(exists(configFile(kU1)));
  EXPECT_FALSE(exists(valueFile(kU1)));
  auto dirs = {paths_.secretConfigDir(), paths_.secretValueDir()};
  for (const auto& dir : dirs) {
    auto entries = realFs_.listDirectory(dir);
    ASSERT_TRUE(entries);
    EXPECT_TRUE(entries->empty()) << dir;
  }
  auto again = manager_.undefineSecret(h);
  ASSERT_FALSE(again);
  expectError(again.error(), ErrorCode::NoSecret,
              "no secret with matching uuid '11111111-2222-3333-4444-555555555555'");
  EXPECT_FALSE(manager_.secretXml(h, 0));
  // The usage is free again.
  define(secretXml(kU2, kCephN1));
}

TEST_F(SecretManagerTest, EmptyValueMeansNoValue) {
  auto h = define(secretXml(kU1));
  ASSERT_TRUE(manager_.setSecretValue(h, "v", 0));
  ASSERT_TRUE(manager_.setSecretValue(h, "", 0));
  auto value = manager_.secretValue(h, 0);
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().code, ErrorCode::NoSecret);
  EXPECT_FALSE(exists(valueFile(kU1)));
}

TEST_F(SecretManagerTest, FailedWritesLeaveTheOldState) {
  auto h = define(secretXml(kU1, kCephN1));
  ASSERT_TRUE(manager_.setSecretValue(h, "old", 0));
  fs_.needle = ".xml";
  EXPECT_FALSE(manager_.defineSecret(secretXml(kU2), 0));
  EXPECT_FALSE(manager_.lookupSecretByUuid(uuidOf(kU2)));
  EXPECT_FALSE(manager_.defineSecret("<secret><uuid>" + std::string(kU1) +
                                         "</uuid><description>new</description>" + kCephN1 +
                                         "</secret>",
                                     0));
  EXPECT_EQ(manager_.secretXml(h, 0)->find("new"), std::string::npos);
  fs_.needle = ".base64";
  EXPECT_FALSE(manager_.setSecretValue(h, "new", 0));
  EXPECT_EQ(*manager_.secretValue(h, 0), "old");
}

TEST_F(SecretManagerTest, ConcurrentCallersSeeConsistentSecrets) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto h = manager_.defineSecret(
            "<secret><usage type='ceph'><name>" + name + "</name></usage></secret>", 0);
        if (!h || !manager_.setSecretValue(*h, name, 0)) {
          ++failures[t];
          continue;
        }
        // Everyone races for one shared usage: exactly one define may win it.
        (void)manager_.defineSecret(
            "<secret><usage type='iscsi'><target>shared</target></usage></secret>", 0);
        auto value = manager_.secretValue(*h, 0);
        if (!value || *value != name || !manager_.listAllSecrets(0))
          ++failures[t];
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(failures[t], 0) << t;
  auto all = manager_.listAllSecrets(0);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), std::size_t(kThreads * kPerThread + 1));
  auto again = reopen();
  EXPECT_EQ(again->listAllSecrets(0)->size(), all->size());
  EXPECT_TRUE(again->lookupSecretByUsage(SecretUsageType::Iscsi, "shared"));
}

}  // namespace
}  // namespace virtus::secrets
