#include "cli/connection_opener.h"

#include "os/root_paths.h"
#include "storage/local_connection.h"

namespace virtus::cli {

Result<driver::ConnectionPtr> openConnection(const std::optional<std::string>& root) {
  const os::RootPaths paths =
      root ? os::RootPaths::underRoot(*root) : os::processDefaultRootPaths();
  return storage::openLocalConnection(paths);
}

}  // namespace virtus::cli
