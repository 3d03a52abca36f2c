#include "model/xml/libxml_library.h"

#include <gtest/gtest.h>

namespace virtus::model {
namespace {

TEST(LibxmlLibrary, LoadsOnceAndResolvesEveryFunction) {
  auto first = libxml();
  ASSERT_TRUE(first) << first.error().message;
  auto second = libxml();
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
  const LibxmlLibrary& lib = **first;
  // The table works: a document parses through it.
  xmlParserCtxtPtr ctxt = lib.xmlNewParserCtxt();
  ASSERT_NE(ctxt, nullptr);
  const char xml[] = "<pool type='dir'><name>x</name></pool>";
  xmlDocPtr doc = lib.xmlCtxtReadMemory(ctxt, xml, sizeof xml - 1, nullptr, nullptr,
                                        XML_PARSE_NONET | XML_PARSE_NOERROR);
  EXPECT_NE(doc, nullptr);
  lib.xmlFreeDoc(doc);
  lib.xmlFreeParserCtxt(ctxt);
  EXPECT_NE(lib.genericError(), nullptr);
  EXPECT_NE(lib.genericErrorContext(), nullptr);
  EXPECT_NE(lib.xmlRelaxNGValidateDoc, nullptr);
}

TEST(LibxmlLibrary, MissingLibraryIsAnInternalError) {
  auto r = LibxmlLibrary::open("libvirtus-no-such-library.so.0");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().domain, ErrorDomain::Xml);
  const std::string& message = r.error().message;
  EXPECT_EQ(message.rfind("Failed to load library 'libvirtus-no-such-library.so.0': ", 0), 0u)
      << message;
  // dlerror()'s reason follows.
  EXPECT_NE(message.find("cannot open shared object file"), std::string::npos) << message;
}

TEST(LibxmlLibrary, LibraryWithoutTheFunctionsIsAnInternalError) {
  // The C library loads, but is not libxml2.
  auto r = LibxmlLibrary::open("libc.so.6");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InternalError);
  EXPECT_EQ(r.error().domain, ErrorDomain::Xml);
  EXPECT_EQ(
      r.error().message.rfind("Failed to find symbol 'xmlInitParser' in library 'libc.so.6': ", 0),
      0u)
      << r.error().message;
}

}  // namespace
}  // namespace virtus::model
