// Path arithmetic on strings, the way the storage code needs it (no host access).
#pragma once

#include <string>
#include <string_view>

namespace virtus {

// "/a/b" for ("/a", "b"); "/b" for ("/", "b").
std::string joinPath(std::string_view dir, std::string_view name);

// The directory part: "/a" for "/a/b", "/" for "/a", "." for "a".
std::string parentDirectory(std::string_view path);

}  // namespace virtus
