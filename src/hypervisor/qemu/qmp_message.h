// One line of the QMP stream, parsed (a greeting, a command's reply or an event), and the
// command lines this client writes. Pure: no I/O, so every shape QEMU (or a confused peer)
// can send is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "hypervisor/qemu/qmp_event.h"
#include "hypervisor/qemu/qmp_greeting.h"

namespace virtus::qemu {

// The answer to one command: {"return": value, "id": ...} or
// {"error": {"class": "GenericError", "desc": "..."}, "id": ...}.
struct QmpReply {
  nlohmann::json id;  // null when QEMU sent none (it omits it only when it could not
                      // read the command at all)
  bool ok = true;
  nlohmann::json value;    // "return" when ok
  std::string errorClass;  // "error"."class" otherwise ("GenericError", "CommandNotFound")
  std::string errorDesc;   // "error"."desc"
};

using QmpMessage = std::variant<QmpGreeting, QmpReply, QmpEvent>;

// Parses one line (without its line end). Malformed JSON, a value that is not an object,
// or an object that is none of the three kinds is an INTERNAL_ERROR naming the line.
Result<QmpMessage> parseQmpMessage(std::string_view line);

// The line that runs `command` with `arguments` (an object, or nullptr for none) tagged
// with `id`, CRLF included. Fails only when the arguments cannot be written as JSON
// (strings that are not UTF-8).
Result<std::string> formatQmpCommand(std::string_view command, const nlohmann::json* arguments,
                                     std::uint64_t id);

// The error of a failed command as libvirt reports it: INTERNAL_ERROR in the QEMU domain,
// "unable to execute QEMU command 'cont': <desc>".
Error qmpCommandError(std::string_view command, const QmpReply& reply);

}  // namespace virtus::qemu
