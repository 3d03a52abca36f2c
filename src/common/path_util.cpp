#include "common/path_util.h"

namespace virtus {

std::string joinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out != "/")
    out += '/';
  out += name;
  return out;
}

std::string parentDirectory(std::string_view path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string_view::npos)
    return ".";
  if (slash == 0)
    return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace virtus
