// virtus-lockd's wire protocol: newline-delimited JSON over a unix stream socket. Each request
// is one object with "op" on one line; each reply one line, {"ok":true,...} or
// {"ok":false,"code":N,"domain":N,"message":"..."} with libvirt's error numbers. A subscribed
// connection then receives {"event":"lost",...} lines. docs: see lockd_client.h.
//
// Pure functions (text in, values out) shared by the daemon and the client.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "lockd/lockd_types.h"

namespace virtus::lockd {

// A longer request or reply line closes the connection.
inline constexpr std::size_t kMaxLineLength = 1024 * 1024;

enum class LockdOp { Acquire, SetPid, Release, List, Status, Subscribe };

struct LockdRequest {
  LockdOp op = LockdOp::Status;
  LockdOwnerSpec owner;                      // acquire
  std::string uuid;                          // setpid, release
  pid_t pid = 0;                             // setpid
  std::vector<LockdResourceSpec> resources;  // acquire, release (empty: all)
};

// One request line (without its newline). Malformed JSON or a missing or mistyped field:
// VIR_ERR_INTERNAL_ERROR; invalid values (an empty uuid, a relative path): VIR_ERR_INVALID_ARG.
Result<LockdRequest> parseRequest(std::string_view line);
// The line (without newline) that parseRequest reads back.
std::string formatRequest(const LockdRequest& request);

std::string formatOkReply();
std::string formatErrorReply(const Error& error);
std::string formatListReply(const std::string& host, const std::vector<LockdHeld>& locks);
std::string formatStatusReply(const LockdStatus& status);
std::string formatEvent(const LockdEvent& event);

// Client side: an error reply becomes its Error (code, domain, message as sent); a line that
// is no reply at all VIR_ERR_RPC.
Result<void> parseOkReply(std::string_view line);
Result<std::vector<LockdHeld>> parseListReply(std::string_view line);
Result<LockdStatus> parseStatusReply(std::string_view line);
Result<LockdEvent> parseEvent(std::string_view line);

// Who holds an indirect exclusive lock, written into the lock file (one JSON line) so that
// another virtus-lockd sharing the lockspace directory (another host) can name the holder.
struct LockHolderRecord {
  std::string host, domain, uuid;
  pid_t pid = 0;
  std::int64_t since = 0;
};
std::string formatHolderRecord(const LockHolderRecord& record);  // with its newline
// The record on the first line of `text`; nullopt when there is none (empty, garbage).
std::optional<LockHolderRecord> parseHolderRecord(std::string_view text);

}  // namespace virtus::lockd
