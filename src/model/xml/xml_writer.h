// Writes XML the way libvirt's virBuffer does: two-space indentation, single-quoted
// attributes, libvirt's escaping (virBufferEscapeString), one element a line.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace virtus::model {

// Attributes in the order they are written. add() with an empty optional-like value is
// the caller's choice: use addIf() to skip absent ones.
class XmlAttrs {
 public:
  XmlAttrs() = default;
  XmlAttrs& add(std::string_view name, std::string_view value) {
    items_.emplace_back(std::string(name), std::string(value));
    return *this;
  }
  XmlAttrs& addIf(bool present, std::string_view name, std::string_view value) {
    if (present)
      add(name, value);
    return *this;
  }
  XmlAttrs& addNonEmpty(std::string_view name, std::string_view value) {
    return addIf(!value.empty(), name, value);
  }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

class XmlWriter {
 public:
  // <name attrs>  and indents what follows.
  void open(std::string_view name, const XmlAttrs& attrs = {});
  // </name>  after dedenting.
  void close(std::string_view name);
  // <name attrs/>
  void empty(std::string_view name, const XmlAttrs& attrs = {});
  // <name attrs>escaped text</name>
  void text(std::string_view name, std::string_view value, const XmlAttrs& attrs = {});
  // <name>text</name> only when value is non-empty.
  void textIfSet(std::string_view name, std::string_view value) {
    if (!value.empty())
      text(name, value);
  }
  // An already formatted line (without indentation or newline).
  void raw(std::string_view line);

  void indent(int delta) { indent_ += delta; }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  static std::string escape(std::string_view value);

 private:
  void startLine();
  void writeAttrs(const XmlAttrs& attrs);

  std::string out_;
  int indent_ = 0;
};

}  // namespace virtus::model
