#include "model/xml/xml_reader.h"

#include <gtest/gtest.h>

#include "model/storage/storage_xml_props.h"

namespace virtus::model {
namespace {

pugi::xml_node rootOf(pugi::xml_document& doc, const char* xml) {
  EXPECT_TRUE(doc.load_string(xml)) << xml;
  return doc.document_element();
}

TEST(XmlReader, XpathStringTakesTheFirstMatchInDocumentOrder) {
  pugi::xml_document doc;
  auto root = rootOf(doc, "<r><t/><t><p>one</p></t><t><p>two</p></t></r>");
  EXPECT_EQ(xpathString(root, "t/p"), "one");
  EXPECT_EQ(xpathNode(root, "t/p").child_value(), std::string("one"));
  EXPECT_FALSE(xpathNode(root, "t/q"));
}

TEST(XmlReader, XpathStringTreatsEmptyAsMissing) {
  pugi::xml_document doc;
  auto root = rootOf(doc, "<r a='' b='x'><e/><f>i<i>nn</i>er </f></r>");
  EXPECT_EQ(xpathString(root, "e"), std::nullopt);
  EXPECT_EQ(xpathString(root, "@a"), std::nullopt);
  EXPECT_EQ(xpathString(root, "@b"), "x");
  EXPECT_EQ(xpathString(root, "missing"), std::nullopt);
  // The string value of an element is all its text, white space kept.
  EXPECT_EQ(xpathString(root, "f"), "inner ");
  // virXMLPropString keeps a present-but-empty attribute.
  EXPECT_EQ(attrValue(root, "a"), "");
  EXPECT_EQ(attrValue(root, "c"), std::nullopt);
  EXPECT_EQ(childText(root, "f"), "i");  // trimmed, first text only
}

TEST(XmlReader, NumbersFollowVirStrToLong) {
  EXPECT_EQ(parseULongLongPositive(" +12"), 12u);
  EXPECT_EQ(parseULongLongPositive("12k"), std::nullopt);
  EXPECT_EQ(parseULongLongPositive("-0"), std::nullopt);
  EXPECT_EQ(parseULongLongPositive("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parseUIntPositive("4294967295"), 4294967295u);
  EXPECT_EQ(parseUIntPositive("4294967296"), std::nullopt);
  EXPECT_EQ(parseUIntPositive("0x10", 0), 16u);
  EXPECT_EQ(parseUIntPositive("010", 0), 8u);
  EXPECT_EQ(parseUIntPositive("0x10"), std::nullopt);
  EXPECT_EQ(parseUIntPositive("\r-0", 0), std::nullopt);
  // virStrToLong_ui wraps a negative number whose magnitude fits in 32 bits.
  EXPECT_EQ(parseUInt("-1"), 4294967295u);
  EXPECT_EQ(parseUInt("-4294967296"), std::nullopt);
  EXPECT_EQ(parseSigned("-1"), -1);
  EXPECT_EQ(parseSigned(" 1"), std::nullopt);
}

TEST(XmlReader, PropErrorsUseLibvirtTexts) {
  pugi::xml_document doc;
  auto root = rootOf(doc, "<cipher size='x' port='1x' bad='maybe'/>");
  auto size = propUInt(root, "size", 10);
  ASSERT_FALSE(size);
  EXPECT_EQ(size.error().code, ErrorCode::XmlError);
  EXPECT_EQ(size.error().domain, ErrorDomain::Xml);
  EXPECT_EQ(size.error().message,
            "Invalid value for attribute 'size' in element 'cipher': 'x'. Expected "
            "non-negative integer value");
  auto port = propInt(root, "port");
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().message,
            "Invalid value for attribute 'port' in element 'cipher': '1x'. Expected integer "
            "value");
  auto bad = propTristateBool(root, "bad");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Invalid value for attribute 'bad' in element 'cipher': 'maybe'.");
  EXPECT_EQ(missingAttr(root, "name").message,
            "Missing required attribute 'name' in element 'cipher'");
  auto absent = propUInt(root, "none", 0);
  ASSERT_TRUE(absent);
  EXPECT_EQ(*absent, std::nullopt);
}

TEST(StorageXmlProps, SanitizePathAsVirFileSanitizePath) {
  EXPECT_EQ(sanitizePath("/a//b/"), "/a/b");
  EXPECT_EQ(sanitizePath("//a//b/"), "//a/b");
  EXPECT_EQ(sanitizePath("///a"), "/a");
  EXPECT_EQ(sanitizePath("/"), "/");
  EXPECT_EQ(sanitizePath("gluster://host/vol"), "gluster://host/vol");
}

}  // namespace
}  // namespace virtus::model
