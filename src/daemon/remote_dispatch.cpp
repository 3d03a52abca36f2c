#include "daemon/remote_dispatch.h"

#include "daemon/dispatch_handlers.h"
#include "daemon/dispatch_host_info.h"
#include "daemon/dispatch_pool_events.h"
#include "hypervisor/test/test_domain_driver.h"
#include "rpc/protocol/remote_procedures.h"

namespace virtus::daemon {

namespace {

class RemoteDispatcher final : public rpc::Dispatcher {
 public:
  RemoteDispatcher(driver::Connection& connection, DispatchOptions options)
      : testDomains_(options.testDomains ? std::move(options.testDomains)
                                         : testdrv::makeDefaultTestDomainDriver()),
        qemuDomains_(std::move(options.qemuDomains)),
        services_{connection,
                  options.host ? options.host : makeLinuxHostInfo(),
                  events_,
                  handlers_,
                  options.defaultUri,
                  testDomains_.get(),
                  qemuDomains_.get(),
                  options.locks} {
    registerConnectHandlers(handlers_);
    registerStorageHandlers(handlers_);
    registerStreamHandlers(handlers_);
    registerConsoleHandlers(handlers_);
    registerSecretHandlers(handlers_);
    registerDomainHandlers(handlers_);
    registerDomainEventHandlers(handlers_);
    registerLockHandlers(handlers_);
  }

  std::shared_ptr<rpc::Session> openSession(std::shared_ptr<rpc::ClientChannel> channel) override {
    return std::make_shared<RemoteSession>(services_, std::move(channel));
  }

  rpc::CallPolicy policy(std::int32_t procedure) const override {
    auto info = rpc::remote::procInfo(procedure);
    rpc::CallPolicy p;
    if (!info.known || !handlers_.find(procedure))
      return p;
    p.run = (info.attrs & rpc::remote::attr::kSlow) ? rpc::CallPolicy::Run::Worker
                                                    : rpc::CallPolicy::Run::Inline;
    p.readOnlyOk = (info.attrs & rpc::remote::attr::kReadOnlyOk) != 0;
    p.api = info.api;
    if (info.api.find("Storage") != std::string_view::npos)
      p.apiDomain = ErrorDomain::Storage;
    else if (info.api.find("Secret") != std::string_view::npos)
      p.apiDomain = ErrorDomain::Secret;
    else if (info.api.starts_with("virDomain"))
      p.apiDomain = ErrorDomain::Domain;
    return p;
  }

 private:
  PoolEventBus events_;
  HandlerTable handlers_;
  std::shared_ptr<driver::DomainDriver> testDomains_;
  std::shared_ptr<driver::DomainDriver> qemuDomains_;
  DispatchServices services_;
};

}  // namespace

std::unique_ptr<rpc::Dispatcher> makeRemoteDispatcher(driver::Connection& connection,
                                                      DispatchOptions options) {
  return std::make_unique<RemoteDispatcher>(connection, std::move(options));
}

}  // namespace virtus::daemon
