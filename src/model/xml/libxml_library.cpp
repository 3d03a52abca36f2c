#include "model/xml/libxml_library.h"

#include <dlfcn.h>

#include <string>

namespace virtus::model {
namespace {

std::string lastDlError() {
  const char* reason = dlerror();
  return reason != nullptr ? reason : "unknown reason";
}

// Points `slot` at `name` in `handle`; false (with dlerror()'s reason) when it is missing.
template <class Function>
bool resolve(void* handle, const char* name, Function& slot) {
  dlerror();  // clear a stale reason
  slot = reinterpret_cast<Function>(dlsym(handle, name));
  return slot != nullptr;
}

}  // namespace

Result<LibxmlLibrary> LibxmlLibrary::open(const char* soname) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Xml,
                     "Failed to load library '" + std::string(soname) + "': " + lastDlError());
  }
  LibxmlLibrary lib;
  const char* missing = nullptr;
  decltype(&::xmlInitParser) initParser = nullptr;
  // The first missing function is reported; the order is irrelevant otherwise.
  auto need = [&](auto& slot, const char* name) {
    if (missing == nullptr && !resolve(handle, name, slot))
      missing = name;
  };
  need(initParser, "xmlInitParser");
  need(lib.xmlNewParserCtxt, "xmlNewParserCtxt");
  need(lib.xmlFreeParserCtxt, "xmlFreeParserCtxt");
  need(lib.xmlCtxtReadMemory, "xmlCtxtReadMemory");
  need(lib.xmlCtxtGetLastError, "xmlCtxtGetLastError");
  need(lib.xmlFreeDoc, "xmlFreeDoc");
  need(lib.xmlSetGenericErrorFunc, "xmlSetGenericErrorFunc");
  need(lib.genericError, "__xmlGenericError");
  need(lib.genericErrorContext, "__xmlGenericErrorContext");
  need(lib.xmlRelaxNGNewParserCtxt, "xmlRelaxNGNewParserCtxt");
  need(lib.xmlRelaxNGFreeParserCtxt, "xmlRelaxNGFreeParserCtxt");
  need(lib.xmlRelaxNGSetParserErrors, "xmlRelaxNGSetParserErrors");
  need(lib.xmlRelaxNGParse, "xmlRelaxNGParse");
  need(lib.xmlRelaxNGFree, "xmlRelaxNGFree");
  need(lib.xmlRelaxNGNewValidCtxt, "xmlRelaxNGNewValidCtxt");
  need(lib.xmlRelaxNGFreeValidCtxt, "xmlRelaxNGFreeValidCtxt");
  need(lib.xmlRelaxNGSetValidErrors, "xmlRelaxNGSetValidErrors");
  need(lib.xmlRelaxNGValidateDoc, "xmlRelaxNGValidateDoc");
  if (missing != nullptr) {
    std::string reason = lastDlError();
    dlclose(handle);  // nothing of it ran yet
    return makeError(ErrorCode::InternalError, ErrorDomain::Xml,
                     "Failed to find symbol '" + std::string(missing) + "' in library '" +
                         std::string(soname) + "': " + reason);
  }
  // Before threads use the parser, once per load; libxml2 ignores repeated calls. The
  // handle is deliberately never closed (see the header).
  initParser();
  return lib;
}

Result<const LibxmlLibrary*> libxml() {
  // Immutable after this initialisation, which C++ runs exactly once (see the header).
  static const Result<LibxmlLibrary> loaded = LibxmlLibrary::open(kLibxmlSoname);
  if (!loaded)
    return loaded.error();
  return &*loaded;
}

}  // namespace virtus::model
