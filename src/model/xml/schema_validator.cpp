#include "model/xml/schema_validator.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include <cstdarg>
#include <cstdio>
#include <limits>
#include <mutex>
#include <vector>

namespace virtus::model {
namespace {

// libxml2 hands its messages to a printf-style callback; they are collected in order, as
// libvirt's validator collects them into the error it reports.
void collectMessage(void* sink, const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  int size = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  if (size > 0) {
    std::vector<char> text(static_cast<std::size_t>(size) + 1);
    std::vsnprintf(text.data(), text.size(), format, again);
    static_cast<std::string*>(sink)->append(text.data(), static_cast<std::size_t>(size));
  }
  va_end(again);
}

// libvirt ignores the validators' warnings; so does Virtus.
void ignoreMessage(void*, const char*, ...) {}

// xmlInitParser must run once before threads use libxml2; a function-local constant makes
// C++ run it exactly once, whichever thread comes first.
void initLibxml() {
  static const bool initialised = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialised;
}

// While a schema compiles, libxml2 reports the files it cannot read or parse (the schema
// and those it includes) through its generic error handler, which prints to stderr by
// default. The handler is per thread in libxml2 (the main thread's being the global one,
// used by no other thread); this guard points it at a string for one call and restores it.
class GenericErrorCapture {
 public:
  GenericErrorCapture() : oldHandler_(xmlGenericError), oldContext_(xmlGenericErrorContext) {
    xmlSetGenericErrorFunc(&messages_, collectMessage);
  }
  ~GenericErrorCapture() { xmlSetGenericErrorFunc(oldContext_, oldHandler_); }
  GenericErrorCapture(const GenericErrorCapture&) = delete;
  GenericErrorCapture& operator=(const GenericErrorCapture&) = delete;

  const std::string& messages() const { return messages_; }

 private:
  xmlGenericErrorFunc oldHandler_;
  void* oldContext_;
  std::string messages_;
};

struct ParserContextFree {
  void operator()(xmlRelaxNGParserCtxtPtr p) const { xmlRelaxNGFreeParserCtxt(p); }
};
struct SchemaFree {
  void operator()(xmlRelaxNGPtr p) const { xmlRelaxNGFree(p); }
};
struct ValidContextFree {
  void operator()(xmlRelaxNGValidCtxtPtr p) const { xmlRelaxNGFreeValidCtxt(p); }
};
struct DocParserFree {
  void operator()(xmlParserCtxtPtr p) const { xmlFreeParserCtxt(p); }
};
struct DocFree {
  void operator()(xmlDocPtr p) const { xmlFreeDoc(p); }
};

std::string trimNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

}  // namespace

struct SchemaValidator::Impl {
  std::string path;
  std::unique_ptr<xmlRelaxNG, SchemaFree> schema;
  std::mutex mutex;  // serializes validations against `schema`
};

SchemaValidator::SchemaValidator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;
SchemaValidator& SchemaValidator::operator=(SchemaValidator&&) noexcept = default;
SchemaValidator::~SchemaValidator() = default;

const std::string& SchemaValidator::schemaPath() const {
  return impl_->path;
}

Result<SchemaValidator> SchemaValidator::load(std::string_view schemaName,
                                              std::string_view schemaDir) {
  initLibxml();
  auto impl = std::make_unique<Impl>();
  impl->path = std::string(schemaDir);
  if (!impl->path.empty() && impl->path.back() != '/')
    impl->path += '/';
  impl->path += schemaName;

  std::unique_ptr<xmlRelaxNGParserCtxt, ParserContextFree> parser(
      xmlRelaxNGNewParserCtxt(impl->path.c_str()));
  if (!parser) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Xml,
                     "Unable to create RNG parser for " + impl->path);
  }
  std::string messages;
  xmlRelaxNGSetParserErrors(parser.get(), collectMessage, ignoreMessage, &messages);
  {
    GenericErrorCapture capture;
    impl->schema.reset(xmlRelaxNGParse(parser.get()));
    // The RelaxNG parser's own messages say what failed ("could not load PATH"); the
    // generic ones (I/O warnings, XML syntax errors in a schema file) explain it when
    // they are all there is.
    if (messages.empty())
      messages = capture.messages();
  }
  if (!impl->schema) {
    if (messages.empty())
      messages = "the schema could not be compiled";
    return makeError(ErrorCode::InternalError, ErrorDomain::Xml,
                     "Unable to parse RNG " + impl->path + ": " + trimNewlines(messages));
  }
  return SchemaValidator(std::move(impl));
}

Result<void> SchemaValidator::validate(std::string_view xml) const {
  // The document is parsed without network access, entity substitution or DTD loading,
  // and without libxml2 printing anything: failures become the returned error.
  if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return makeError(ErrorCode::XmlDetail, ErrorDomain::Xml,
                     "the document to validate against " + impl_->path + " is too large");
  }
  std::unique_ptr<xmlParserCtxt, DocParserFree> docParser(xmlNewParserCtxt());
  if (!docParser) {
    return makeError(ErrorCode::NoMemory, ErrorDomain::Xml, "cannot allocate an XML parser");
  }
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlCtxtReadMemory(docParser.get(), xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* last = xmlCtxtGetLastError(docParser.get());
    std::string reason = last && last->message ? trimNewlines(last->message) : "malformed XML";
    return makeError(
        ErrorCode::XmlDetail, ErrorDomain::Xml,
        "cannot parse the document to validate it against " + impl_->path + ": " + reason);
  }

  std::string messages;
  int rc;
  {
    std::lock_guard guard(impl_->mutex);
    std::unique_ptr<xmlRelaxNGValidCtxt, ValidContextFree> context(
        xmlRelaxNGNewValidCtxt(impl_->schema.get()));
    if (!context) {
      return makeError(ErrorCode::InternalError, ErrorDomain::Xml,
                       "Unable to create RNG validation context " + impl_->path);
    }
    xmlRelaxNGSetValidErrors(context.get(), collectMessage, ignoreMessage, &messages);
    rc = xmlRelaxNGValidateDoc(context.get(), doc.get());
  }
  if (rc != 0) {
    return makeError(ErrorCode::XmlInvalidSchema, ErrorDomain::Xml,
                     "Unable to validate doc against " + impl_->path + "\n" + messages);
  }
  return ok();
}

Result<void> validateAgainstSchema(std::string_view xml, std::string_view schemaName,
                                   std::string_view schemaDir) {
  TRY_ASSIGN(auto validator, SchemaValidator::load(schemaName, schemaDir));
  return validator.validate(xml);
}

}  // namespace virtus::model
