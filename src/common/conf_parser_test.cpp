#include "common/conf_parser.h"

#include <gtest/gtest.h>

namespace virtus {
namespace {

std::vector<ConfEntry> parseOk(std::string_view text) {
  auto entries = parseConf(text, "test.conf");
  EXPECT_TRUE(entries) << (entries ? "" : entries.error().text());
  return entries ? *entries : std::vector<ConfEntry>{};
}

std::string parseError(std::string_view text) {
  auto entries = parseConf(text, "test.conf");
  EXPECT_FALSE(entries);
  if (entries)
    return "";
  EXPECT_EQ(entries.error().code, ErrorCode::ConfSyntax);
  EXPECT_EQ(entries.error().domain, ErrorDomain::Conf);
  return entries.error().message;
}

TEST(ConfParser, ReadsEveryValueKind) {
  auto entries = parseOk(
      "# a comment line\n"
      "count = 42\n"
      "neg = -7   # trailing comment\n"
      "plus = +3\n"
      "name = \"double quoted\"\n"
      "other = 'single \"quoted\"'\n"
      "list = [ \"a\", 'b' ,\n"
      "   \"c\", ]\n"
      "empty = []\n"
      "nested = [ 1, [ \"x\" ] ]\n");
  ASSERT_EQ(entries.size(), 8u);
  EXPECT_EQ(entries[0].name, "count");
  EXPECT_EQ(entries[0].value.kind, ConfValue::Kind::Integer);
  EXPECT_EQ(entries[0].value.integer, 42);
  EXPECT_FALSE(entries[0].value.negative);
  EXPECT_EQ(entries[0].line, 2);
  EXPECT_EQ(entries[1].value.integer, -7);
  EXPECT_TRUE(entries[1].value.negative);
  EXPECT_EQ(entries[2].value.integer, 3);
  EXPECT_FALSE(entries[2].value.negative);
  EXPECT_EQ(entries[3].value.kind, ConfValue::Kind::String);
  EXPECT_EQ(entries[3].value.string, "double quoted");
  EXPECT_EQ(entries[4].value.string, "single \"quoted\"");
  EXPECT_EQ(entries[5].value.kind, ConfValue::Kind::List);
  ASSERT_EQ(entries[5].value.list.size(), 3u);
  EXPECT_EQ(entries[5].value.list[0].string, "a");
  EXPECT_EQ(entries[5].value.list[1].string, "b");
  EXPECT_EQ(entries[5].value.list[2].string, "c");
  EXPECT_EQ(entries[5].line, 7);
  EXPECT_EQ(entries[6].value.kind, ConfValue::Kind::List);
  EXPECT_TRUE(entries[6].value.list.empty());
  EXPECT_EQ(entries[6].line, 9);
  ASSERT_EQ(entries[7].value.list.size(), 2u);
  EXPECT_EQ(entries[7].value.list[1].kind, ConfValue::Kind::List);
  EXPECT_EQ(entries[7].value.list[1].list[0].string, "x");
}

TEST(ConfParser, AcceptsTripleQuotedStringsAcrossLines) {
  auto entries = parseOk("text = \"\"\"one\ntwo\"\"\"\nafter = 1\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].value.string, "one\ntwo");
  EXPECT_EQ(entries[1].line, 3);
}

TEST(ConfParser, AcceptsSemicolonsBlankLinesAndNoFinalNewline) {
  auto entries = parseOk("\n\n  a = 1; b = 2\n\n\tc_d2 = \"x\"");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].name, "b");
  EXPECT_EQ(entries[1].line, 3);
  EXPECT_EQ(entries[2].name, "c_d2");
  EXPECT_EQ(entries[2].line, 5);
}

TEST(ConfParser, EmptyAndCommentOnlyTextHasNoEntries) {
  EXPECT_TRUE(parseOk("").empty());
  EXPECT_TRUE(parseOk("# only\n   # comments\n\n").empty());
}

TEST(ConfParser, ReportsSyntaxErrorsWithLineNumbers) {
  EXPECT_EQ(parseError("a = 1\nb 2\n"), "test.conf:2: expecting an assignment");
  EXPECT_EQ(parseError("a = 1\n\nb =\n"), "test.conf:3: expecting a value");
  EXPECT_EQ(parseError("a = \"open\n"), "test.conf:1: unterminated string");
  EXPECT_EQ(parseError("x = 1\na = 'open\n"), "test.conf:2: unterminated string");
  EXPECT_EQ(parseError("a = \"\"\"never closed\n\n"), "test.conf:3: unterminated string");
  EXPECT_EQ(parseError("a = -\n"), "test.conf:1: unterminated number");
  EXPECT_EQ(parseError("a = [ 1 2 ]\n"), "test.conf:1: expecting a separator in list");
  EXPECT_EQ(parseError("a = [ 1,\n 2\n"), "test.conf:3: list is not closed with ]");
  EXPECT_EQ(parseError("a = 1 b = 2\n"), "test.conf:1: expecting a separator");
  EXPECT_EQ(parseError("\n1abc = 2\n"), "test.conf:2: expecting a name");
  EXPECT_EQ(parseError("a = yes\n"), "test.conf:1: expecting a value");
  EXPECT_EQ(parseError("a = 99999999999999999999\n"), "test.conf:1: number out of range");
}

TEST(ConfParser, ErrorTextCarriesLibvirtsPrefix) {
  auto entries = parseConf("a b\n", "/etc/virtus/virtusd.conf");
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().text(),
            "configuration file syntax error: /etc/virtus/virtusd.conf:1: expecting an "
            "assignment");
}

TEST(ConfParser, TheFirstOfRepeatedNamesWins) {
  auto entries = parseConf("a = 1\nb = 2\na = 3\n", "f");
  ASSERT_TRUE(entries);
  auto first = firstOfEachName(*entries);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].name, "a");
  EXPECT_EQ(first[0].value.integer, 1);
  EXPECT_EQ(first[0].line, 1);
  EXPECT_EQ(first[1].name, "b");
}

}  // namespace
}  // namespace virtus
