#include "model/xml/libxml_syntax_error.h"

#include <climits>
#include <memory>

#include "model/xml/libxml_library.h"

namespace virtus::model {
namespace {

struct Capture {
  bool reported = false;
  std::string text;
};

bool isEol(xmlChar c) {
  return c == '\n' || c == '\r';
}

// The line around the parser's position and a pointer under the column, as catchXMLError
// builds them: back over line ends, back to the start of the line, then forward to its end.
void describe(xmlParserCtxtPtr ctxt, Capture& capture) {
  const xmlChar* base = ctxt->input->base;
  const xmlChar* cur = ctxt->input->cur;
  while (cur > base && isEol(*cur))
    --cur;
  while (cur > base && !isEol(*cur))
    --cur;
  if (isEol(*cur))
    ++cur;
  const std::size_t column = static_cast<std::size_t>(ctxt->input->cur - cur);
  std::string context;
  while (*cur != 0 && !isEol(*cur))
    context += static_cast<char>(*cur++);
  std::string pointer;
  for (std::size_t n = 0; n < column && n < context.size(); ++n)
    pointer += context[n] == '\t' ? '\t' : '-';
  pointer += '^';

  const xmlError& e = ctxt->lastError;
  // libxml2's message ends with a new line; libvirt prints an empty context as "(null)".
  capture.text = std::string(e.file != nullptr ? e.file : "") + ":" + std::to_string(e.line) +
                 ": " + e.message + (context.empty() ? "(null)" : context) + "\n" + pointer;
  if (e.file == nullptr)
    capture.text = "at line " + std::to_string(e.line) + ": " + e.message +
                   (context.empty() ? "(null)" : context) + "\n" + pointer;
}

// The parser's error callback (SAX error): only the first fatal error counts, as libvirt
// keeps the first error it reports.
void onError(void* data, const char*, ...) {
  auto ctxt = static_cast<xmlParserCtxtPtr>(data);
  if (ctxt == nullptr || ctxt->_private == nullptr)
    return;
  auto& capture = *static_cast<Capture*>(ctxt->_private);
  if (capture.reported || ctxt->input == nullptr || ctxt->lastError.level != XML_ERR_FATAL ||
      ctxt->lastError.message == nullptr) {
    return;
  }
  capture.reported = true;
  describe(ctxt, capture);
}

void ignoreWarning(void*, const char*, ...) {}

struct ContextFree {
  decltype(&::xmlFreeParserCtxt) free;
  void operator()(xmlParserCtxtPtr p) const { free(p); }
};
struct DocFree {
  decltype(&::xmlFreeDoc) free;
  void operator()(xmlDocPtr p) const { free(p); }
};

}  // namespace

std::optional<std::string> libxmlSyntaxError(std::string_view xml, std::string_view docName) {
  // Without libxml2 the caller words the error itself (from pugixml's description).
  auto loaded = libxml();
  if (!loaded)
    return std::nullopt;
  const LibxmlLibrary& lib = **loaded;
  // libvirt hands libxml2 a C string.
  xml = xml.substr(0, xml.find('\0'));
  if (xml.size() > static_cast<std::size_t>(INT_MAX))
    return std::nullopt;
  std::unique_ptr<xmlParserCtxt, ContextFree> ctxt(lib.xmlNewParserCtxt(),
                                                   ContextFree{lib.xmlFreeParserCtxt});
  if (!ctxt || ctxt->sax == nullptr)
    return std::nullopt;
  Capture capture;
  ctxt->_private = &capture;
  ctxt->sax->error = onError;
  ctxt->sax->warning = ignoreWarning;
  const std::string url(docName);
  std::unique_ptr<xmlDoc, DocFree> doc(
      lib.xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), url.c_str(),
                            nullptr, XML_PARSE_NONET | XML_PARSE_NOWARNING),
      DocFree{lib.xmlFreeDoc});
  if (!capture.reported)
    return std::nullopt;
  return capture.text;
}

}  // namespace virtus::model
