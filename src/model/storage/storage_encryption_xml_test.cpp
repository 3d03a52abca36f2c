#include "model/storage/storage_encryption_xml.h"

#include <gtest/gtest.h>

namespace virtus::model {
namespace {

Result<StorageEncryption> parse(const char* xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml));
  return parseStorageEncryption(doc.document_element());
}

std::string format(const StorageEncryption& enc) {
  XmlWriter w;
  formatStorageEncryption(w, enc);
  return w.take();
}

TEST(StorageEncryptionXml, LuksWithCipherAndIvgen) {
  auto enc = parse(
      "<encryption format='luks' engine='qemu'>"
      "<secret type='passphrase' uuid='f52a81b2424e490c823d6bd4235bc572'/>"
      "<cipher name='aes' size='256' mode='xts' hash='sha256'/>"
      "<ivgen name='plain64' hash='sha256'/></encryption>");
  ASSERT_TRUE(enc.has_value()) << enc.error().message;
  EXPECT_EQ(enc->format, "luks");
  EXPECT_EQ(enc->engine, "qemu");
  ASSERT_EQ(enc->secrets.size(), 1u);
  EXPECT_EQ(enc->secrets[0].type, "passphrase");
  ASSERT_TRUE(enc->secrets[0].ref.uuid.has_value());
  EXPECT_EQ(enc->cipherName, "aes");
  EXPECT_EQ(enc->cipherSize, 256u);
  EXPECT_EQ(enc->ivgenName, "plain64");
  // Layout as libvirt writes it (canonical UUID, attributes in libvirt's order).
  EXPECT_EQ(format(*enc),
            "<encryption format='luks' engine='qemu'>\n"
            "  <secret type='passphrase' uuid='f52a81b2-424e-490c-823d-6bd4235bc572'/>\n"
            "  <cipher name='aes' size='256' mode='xts' hash='sha256'/>\n"
            "  <ivgen name='plain64' hash='sha256'/>\n"
            "</encryption>\n");
}

TEST(StorageEncryptionXml, CipherIsOnlyReadForLuks) {
  auto enc = parse("<encryption format='qcow'><cipher name='aes' size='1'/></encryption>");
  ASSERT_TRUE(enc.has_value());
  EXPECT_FALSE(enc->hasCipher);
  EXPECT_EQ(format(*enc), "<encryption format='qcow'>\n</encryption>\n");
}

TEST(StorageEncryptionXml, UsageSecret) {
  auto enc = parse(
      "<encryption format='default'><secret type='passphrase' usage='a&amp;b'/>"
      "</encryption>");
  ASSERT_TRUE(enc.has_value());
  ASSERT_EQ(enc->secrets.size(), 1u);
  EXPECT_FALSE(enc->secrets[0].ref.uuid.has_value());
  EXPECT_EQ(enc->secrets[0].ref.usage, "a&b");
  EXPECT_EQ(format(*enc),
            "<encryption format='default'>\n"
            "  <secret type='passphrase' usage='a&amp;b'/>\n"
            "</encryption>\n");
}

TEST(StorageEncryptionXml, Errors) {
  struct Case {
    const char* xml;
    ErrorCode code;
    const char* message;
  } cases[] = {
      {"<encryption format=''/>", ErrorCode::XmlError, "unknown volume encryption format"},
      {"<encryption format='aes'/>", ErrorCode::ConfigUnsupported,
       "unknown volume encryption format type aes"},
      {"<encryption format='luks' engine=''/>", ErrorCode::XmlError,
       "Invalid value for attribute 'engine' in element 'encryption': ''."},
      {"<encryption format='luks'><secret type='passphrase' uuid=''/></encryption>",
       ErrorCode::XmlError, "invalid secret uuid ''"},
      {"<encryption format='luks'><cipher name='a' size=''/></encryption>", ErrorCode::XmlError,
       "Invalid value for attribute 'size' in element 'cipher': ''."},
      {"<encryption format='luks'><cipher name='a' size='-1'/></encryption>", ErrorCode::XmlError,
       "Invalid value for attribute 'size' in element 'cipher': '-1'."},
  };
  for (const Case& c : cases) {
    auto enc = parse(c.xml);
    ASSERT_FALSE(enc.has_value()) << c.xml;
    EXPECT_EQ(enc.error().code, c.code) << c.xml;
    EXPECT_NE(enc.error().message.find(c.message), std::string::npos) << enc.error().message;
  }
}

}  // namespace
}  // namespace virtus::model
