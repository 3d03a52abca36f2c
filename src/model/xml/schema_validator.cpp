#include "model/xml/schema_validator.h"

#include <cstdarg>
#include <cstdio>
#include <limits>
#include <mutex>
#include <vector>

#include "model/xml/libxml_library.h"

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

// While a schema compiles, libxml2 reports the files it cannot read or parse (the schema
// and those it includes) through its generic error handler, which prints to stderr by
// default. The handler is per thread in libxml2 (the main thread's being the global one,
// used by no other thread); this guard points it at a string for one call and restores it.
class GenericErrorCapture {
 public:
  explicit GenericErrorCapture(const LibxmlLibrary& lib)
      : lib_(lib), oldHandler_(*lib.genericError()), oldContext_(*lib.genericErrorContext()) {
    lib_.xmlSetGenericErrorFunc(&messages_, collectMessage);
  }
  ~GenericErrorCapture() { lib_.xmlSetGenericErrorFunc(oldContext_, oldHandler_); }
  GenericErrorCapture(const GenericErrorCapture&) = delete;
  GenericErrorCapture& operator=(const GenericErrorCapture&) = delete;

  const std::string& messages() const { return messages_; }

 private:
  const LibxmlLibrary& lib_;
  xmlGenericErrorFunc oldHandler_;
  void* oldContext_;
  std::string messages_;
};

// Deleters calling the loaded library's functions.
struct ParserContextFree {
  decltype(&::xmlRelaxNGFreeParserCtxt) free;
  void operator()(xmlRelaxNGParserCtxtPtr p) const { free(p); }
};
struct SchemaFree {
  decltype(&::xmlRelaxNGFree) free;
  void operator()(xmlRelaxNGPtr p) const { free(p); }
};
struct ValidContextFree {
  decltype(&::xmlRelaxNGFreeValidCtxt) free;
  void operator()(xmlRelaxNGValidCtxtPtr p) const { free(p); }
};
struct DocParserFree {
  decltype(&::xmlFreeParserCtxt) free;
  void operator()(xmlParserCtxtPtr p) const { free(p); }
};
struct DocFree {
  decltype(&::xmlFreeDoc) free;
  void operator()(xmlDocPtr p) const { free(p); }
};

std::string trimNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

}  // namespace

struct SchemaValidator::Impl {
  explicit Impl(const LibxmlLibrary& l) : lib(l), schema(nullptr, SchemaFree{l.xmlRelaxNGFree}) {}

  const LibxmlLibrary& lib;  // the process's libxml2, loaded for good
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
  TRY_ASSIGN(const LibxmlLibrary* lib, libxml());
  auto impl = std::make_unique<Impl>(*lib);
  impl->path = std::string(schemaDir);
  if (!impl->path.empty() && impl->path.back() != '/')
    impl->path += '/';
  impl->path += schemaName;

  std::unique_ptr<xmlRelaxNGParserCtxt, ParserContextFree> parser(
      lib->xmlRelaxNGNewParserCtxt(impl->path.c_str()),
      ParserContextFree{lib->xmlRelaxNGFreeParserCtxt});
  if (!parser) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Xml,
                     "Unable to create RNG parser for " + impl->path);
  }
  std::string messages;
  lib->xmlRelaxNGSetParserErrors(parser.get(), collectMessage, ignoreMessage, &messages);
  {
    GenericErrorCapture capture(*lib);
    impl->schema.reset(lib->xmlRelaxNGParse(parser.get()));
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
  const LibxmlLibrary& lib = impl_->lib;
  std::unique_ptr<xmlParserCtxt, DocParserFree> docParser(lib.xmlNewParserCtxt(),
                                                          DocParserFree{lib.xmlFreeParserCtxt});
  if (!docParser) {
    return makeError(ErrorCode::NoMemory, ErrorDomain::Xml, "cannot allocate an XML parser");
  }
  std::unique_ptr<xmlDoc, DocFree> doc(
      lib.xmlCtxtReadMemory(docParser.get(), xml.data(), static_cast<int>(xml.size()), nullptr,
                            nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      DocFree{lib.xmlFreeDoc});
  if (!doc) {
    const xmlError* last = lib.xmlCtxtGetLastError(docParser.get());
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
        lib.xmlRelaxNGNewValidCtxt(impl_->schema.get()),
        ValidContextFree{lib.xmlRelaxNGFreeValidCtxt});
    if (!context) {
      return makeError(ErrorCode::InternalError, ErrorDomain::Xml,
                       "Unable to create RNG validation context " + impl_->path);
    }
    lib.xmlRelaxNGSetValidErrors(context.get(), collectMessage, ignoreMessage, &messages);
    rc = lib.xmlRelaxNGValidateDoc(context.get(), doc.get());
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
