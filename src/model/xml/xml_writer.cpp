#include "model/xml/xml_writer.h"

namespace virtus::model {

std::string XmlWriter::escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // libvirt keeps printable bytes, tab, newline and carriage return and silently
        // drops the other control characters.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
          out += c;
        }
    }
  }
  return out;
}

void XmlWriter::startLine() {
  out_.append(static_cast<std::size_t>(indent_), ' ');
}

void XmlWriter::writeAttrs(const XmlAttrs& attrs) {
  for (const auto& [name, value] : attrs.items()) {
    out_ += ' ';
    out_ += name;
    out_ += "='";
    out_ += escape(value);
    out_ += '\'';
  }
}

void XmlWriter::open(std::string_view name, const XmlAttrs& attrs) {
  startLine();
  out_ += '<';
  out_ += name;
  writeAttrs(attrs);
  out_ += ">\n";
  indent_ += 2;
}

void XmlWriter::close(std::string_view name) {
  indent_ -= 2;
  startLine();
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

void XmlWriter::empty(std::string_view name, const XmlAttrs& attrs) {
  startLine();
  out_ += '<';
  out_ += name;
  writeAttrs(attrs);
  out_ += "/>\n";
}

void XmlWriter::text(std::string_view name, std::string_view value, const XmlAttrs& attrs) {
  startLine();
  out_ += '<';
  out_ += name;
  writeAttrs(attrs);
  out_ += '>';
  out_ += escape(value);
  out_ += "</";
  out_ += name;
  out_ += ">\n";
}

void XmlWriter::raw(std::string_view line) {
  startLine();
  out_ += line;
  out_ += '\n';
}

}  // namespace virtus::model
