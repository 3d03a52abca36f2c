#include "model/storage/storage_timestamps_xml.h"

#include <gtest/gtest.h>

namespace virtus::model {
namespace {

TEST(StorageTimestampsXml, ParsesSecondsAndFractions) {
  EXPECT_EQ(parseTimestamp("1341933637.273190990"), (Timestamp{1341933637, 273190990}));
  EXPECT_EQ(parseTimestamp("5"), (Timestamp{5, 0}));
  EXPECT_EQ(parseTimestamp("1.5"), (Timestamp{1, 500000000}));
  EXPECT_EQ(parseTimestamp("7."), (Timestamp{7, 0}));
  EXPECT_FALSE(parseTimestamp("").has_value());
  EXPECT_FALSE(parseTimestamp("-1").has_value());
  EXPECT_FALSE(parseTimestamp("1.0123456789").has_value());
  EXPECT_FALSE(parseTimestamp("1.2.3").has_value());
  EXPECT_FALSE(parseTimestamp(" 1").has_value());
}

TEST(StorageTimestampsXml, FormatsLikeLibvirt) {
  EXPECT_EQ(formatTimestamp({1341930622, 47245868}), "1341930622.047245868");
  EXPECT_EQ(formatTimestamp({12, 0}), "12");
  XmlWriter w;
  formatStorageTimestamps(
      w, StorageTimestamps{Timestamp{1, 1}, Timestamp{2, 0}, Timestamp{3, -1}, Timestamp{4, 0}});
  // atime, mtime, ctime, btime; unknown (negative) nanoseconds are left out.
  EXPECT_EQ(w.str(),
            "<timestamps>\n"
            "  <atime>1.000000001</atime>\n"
            "  <mtime>4</mtime>\n"
            "  <btime>2</btime>\n"
            "</timestamps>\n");
}

TEST(StorageTimestampsXml, ParsesElement) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(
      "<timestamps><atime>1341933637.273190990</atime><ctime>1</ctime></timestamps>"));
  auto ts = parseStorageTimestamps(doc.document_element());
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(ts->atime, (Timestamp{1341933637, 273190990}));
  EXPECT_EQ(ts->ctime, (Timestamp{1, 0}));
  EXPECT_FALSE(ts->mtime.has_value());
  ASSERT_TRUE(doc.load_string("<timestamps><mtime>x</mtime></timestamps>"));
  auto bad = parseStorageTimestamps(doc.document_element());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::XmlError);
  EXPECT_NE(bad.error().message.find("'x'"), std::string::npos);
}

}  // namespace
}  // namespace virtus::model
