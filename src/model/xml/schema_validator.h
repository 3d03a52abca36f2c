// RelaxNG validation against libvirt's schemas, as `--validate` does it (libvirt's
// virXMLValidator in src/util/virxml.c): VIR_ERR_XML_INVALID_SCHEMA with the schema path and
// every message the validator produced, one per line.
//
// The schema directory is a parameter, never read from the environment: whoever configures
// Virtus (daemon config, tests) passes it down, and the default is where Debian's libvirt
// packages install the schemas. libxml2 stays out of this header.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus::model {

// Where Debian 12's libvirt packages install libvirt's RelaxNG schemas.
inline constexpr std::string_view kLibvirtSchemaDir = "/usr/share/libvirt/schemas";

// One compiled schema ("storagepool.rng", with the files it includes), reusable for any
// number of documents. validate() may be called from several threads at once: each call
// gets its own libxml2 validation context, and calls on one validator are serialized
// because libxml2 does not document a compiled RelaxNG schema as safe for concurrent use.
class SchemaValidator {
 public:
  // Compiles `schemaDir`/`schemaName`. A schema that is missing or cannot be compiled is
  // VIR_ERR_INTERNAL_ERROR in the XML domain, "Unable to parse RNG PATH: REASON", as libvirt.
  // libxml2 is loaded on the first call (libxml_library.h); when it cannot be, that is
  // VIR_ERR_INTERNAL_ERROR too: "Failed to load library 'libxml2.so.2': REASON".
  static Result<SchemaValidator> load(std::string_view schemaName,
                                      std::string_view schemaDir = kLibvirtSchemaDir);

  SchemaValidator(SchemaValidator&&) noexcept;
  SchemaValidator& operator=(SchemaValidator&&) noexcept;
  ~SchemaValidator();

  // Checks a whole document. Not valid: VIR_ERR_XML_INVALID_SCHEMA in the XML domain,
  // "Unable to validate doc against PATH\n" followed by libxml2's messages, each ending in
  // a newline ("Element pool has extra content: bogus\n"). A document libxml2 cannot parse
  // is VIR_ERR_XML_DETAIL in the XML domain; callers that want libvirt's parse errors
  // (with the document's name and domain) parse with parseXmlDocument first, as libvirt
  // parses before it validates.
  Result<void> validate(std::string_view xml) const;

  // The schema file as given to libxml2 (schemaDir + "/" + schemaName).
  const std::string& schemaPath() const;

 private:
  struct Impl;
  explicit SchemaValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Loads the schema and validates one document, as libvirt does for every --validate call
// (virXMLValidateAgainstSchema compiles the schema each time).
Result<void> validateAgainstSchema(std::string_view xml, std::string_view schemaName,
                                   std::string_view schemaDir = kLibvirtSchemaDir);

}  // namespace virtus::model
