// virsh's wording for command-line mistakes. CLI11 detects them (missing required option,
// unknown option, stray positional argument, option without its value); scripts written
// against virsh expect virsh's sentences, so the CLI11 messages are translated.
#pragma once

#include <string>
#include <string_view>

namespace virtus::cli {

// The kind of CLI11 exception (its class name, e.g. "ExtrasError") and its message, for `command`.
// Returns the text to print after "error: ", e.g. "command 'vol-info' requires <vol> option".
// Kinds without a virsh equivalent keep CLI11's message.
std::string virshParseErrorMessage(std::string_view kind, std::string_view message,
                                   std::string_view command);

}  // namespace virtus::cli
