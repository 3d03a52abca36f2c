#include "common/error.h"

#include <cstring>

namespace virtus {

// The prefixes of libvirt's virErrorMsg() for the codes Virtus raises.
std::string_view errorPrefix(ErrorCode code) {
  switch (code) {
    case ErrorCode::InternalError:
      return "internal error: ";
    case ErrorCode::NoSupport:
      return "this function is not supported by the connection driver: ";
    case ErrorCode::InvalidArg:
      return "invalid argument: ";
    case ErrorCode::OperationFailed:
      return "operation failed: ";
    case ErrorCode::XmlError:
      return "XML error: ";
    case ErrorCode::OperationDenied:
      return "operation forbidden: ";
    case ErrorCode::ConfSyntax:
      return "configuration file syntax error: ";
    case ErrorCode::NoStoragePool:
      return "Storage pool not found: ";
    case ErrorCode::NoStorageVol:
      return "Storage volume not found: ";
    case ErrorCode::OperationInvalid:
      return "Requested operation is not valid: ";
    case ErrorCode::NoSecret:
      return "Secret not found: ";
    case ErrorCode::InvalidSecret:
      return "Invalid secret: ";
    case ErrorCode::ConfigUnsupported:
      return "unsupported configuration: ";
    case ErrorCode::OperationTimeout:
      return "Timed out during operation: ";
    case ErrorCode::ArgumentUnsupported:
      return "argument unsupported: ";
    case ErrorCode::StorageProbeFailed:
      return "Storage pool probe failed: ";
    case ErrorCode::StoragePoolBuilt:
      return "Storage pool already built: ";
    case ErrorCode::OperationAborted:
      return "operation aborted: ";
    case ErrorCode::Overflow:
      return "value too large: ";
    case ErrorCode::OperationUnsupported:
      return "Operation not supported: ";
    case ErrorCode::ResourceBusy:
      return "resource busy: ";
    case ErrorCode::AccessDenied:
      return "access denied: ";
    case ErrorCode::StorageVolExist:
      return "storage volume already exists: ";
    case ErrorCode::XmlInvalidSchema:
      return "XML document failed to validate against schema: ";
    case ErrorCode::InvalidStoragePool:
      return "invalid storage pool pointer in ";
    case ErrorCode::InvalidStorageVol:
      return "invalid storage volume pointer in ";
    case ErrorCode::Rpc:
      return "RPC error : ";
    default:
      return "";
  }
}

std::string Error::text() const {
  std::string out(errorPrefix(code));
  out += message;
  return out;
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
  }
  return "VIR_ERR_UNKNOWN";
}

}  // namespace virtus
