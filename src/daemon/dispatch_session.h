// One client's state on the daemon side of the REMOTE program: whether it opened the
// connection and with which URI, keepalive, its event registrations and its open
// streams. Handlers run on the I/O thread or on workers, concurrently for one client:
// everything here is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/dispatch_pool_events.h"
#include "driver/connection.h"
#include "driver/domain_driver.h"
#include "driver/domain_events.h"
#include "locking/lock_manager.h"
#include "rpc/dispatcher.h"
#include "rpc/procedure_table.h"

namespace virtus::daemon {

class HostInfo;

// virDomainEventID: lifecycle, and how many ids libvirt 9.0 knows (VIR_DOMAIN_EVENT_ID_LAST).
inline constexpr std::int32_t kDomainEventIdLifecycle = 0;
inline constexpr std::int32_t kDomainEventIdCount = 27;

class DispatchStream;
class RemoteSession;

using HandlerTable = rpc::ProcedureTable<RemoteSession>;

// What every session shares: the drivers, the host facts, the event bus, the handlers.
struct DispatchServices {
  driver::Connection& connection;
  std::shared_ptr<HostInfo> host;
  PoolEventBus& poolEvents;
  const HandlerTable& handlers;
  std::string defaultUri;
  // Domains by the URI a client opened: test:///default's in-memory driver (one for the
  // whole daemon) and the QEMU driver for qemu:/// (null while there is none: the domain
  // lists are empty and the other domain procedures are not supported).
  driver::DomainDriver* testDomains = nullptr;
  driver::DomainDriver* qemuDomains = nullptr;
  locking::LockManager* locks = nullptr;
};

class RemoteSession final : public rpc::Session,
                            public std::enable_shared_from_this<RemoteSession> {
 public:
  RemoteSession(DispatchServices& services, std::shared_ptr<rpc::ClientChannel> channel);
  ~RemoteSession() override;

  // rpc::Session
  void call(const rpc::MessageHeader& header, std::string_view payload) override;
  void stream(const rpc::MessageHeader& header, std::string_view payload) override;
  bool keepaliveEnabled() const override { return keepalive_; }
  void closed() override;

  // For handlers.
  DispatchServices& services() { return services_; }
  driver::StorageDriver& storage() { return services_.connection.storage(); }
  driver::SecretDriver& secrets() { return services_.connection.secrets(); }
  // The domain driver of the URI this client opened; null when that URI has none.
  driver::DomainDriver* domains() const { return domains_; }
  rpc::ClientChannel& channel() { return *channel_; }
  // The header of the call being handled on this thread (streams use its serial).
  const rpc::MessageHeader& currentCall() const;
  // Sends that call's OK reply now: a stream's frames follow it.
  void replyOk();

  Result<void> open(std::optional<std::string> name, std::uint32_t flags);
  bool isOpen() const { return open_; }
  std::string uri() const;
  void enableKeepalive() { keepalive_ = true; }

  // Streams by call serial, fed by stream() on the I/O thread.
  void addStream(std::uint32_t serial, std::shared_ptr<DispatchStream> stream);
  void removeStream(std::uint32_t serial);

  // Pool event registrations.
  std::int32_t addPoolEventCallback(std::int32_t eventId, std::optional<Uuid> pool);
  Result<void> removePoolEventCallback(std::int32_t callbackId);

  // Domain event registrations (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY), on the event
  // bus of this session's domain driver, for every domain or the one with uuid `dom`.
  // Lifecycle registrations receive DOMAIN_EVENT_CALLBACK_LIFECYCLE messages; the other
  // event ids are recorded only (the drivers publish none of them). Callers check the id.
  Result<std::int32_t> addDomainEventCallback(std::int32_t eventId, std::optional<Uuid> dom);
  Result<void> removeDomainEventCallback(std::int32_t callbackId);

 private:
  void reply(const rpc::MessageHeader& call, Result<std::string> result);

  DispatchServices& services_;
  std::shared_ptr<rpc::ClientChannel> channel_;
  std::atomic<bool> open_{false};
  std::atomic<bool> keepalive_{false};
  std::atomic<driver::DomainDriver*> domains_{nullptr};
  mutable std::mutex mutex_;
  std::string uri_;
  std::map<std::uint32_t, std::shared_ptr<DispatchStream>> streams_;
  std::map<std::int32_t, std::uint64_t> poolCallbacks_;  // callback id -> bus id
  struct DomainCallback {
    driver::DomainEventBus* bus = nullptr;  // null: an event id no driver publishes
    std::uint64_t busId = 0;
  };
  std::map<std::int32_t, DomainCallback> domainCallbacks_;  // by callback id
  std::int32_t nextCallbackId_ = 0;
};

}  // namespace virtus::daemon
