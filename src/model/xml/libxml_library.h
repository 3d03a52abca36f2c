// libxml2 is only needed to validate against libvirt's RelaxNG schemas (--validate) and to
// word a syntax error as libvirt does once pugixml already rejected a document. Linking it
// would map libxml2 and ICU into every process for those rare calls (about 1 MiB of a
// daemon's resident memory), so it is loaded on first use instead (dlopen) and the few
// functions Virtus calls are resolved into a table. libxml2's headers still give the types.
#pragma once

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "common/result.h"

namespace virtus::model {

// The library's run-time name (its soname on Debian 12).
inline constexpr const char* kLibxmlSoname = "libxml2.so.2";

// The libxml2 functions Virtus calls, resolved from one loaded copy of the library. Members
// are named after the functions they point to; libxml2's macros xmlGenericError and
// xmlGenericErrorContext are the per-thread slots that genericError() and
// genericErrorContext() return.
class LibxmlLibrary {
 public:
  // Loads `soname`, resolves every function below and initialises the parser
  // (xmlInitParser). The library stays loaded for the rest of the process: libxml2 keeps
  // global state that cannot be unloaded safely. A library that cannot be loaded, or lacks
  // one of the functions, is VIR_ERR_INTERNAL_ERROR in the XML domain naming the library
  // and dlerror()'s reason: "Failed to load library 'libxml2.so.2': REASON".
  static Result<LibxmlLibrary> open(const char* soname);

  decltype(&::xmlNewParserCtxt) xmlNewParserCtxt = nullptr;
  decltype(&::xmlFreeParserCtxt) xmlFreeParserCtxt = nullptr;
  decltype(&::xmlCtxtReadMemory) xmlCtxtReadMemory = nullptr;
  decltype(&::xmlCtxtGetLastError) xmlCtxtGetLastError = nullptr;
  decltype(&::xmlFreeDoc) xmlFreeDoc = nullptr;
  decltype(&::xmlSetGenericErrorFunc) xmlSetGenericErrorFunc = nullptr;
  decltype(&::__xmlGenericError) genericError = nullptr;
  decltype(&::__xmlGenericErrorContext) genericErrorContext = nullptr;
  decltype(&::xmlRelaxNGNewParserCtxt) xmlRelaxNGNewParserCtxt = nullptr;
  decltype(&::xmlRelaxNGFreeParserCtxt) xmlRelaxNGFreeParserCtxt = nullptr;
  decltype(&::xmlRelaxNGSetParserErrors) xmlRelaxNGSetParserErrors = nullptr;
  decltype(&::xmlRelaxNGParse) xmlRelaxNGParse = nullptr;
  decltype(&::xmlRelaxNGFree) xmlRelaxNGFree = nullptr;
  decltype(&::xmlRelaxNGNewValidCtxt) xmlRelaxNGNewValidCtxt = nullptr;
  decltype(&::xmlRelaxNGFreeValidCtxt) xmlRelaxNGFreeValidCtxt = nullptr;
  decltype(&::xmlRelaxNGSetValidErrors) xmlRelaxNGSetValidErrors = nullptr;
  decltype(&::xmlRelaxNGValidateDoc) xmlRelaxNGValidateDoc = nullptr;

 private:
  LibxmlLibrary() = default;
};

// The process's libxml2 (kLibxmlSoname), loaded on the first call from whichever thread
// comes first; every later call returns the same table, or the same error. This is the
// one process-wide object here, and it is immutable once built: a loaded library is
// process-wide by nature, and a function-local static is initialised exactly once (C++'s
// thread-safe "magic static").
Result<const LibxmlLibrary*> libxml();

}  // namespace virtus::model
