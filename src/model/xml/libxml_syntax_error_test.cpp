// Malformed documents are reported in libvirt 9.0's words; every expected text below is what
// `virsh -c test:///default pool-define FILE` (libvirt's own parser) printed for that input.
#include "model/xml/libxml_syntax_error.h"

#include <gtest/gtest.h>

#include "model/xml/xml_reader.h"

namespace virtus::model {
namespace {

constexpr const char* kPool = "(storage_pool_definition)";

struct Case {
  const char* input;
  const char* expected;
};

TEST(LibxmlSyntaxError, WordedAsLibvirt) {
  const Case cases[] = {
      {"<pool type='dir'>\n  <name>broken</name>\n  <target>\n",
       "(storage_pool_definition):4: Premature end of data in tag target line 3\n(null)\n^"},
      {"<pool type='dir'>\n  <name>broken</nam>\n</pool>\n",
       "(storage_pool_definition):2: Opening and ending tag mismatch: name line 2 and nam\n"
       "  <name>broken</nam>\n--------------------^"},
      {"<pool type='dir'>\n\t<name>x</name>\n\t<target><path>/x</path></target\n</pool>\n",
       "(storage_pool_definition):4: expected '>'\n</pool>\n^"},
      {"", "(storage_pool_definition):1: Document is empty\n(null)\n^"},
      {"   \n", "(storage_pool_definition):2: Start tag expected, '<' not found\n(null)\n^"},
      {"<pool type='dir' a='1' a='2'><name>x</name></pool>",
       "(storage_pool_definition):1: Attribute a redefined\n"
       "<pool type='dir' a='1' a='2'><name>x</name></pool>\n----------------------------^"},
      {"<pool type='dir'><name>x &bogus; y</name></pool>\n",
       "(storage_pool_definition):1: Entity 'bogus' not defined\n"
       "<pool type='dir'><name>x &bogus; y</name></pool>\n--------------------------------^"},
      {"<pool type='dir'><name>x</name></pool>\n<extra/>\n",
       "(storage_pool_definition):2: Extra content at the end of the document\n<extra/>\n^"},
      {"not xml at all\n",
       "(storage_pool_definition):1: Start tag expected, '<' not found\nnot xml at all\n^"},
      {"<pool type='dir'>\r\n  <name>x</name  junk>\r\n</pool>\r\n",
       "(storage_pool_definition):2: expected '>'\n  <name>x</name  junk>\n-----------------^"},
      {"<pool type=dir><name>x</name></pool>",
       "(storage_pool_definition):1: AttValue: \" or ' expected\n"
       "<pool type=dir><name>x</name></pool>\n-----------^"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(libxmlSyntaxError(c.input, kPool), c.expected);
  }
}

TEST(LibxmlSyntaxError, WellFormedDocumentsHaveNone) {
  EXPECT_EQ(libxmlSyntaxError("<pool type='dir'><name>x</name></pool>", kPool), std::nullopt);
  EXPECT_EQ(libxmlSyntaxError("<volume/>\n", kPool), std::nullopt);
}

TEST(LibxmlSyntaxError, ParseXmlDocumentReportsIt) {
  auto r = parseXmlDocument("<pool type='dir'>\n  <name>broken</name>\n  <target>\n", "pool",
                            "storage_pool_definition", ErrorDomain::Storage);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::XmlDetail);
  EXPECT_EQ(r.error().domain, ErrorDomain::Storage);
  // VIR_ERR_XML_DETAIL has no prefix: virsh prints the text as it is.
  EXPECT_EQ(r.error().text(),
            "(storage_pool_definition):4: Premature end of data in tag target line 3\n(null)\n^");
  auto wrongRoot =
      parseXmlDocument("<volume/>", "pool", "storage_pool_definition", ErrorDomain::Storage);
  ASSERT_FALSE(wrongRoot);
  EXPECT_EQ(wrongRoot.error().code, ErrorCode::XmlError);
}

}  // namespace
}  // namespace virtus::model
