#include "storage/local_connection.h"

#include <iterator>

#include "os/clock.h"
#include "os/linux_command_runner.h"
#include "os/linux_file_system.h"
#include "secrets/secret_manager.h"
#include "storage/backend_registry.h"
#include "storage/pool_manager.h"

namespace virtus::storage {

namespace {

class LocalConnectionImpl final : public LocalConnection {
 public:
  explicit LocalConnectionImpl(const LocalConnectionOptions& options)
      : commands_(options.commandTimeout),
        secrets_(fs_, options.paths),
        context_{commands_, fs_, clock_, &secrets_, options.networkTimeout},
        manager_(makeRegistry(), context_, options.paths) {
    // Secrets first: pools authenticate with them when autostart brings them up.
    problems_ = secrets_.loadState();
    auto poolProblems = manager_.loadState(options.autostart);
    problems_.insert(problems_.end(), std::make_move_iterator(poolProblems.begin()),
                     std::make_move_iterator(poolProblems.end()));
  }

  driver::StorageDriver& storage() override { return manager_; }
  driver::SecretDriver& secrets() override { return secrets_; }
  std::string uri() const override {
    const auto& paths = manager_.paths();
    if (!paths.root.empty())
      return "virtus:///embed?root=" + paths.root;
    return "virtus:///embed";
  }
  const std::vector<Error>& startupProblems() const override { return problems_; }

 private:
  static BackendRegistry makeRegistry() {
    BackendRegistry registry;
    registerStorageBackends(registry);
    return registry;
  }

  os::LinuxCommandRunner commands_;
  os::LinuxFileSystem fs_;
  os::SystemClock clock_;
  // Before the context and the manager: pools authenticate with these secrets.
  secrets::SecretManager secrets_;
  BackendContext context_;
  PoolManager manager_;
  std::vector<Error> problems_;
};

}  // namespace

std::unique_ptr<LocalConnection> openLocalConnection(const LocalConnectionOptions& options) {
  return std::make_unique<LocalConnectionImpl>(options);
}

std::unique_ptr<LocalConnection> openLocalConnection(const os::RootPaths& paths) {
  LocalConnectionOptions options;
  options.paths = paths;
  return openLocalConnection(options);
}

}  // namespace virtus::storage
