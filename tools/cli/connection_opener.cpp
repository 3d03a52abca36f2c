#include "cli/connection_opener.h"

#include "os/root_paths.h"
#include "remote/remote_connection.h"
#include "rpc/uri.h"
#include "storage/local_connection.h"

namespace virtus::cli {

namespace {

Result<driver::ConnectionPtr> openUri(const std::string& text) {
  TRY_ASSIGN(rpc::ConnectUri uri, rpc::parseConnectUri(text));
  if (uri.embedded())
    return storage::openLocalConnection(os::RootPaths::underRoot(*uri.param("root")));
  return remote::openRemoteConnection(uri, rpc::processSocketEnvironment());
}

}  // namespace

Result<driver::ConnectionPtr> openConnection(const ConnectTarget& target) {
  if (target.root && target.uri)
    return makeError(ErrorCode::InvalidArg, ErrorDomain::None,
                     "--root and --connect cannot be used together; use --connect "
                     "'virtus:///embed?root=DIR' or --root DIR");
  if (target.uri)
    return openUri(*target.uri);
  if (target.root)
    return storage::openLocalConnection(os::RootPaths::underRoot(*target.root));
  os::UserEnvironment env = os::processUserEnvironment();
  if (auto uri = env.getenv ? env.getenv(kDefaultUriVariable) : std::nullopt; uri && !uri->empty())
    return openUri(*uri);
  return storage::openLocalConnection(os::defaultRootPaths(env));
}

}  // namespace virtus::cli
