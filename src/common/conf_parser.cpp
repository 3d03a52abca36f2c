#include "common/conf_parser.h"

#include <set>

#include <limits>

namespace virtus {

namespace {

bool isBlank(char c) {
  return c == ' ' || c == '\t';
}
bool isEol(char c) {
  return c == '\n' || c == '\r';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  Result<std::vector<ConfEntry>> parse() {
    std::vector<ConfEntry> entries;
    while (!atEnd()) {
      skipBlanksAndEols();
      if (atEnd())
        break;
      if (cur() == '#') {
        skipToEol();
      } else {
        TRY_ASSIGN(ConfEntry entry, parseStatement());
        entries.push_back(std::move(entry));
      }
      TRY(parseSeparator());
    }
    return entries;
  }

 private:
  bool atEnd() const { return pos_ >= text_.size(); }
  char cur() const { return atEnd() ? '\0' : text_[pos_]; }
  void next() {
    if (!atEnd())
      ++pos_;
  }
  void skipBlanks() {
    while (!atEnd() && isBlank(cur()))
      ++pos_;
  }
  void skipBlanksAndEols() {
    while (!atEnd() && (isBlank(cur()) || isEol(cur()))) {
      if (cur() == '\n')
        ++line_;
      ++pos_;
    }
  }
  void skipToEol() {
    while (!atEnd() && !isEol(cur()))
      ++pos_;
  }

  Error syntaxError(std::string_view reason) const {
    return makeError(
        ErrorCode::ConfSyntax, ErrorDomain::Conf,
        std::string(source_) + ":" + std::to_string(line_) + ": " + std::string(reason));
  }

  Result<ConfEntry> parseStatement() {
    ConfEntry entry;
    entry.line = line_;
    if (!isAlpha(cur()))
      return syntaxError("expecting a name");
    std::size_t start = pos_;
    while (!atEnd() && (isAlpha(cur()) || isDigit(cur()) || cur() == '_'))
      ++pos_;
    entry.name = std::string(text_.substr(start, pos_ - start));
    skipBlanks();
    if (cur() != '=')
      return syntaxError("expecting an assignment");
    next();
    TRY_ASSIGN(entry.value, parseValue());
    skipBlanks();
    if (cur() == '#')
      skipToEol();
    return entry;
  }

  Result<void> parseSeparator() {
    skipBlanks();
    if (atEnd())
      return ok();
    if (isEol(cur())) {
      skipBlanksAndEols();
      return ok();
    }
    if (cur() == ';') {
      next();
      skipBlanksAndEols();
      return ok();
    }
    return syntaxError("expecting a separator");
  }

  Result<ConfValue> parseValue() {
    skipBlanks();
    if (atEnd())
      return syntaxError("expecting a value");
    char c = cur();
    if (c == '"' || c == '\'') {
      ConfValue value;
      value.kind = ConfValue::Kind::String;
      TRY_ASSIGN(value.string, parseString());
      return value;
    }
    if (c == '[')
      return parseList();
    if (isDigit(c) || c == '-' || c == '+')
      return parseInteger();
    return syntaxError("expecting a value");
  }

  Result<std::string> parseString() {
    if (text_.substr(pos_, 3) == "\"\"\"") {
      pos_ += 3;
      std::size_t start = pos_;
      while (!atEnd() && text_.substr(pos_, 3) != "\"\"\"") {
        if (cur() == '\n')
          ++line_;
        ++pos_;
      }
      if (atEnd())
        return syntaxError("unterminated string");
      std::string value(text_.substr(start, pos_ - start));
      pos_ += 3;
      return value;
    }
    char quote = cur();
    next();
    std::size_t start = pos_;
    while (!atEnd() && cur() != quote && !isEol(cur()))
      ++pos_;
    if (cur() != quote)
      return syntaxError("unterminated string");
    std::string value(text_.substr(start, pos_ - start));
    next();
    return value;
  }

  Result<ConfValue> parseInteger() {
    ConfValue value;
    value.kind = ConfValue::Kind::Integer;
    if (cur() == '-') {
      value.negative = true;
      next();
    } else if (cur() == '+') {
      next();
    }
    if (!isDigit(cur()))
      return syntaxError("unterminated number");
    // Accumulate as a negative number so that INT64_MIN fits.
    std::int64_t magnitude = 0;
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    while (isDigit(cur())) {
      int digit = cur() - '0';
      if (magnitude < (kMin + digit) / 10)
        return syntaxError("number out of range");
      magnitude = magnitude * 10 - digit;
      next();
    }
    if (!value.negative && magnitude == kMin)
      return syntaxError("number out of range");
    value.integer = value.negative ? magnitude : -magnitude;
    return value;
  }

  Result<ConfValue> parseList() {
    ConfValue list;
    list.kind = ConfValue::Kind::List;
    next();  // '['
    skipBlanksAndEols();
    if (!atEnd() && cur() != ']') {
      TRY_ASSIGN(ConfValue first, parseValue());
      list.list.push_back(std::move(first));
      skipBlanksAndEols();
    }
    while (!atEnd() && cur() != ']') {
      if (cur() != ',')
        return syntaxError("expecting a separator in list");
      next();
      skipBlanksAndEols();
      if (cur() == ']')
        break;
      TRY_ASSIGN(ConfValue item, parseValue());
      list.list.push_back(std::move(item));
      skipBlanksAndEols();
    }
    if (cur() != ']')
      return syntaxError("list is not closed with ]");
    next();
    return list;
  }

  std::string_view text_;
  std::string_view source_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

Result<std::vector<ConfEntry>> parseConf(std::string_view text, std::string_view source) {
  return Parser(text, source).parse();
}

std::string_view confKindName(ConfValue::Kind kind) {
  switch (kind) {
    case ConfValue::Kind::Integer:
      return "integer";
    case ConfValue::Kind::String:
      return "string";
    case ConfValue::Kind::List:
      return "list";
  }
  return "value";
}

std::vector<ConfEntry> firstOfEachName(std::vector<ConfEntry> entries) {
  std::set<std::string> seen;
  std::erase_if(entries, [&](const ConfEntry& entry) { return !seen.insert(entry.name).second; });
  return entries;
}

}  // namespace virtus
