// Errors carry libvirt's numbers (virErrorNumber, virErrorDomain) so that the daemon can
// hand them to libvirt clients unchanged, and a whole-sentence message naming the values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace virtus {

// libvirt's virErrorNumber (include/libvirt/virterror.h); the values are wire-visible.
enum class ErrorCode : int {
  Ok = 0,
  InternalError = 1,
  NoMemory = 2,
  NoSupport = 3,
  NoConnect = 5,
  InvalidConn = 6,
  InvalidArg = 8,
  OperationFailed = 9,
  NoName = 21,
  XmlError = 27,
  OperationDenied = 29,
  OpenFailed = 30,
  ReadFailed = 31,
  ParseFailed = 32,
  ConfSyntax = 33,
  WriteFailed = 34,
  XmlDetail = 35,
  SystemError = 38,
  Rpc = 39,
  NoDomain = 42,
  AuthFailed = 45,
  InvalidStoragePool = 46,
  InvalidStorageVol = 47,
  NoStoragePool = 49,
  NoStorageVol = 50,
  OperationInvalid = 55,
  InvalidSecret = 65,
  NoSecret = 66,
  ConfigUnsupported = 67,
  OperationTimeout = 68,
  InvalidStream = 73,
  ArgumentUnsupported = 74,
  StorageProbeFailed = 75,
  StoragePoolBuilt = 76,
  OperationAborted = 78,
  Overflow = 82,
  OperationUnsupported = 84,
  ResourceBusy = 87,
  AccessDenied = 88,
  StorageVolExist = 90,
  XmlInvalidSchema = 92,
  DeviceMissing = 99,
};

// libvirt's virErrorDomain: which subsystem raised the error.
enum class ErrorDomain : int {
  None = 0,
  Xml = 5,
  Dom = 6,
  Rpc = 7,
  Conf = 9,
  Qemu = 10,
  Test = 12,
  Remote = 13,
  Storage = 18,
  Domain = 20,
  Security = 24,
  Secret = 30,
  Streams = 38,
  Locking = 42,
  Lockspace = 51,
};

struct Error {
  ErrorCode code = ErrorCode::InternalError;
  ErrorDomain domain = ErrorDomain::None;
  // The detail as the reporter wrote it ("storage pool 'default' is already active").
  std::string message;

  // The message as libvirt presents it: the detail inside the code's format (errorFormat)
  // ("Requested operation is not valid: storage pool 'default' is already active",
  // "storage volume 'a.img' exists already").
  std::string text() const;
};

Error makeError(ErrorCode code, ErrorDomain domain, std::string message);
// A failed system call: SYSTEM_ERROR with "<message>: <strerror(errnum)>", as libvirt's
// virReportSystemError writes it.
Error systemError(ErrorDomain domain, int errnum, std::string_view message);

// libvirt's format for a detail of this code, with one "%s" where the detail goes
// ("Storage pool not found: %s", "storage volume %s exists already", "%s"): what virErrorMsg
// returns and what libvirtd sends as the error's str1 (with the detail as str2).
std::string_view errorFormat(ErrorCode code);

// The part of errorFormat before the "%s" ("Storage pool not found: ", "storage volume ").
// Not a complete rendering for the codes whose format goes on after the detail: use text().
std::string_view errorPrefix(ErrorCode code);

// The detail inside `text` when it is a rendering of errorFormat(code), as libvirt clients
// receive only the rendered message: "storage volume 'a' exists already" gives "'a'".
std::optional<std::string> errorDetail(ErrorCode code, std::string_view text);

// libvirt's name for a code ("VIR_ERR_XML_ERROR"), for logs and tests.
std::string_view errorCodeName(ErrorCode code);

}  // namespace virtus
