#include "secrets/secret_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "os/linux_file_system.h"
#include "secrets/secret_manager.h"
#include "support/temp_dir.h"

namespace virtus::secrets {
namespace {

constexpr const char* kU1 = "11111111-2222-3333-4444-555555555555";
constexpr const char* kU2 = "22222222-2222-3333-4444-555555555555";
constexpr const char* kU3 = "33333333-2222-3333-4444-555555555555";

class SecretStoreTest : public ::testing::Test {
 protected:
  SecretStoreTest() : paths_(os::RootPaths::underRoot(tmp_.path())) {
    std::filesystem::create_directories(paths_.secretConfigDir());
    std::filesystem::create_directories(paths_.secretValueDir());
  }
  void writeConfig(const std::string& name, const std::string& text) {
    std::ofstream(paths_.secretConfigDir() + "/" + name) << text;
  }
  void writeValue(const std::string& uuid, const std::string& text) {
    std::ofstream(paths_.secretValueDir() + "/" + uuid + ".base64") << text;
  }
  static std::string xmlFor(const char* uuid, const char* usage = "") {
    return std::string("<secret ephemeral='no' private='no'><uuid>") + uuid + "</uuid>" + usage +
           "</secret>";
  }

  fixtures::TempDir tmp_;
  os::RootPaths paths_;
  os::LinuxFileSystem fs_;
};

TEST_F(SecretStoreTest, BrokenFilesAreReportedAndTheRestLoaded) {
  writeConfig(std::string(kU1) + ".xml", xmlFor(kU1));
  writeValue(kU1, "dmFsdWU=");
  writeConfig(std::string(kU2) + ".xml", "<secret><uuid>");  // malformed
  writeConfig(std::string(kU3) + ".xml", xmlFor(kU1));       // names another UUID
  writeConfig("44444444-2222-3333-4444-555555555555.xml",
              xmlFor("44444444-2222-3333-4444-555555555555"));
  writeValue("44444444-2222-3333-4444-555555555555", "not base64!");
  writeConfig("README", "ignored: not .xml");

  SecretStore store(fs_, paths_);
  LoadedSecrets loaded = store.loadAll();
  ASSERT_EQ(loaded.secrets.size(), 1u);
  EXPECT_EQ(loaded.secrets[0].def.uuid->str(), kU1);
  EXPECT_EQ(loaded.secrets[0].value, "value");
  ASSERT_EQ(loaded.problems.size(), 3u);
  EXPECT_NE(loaded.problems[0].message.find(std::string(kU2) + ".xml': "), std::string::npos)
      << loaded.problems[0].message;
  EXPECT_EQ(loaded.problems[1].message,
            "cannot load secret file '" + paths_.secretConfigDir() + "/" + kU3 +
                ".xml': internal error: <uuid> does not match secret file name '" + kU3 + ".xml'");
  EXPECT_NE(loaded.problems[2].message.find("invalid base64 in '" + paths_.secretValueDir() +
                                            "/44444444-2222-3333-4444-555555555555.base64'"),
            std::string::npos)
      << loaded.problems[2].message;
  // Nothing was deleted.
  EXPECT_TRUE(fs_.exists(paths_.secretConfigDir() + "/" + kU2 + ".xml"));
}

TEST_F(SecretStoreTest, ManagerReportsProblemsWithoutFailing) {
  writeConfig(std::string(kU1) + ".xml", xmlFor(kU1, "<usage type='ceph'><name>n</name></usage>"));
  writeConfig(std::string(kU2) + ".xml", xmlFor(kU2, "<usage type='ceph'><name>n</name></usage>"));
  writeConfig(std::string(kU3) + ".xml", "garbage");
  SecretManager manager(fs_, paths_);
  auto problems = manager.loadState();
  EXPECT_EQ(problems.size(), 2u);
  auto all = manager.listAllSecrets(0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].uuid.str(), kU1);
}

TEST_F(SecretStoreTest, NoDirectoriesMeansNoSecrets) {
  fixtures::TempDir empty;
  SecretStore store(fs_, os::RootPaths::underRoot(empty.path()));
  auto loaded = store.loadAll();
  EXPECT_TRUE(loaded.secrets.empty());
  EXPECT_TRUE(loaded.problems.empty());
}

}  // namespace
}  // namespace virtus::secrets
