#include "common/error.h"

#include <cstring>
#include <optional>

namespace virtus {

// libvirt's virErrorMsg() formats (the variant with a detail) for the codes Virtus raises.
std::string_view errorFormat(ErrorCode code) {
  switch (code) {
    case ErrorCode::InternalError:
      return "internal error: %s";
    case ErrorCode::NoMemory:
      return "out of memory: %s";
    case ErrorCode::NoSupport:
      return "this function is not supported by the connection driver: %s";
    case ErrorCode::InvalidConn:
      return "invalid connection pointer in %s";
    case ErrorCode::InvalidArg:
      return "invalid argument: %s";
    case ErrorCode::OperationFailed:
      return "operation failed: %s";
    case ErrorCode::NoName:
      return "missing name information in %s";
    case ErrorCode::XmlError:
      return "XML error: %s";
    case ErrorCode::OperationDenied:
      return "operation forbidden: %s";
    case ErrorCode::OpenFailed:
      return "failed to open configuration file %s";
    case ErrorCode::ReadFailed:
      return "failed to read configuration file %s";
    case ErrorCode::ParseFailed:
      return "failed to parse configuration file %s";
    case ErrorCode::ConfSyntax:
      return "configuration file syntax error: %s";
    case ErrorCode::WriteFailed:
      return "failed to write configuration file: %s";
    case ErrorCode::NoDomain:
      return "Domain not found: %s";
    case ErrorCode::AuthFailed:
      return "authentication failed: %s";
    case ErrorCode::InvalidStoragePool:
      return "invalid storage pool pointer in %s";
    case ErrorCode::InvalidStorageVol:
      return "invalid storage volume pointer in %s";
    case ErrorCode::NoStoragePool:
      return "Storage pool not found: %s";
    case ErrorCode::NoStorageVol:
      return "Storage volume not found: %s";
    case ErrorCode::OperationInvalid:
      return "Requested operation is not valid: %s";
    case ErrorCode::InvalidSecret:
      return "Invalid secret: %s";
    case ErrorCode::NoSecret:
      return "Secret not found: %s";
    case ErrorCode::ConfigUnsupported:
      return "unsupported configuration: %s";
    case ErrorCode::OperationTimeout:
      return "Timed out during operation: %s";
    case ErrorCode::InvalidStream:
      return "invalid stream pointer in %s";
    case ErrorCode::ArgumentUnsupported:
      return "argument unsupported: %s";
    case ErrorCode::StorageProbeFailed:
      return "Storage pool probe failed: %s";
    case ErrorCode::StoragePoolBuilt:
      return "Storage pool already built: %s";
    case ErrorCode::OperationAborted:
      return "operation aborted: %s";
    case ErrorCode::Overflow:
      return "numerical overflow: %s";
    case ErrorCode::OperationUnsupported:
      return "Operation not supported: %s";
    case ErrorCode::ResourceBusy:
      return "resource busy: %s";
    case ErrorCode::AccessDenied:
      return "access denied: %s";
    case ErrorCode::StorageVolExist:
      return "storage volume %s exists already";
    case ErrorCode::XmlInvalidSchema:
      return "XML document failed to validate against schema: %s";
    case ErrorCode::DeviceMissing:
      return "device not found: %s";
    // libvirt's is "no connection driver available for %s"; Virtus's callers still write the
    // whole sentence as the detail.
    case ErrorCode::NoConnect:
    case ErrorCode::Ok:
    case ErrorCode::XmlDetail:
    case ErrorCode::SystemError:
    case ErrorCode::Rpc:
      return "%s";
  }
  return "%s";
}

namespace {

constexpr std::string_view kPlaceholder = "%s";

}  // namespace

std::string_view errorPrefix(ErrorCode code) {
  std::string_view format = errorFormat(code);
  return format.substr(0, format.find(kPlaceholder));
}

std::string Error::text() const {
  std::string_view format = errorFormat(code);
  const std::size_t at = format.find(kPlaceholder);
  std::string out(format.substr(0, at));
  out += message;
  out += format.substr(at + kPlaceholder.size());
  return out;
}

std::optional<std::string> errorDetail(ErrorCode code, std::string_view text) {
  std::string_view format = errorFormat(code);
  const std::size_t at = format.find(kPlaceholder);
  std::string_view before = format.substr(0, at);
  std::string_view after = format.substr(at + kPlaceholder.size());
  if (text.size() < before.size() + after.size() || !text.starts_with(before) ||
      !text.ends_with(after))
    return std::nullopt;
  text.remove_prefix(before.size());
  text.remove_suffix(after.size());
  return std::string(text);
}

Error makeError(ErrorCode code, ErrorDomain domain, std::string message) {
  return Error{code, domain, std::move(message)};
}

Error systemError(ErrorDomain domain, int errnum, std::string_view message) {
  char buf[256];
  const char* reason = strerror_r(errnum, buf, sizeof buf);
  std::string text(message);
  text += ": ";
  text += reason;
  return Error{ErrorCode::SystemError, domain, std::move(text)};
}

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Ok:
      return "VIR_ERR_OK";
    case ErrorCode::InternalError:
      return "VIR_ERR_INTERNAL_ERROR";
    case ErrorCode::NoMemory:
      return "VIR_ERR_NO_MEMORY";
    case ErrorCode::NoSupport:
      return "VIR_ERR_NO_SUPPORT";
    case ErrorCode::NoConnect:
      return "VIR_ERR_NO_CONNECT";
    case ErrorCode::InvalidConn:
      return "VIR_ERR_INVALID_CONN";
    case ErrorCode::InvalidArg:
      return "VIR_ERR_INVALID_ARG";
    case ErrorCode::OperationFailed:
      return "VIR_ERR_OPERATION_FAILED";
    case ErrorCode::NoName:
      return "VIR_ERR_NO_NAME";
    case ErrorCode::XmlError:
      return "VIR_ERR_XML_ERROR";
    case ErrorCode::OperationDenied:
      return "VIR_ERR_OPERATION_DENIED";
    case ErrorCode::OpenFailed:
      return "VIR_ERR_OPEN_FAILED";
    case ErrorCode::ReadFailed:
      return "VIR_ERR_READ_FAILED";
    case ErrorCode::ParseFailed:
      return "VIR_ERR_PARSE_FAILED";
    case ErrorCode::ConfSyntax:
      return "VIR_ERR_CONF_SYNTAX";
    case ErrorCode::WriteFailed:
      return "VIR_ERR_WRITE_FAILED";
    case ErrorCode::XmlDetail:
      return "VIR_ERR_XML_DETAIL";
    case ErrorCode::SystemError:
      return "VIR_ERR_SYSTEM_ERROR";
    case ErrorCode::Rpc:
      return "VIR_ERR_RPC";
    case ErrorCode::NoDomain:
      return "VIR_ERR_NO_DOMAIN";
    case ErrorCode::AuthFailed:
      return "VIR_ERR_AUTH_FAILED";
    case ErrorCode::InvalidStoragePool:
      return "VIR_ERR_INVALID_STORAGE_POOL";
    case ErrorCode::InvalidStorageVol:
      return "VIR_ERR_INVALID_STORAGE_VOL";
    case ErrorCode::NoStoragePool:
      return "VIR_ERR_NO_STORAGE_POOL";
    case ErrorCode::NoStorageVol:
      return "VIR_ERR_NO_STORAGE_VOL";
    case ErrorCode::OperationInvalid:
      return "VIR_ERR_OPERATION_INVALID";
    case ErrorCode::InvalidSecret:
      return "VIR_ERR_INVALID_SECRET";
    case ErrorCode::NoSecret:
      return "VIR_ERR_NO_SECRET";
    case ErrorCode::ConfigUnsupported:
      return "VIR_ERR_CONFIG_UNSUPPORTED";
    case ErrorCode::OperationTimeout:
      return "VIR_ERR_OPERATION_TIMEOUT";
    case ErrorCode::InvalidStream:
      return "VIR_ERR_INVALID_STREAM";
    case ErrorCode::ArgumentUnsupported:
      return "VIR_ERR_ARGUMENT_UNSUPPORTED";
    case ErrorCode::StorageProbeFailed:
      return "VIR_ERR_STORAGE_PROBE_FAILED";
    case ErrorCode::StoragePoolBuilt:
      return "VIR_ERR_STORAGE_POOL_BUILT";
    case ErrorCode::OperationAborted:
      return "VIR_ERR_OPERATION_ABORTED";
    case ErrorCode::Overflow:
      return "VIR_ERR_OVERFLOW";
    case ErrorCode::OperationUnsupported:
      return "VIR_ERR_OPERATION_UNSUPPORTED";
    case ErrorCode::ResourceBusy:
      return "VIR_ERR_RESOURCE_BUSY";
    case ErrorCode::AccessDenied:
      return "VIR_ERR_ACCESS_DENIED";
    case ErrorCode::StorageVolExist:
      return "VIR_ERR_STORAGE_VOL_EXIST";
    case ErrorCode::XmlInvalidSchema:
      return "VIR_ERR_XML_INVALID_SCHEMA";
    case ErrorCode::DeviceMissing:
      return "VIR_ERR_DEVICE_MISSING";
  }
  return "VIR_ERR_UNKNOWN";
}

}  // namespace virtus
