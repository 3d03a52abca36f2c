#include "daemon/dispatch_session.h"

#include <cassert>

#include "daemon/dispatch_pool_events.h"
#include "daemon/dispatch_stream.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/remote_error.h"

namespace virtus::daemon {

namespace {

thread_local const rpc::MessageHeader* tCurrentCall = nullptr;

// The driver names a client may open. libvirt's clients strip the transport and the
// socket parameter before sending the name.
bool acceptedUri(std::string_view name) {
  auto base = name.substr(0, name.find('?'));
  return base == "qemu:///system" || base == "qemu:///session" || base == "test:///default";
}

rpc::MessageHeader replyHeader(const rpc::MessageHeader& call, rpc::MessageStatus status) {
  rpc::MessageHeader h = call;
  h.type = rpc::MessageType::Reply;
  h.status = status;
  return h;
}

}  // namespace

RemoteSession::RemoteSession(DispatchServices& services,
                             std::shared_ptr<rpc::ClientChannel> channel)
    : services_(services), channel_(std::move(channel)) {}

RemoteSession::~RemoteSession() = default;

const rpc::MessageHeader& RemoteSession::currentCall() const {
  assert(tCurrentCall);
  return *tCurrentCall;
}

void RemoteSession::replyOk() {
  rpc::MessageHeader h = currentCall();
  h.type = rpc::MessageType::Reply;
  h.status = rpc::MessageStatus::Ok;
  channel_->send(rpc::encodeFrame(h, {}));
}

void RemoteSession::call(const rpc::MessageHeader& header, std::string_view payload) {
  auto info = rpc::remote::procInfo(header.procedure);
  if (!open_ && !(info.attrs & rpc::remote::attr::kPreOpen)) {
    reply(header, makeError(ErrorCode::InternalError, ErrorDomain::Rpc, "connection not open"));
    return;
  }
  const HandlerTable::Handler* handler = services_.handlers.find(header.procedure);
  if (!handler) {
    reply(header, rpc::unknownProcedureError(header.procedure));
    return;
  }
  tCurrentCall = &header;
  Result<std::string> result = (*handler)(*this, payload);
  tCurrentCall = nullptr;
  // Stream procedures send their own reply before the data.
  if (result && (info.attrs & (rpc::remote::attr::kUpload | rpc::remote::attr::kDownload)))
    return;
  reply(header, std::move(result));
}

void RemoteSession::reply(const rpc::MessageHeader& call, Result<std::string> result) {
  if (result && result->size() > rpc::kMessageMax - rpc::kHeaderSize)
    result = makeError(ErrorCode::Rpc, ErrorDomain::Rpc,
                       "the reply is larger than the 32 MiB message limit");
  if (result) {
    channel_->send(rpc::encodeFrame(replyHeader(call, rpc::MessageStatus::Ok), *result));
  } else {
    channel_->send(rpc::encodeFrame(replyHeader(call, rpc::MessageStatus::Error),
                                    rpc::xdrEncodeToString(rpc::toRemoteError(result.error()))));
  }
}

void RemoteSession::stream(const rpc::MessageHeader& header, std::string_view payload) {
  std::shared_ptr<DispatchStream> target;
  {
    std::lock_guard lock(mutex_);
    auto it = streams_.find(header.serial);
    if (it == streams_.end())
      return;  // a stream that already ended: late frames are dropped, as libvirtd does
    target = it->second;
  }
  if (target->onFrame(header, payload))
    removeStream(header.serial);
}

void RemoteSession::closed() {
  std::map<std::uint32_t, std::shared_ptr<DispatchStream>> streams;
  std::map<std::int32_t, std::uint64_t> callbacks;
  std::map<std::int32_t, DomainCallback> domainCallbacks;
  {
    std::lock_guard lock(mutex_);
    streams.swap(streams_);
    callbacks.swap(poolCallbacks_);
    domainCallbacks.swap(domainCallbacks_);
  }
  for (auto& [serial, s] : streams)
    s->abort();
  for (auto& [id, busId] : callbacks)
    services_.poolEvents.unsubscribe(busId);
  for (auto& [id, cb] : domainCallbacks)
    if (cb.bus)
      cb.bus->unsubscribe(cb.busId);
}

Result<void> RemoteSession::open(std::optional<std::string> name, std::uint32_t) {
  std::lock_guard lock(mutex_);
  if (open_)
    return makeError(ErrorCode::InternalError, ErrorDomain::Rpc, "connection already open");
  std::string uri = name.value_or("");
  if (uri.empty()) {
    uri = services_.defaultUri;
  } else if (!acceptedUri(uri)) {
    return makeError(ErrorCode::NoConnect, ErrorDomain::None,
                     "no connection driver available for " + uri);
  }
  uri_ = uri.substr(0, uri.find('?'));
  domains_ = uri_ == "test:///default" ? services_.testDomains : services_.qemuDomains;
  open_ = true;
  return {};
}

std::string RemoteSession::uri() const {
  std::lock_guard lock(mutex_);
  return uri_;
}

void RemoteSession::addStream(std::uint32_t serial, std::shared_ptr<DispatchStream> stream) {
  std::lock_guard lock(mutex_);
  streams_[serial] = std::move(stream);
}

void RemoteSession::removeStream(std::uint32_t serial) {
  std::lock_guard lock(mutex_);
  streams_.erase(serial);
}

std::int32_t RemoteSession::addPoolEventCallback(std::int32_t eventId, std::optional<Uuid> pool) {
  std::int32_t callbackId;
  {
    std::lock_guard lock(mutex_);
    callbackId = nextCallbackId_++;
  }
  std::weak_ptr<RemoteSession> weak = weak_from_this();
  std::uint64_t busId =
      services_.poolEvents.subscribe([weak, callbackId, eventId, pool](const PoolEvent& event) {
        if (static_cast<std::int32_t>(event.id) != eventId)
          return;
        if (pool && *pool != event.pool.uuid)
          return;
        auto self = weak.lock();
        if (!self)
          return;
        rpc::MessageHeader h;
        h.type = rpc::MessageType::Message;
        rpc::remote::Pool handle{event.pool.name, event.pool.uuid};
        if (event.id == PoolEventId::Lifecycle) {
          h.procedure = rpc::remote::kStoragePoolEventLifecycle;
          rpc::remote::PoolEventLifecycleMsg msg{
              callbackId, handle, static_cast<std::int32_t>(event.lifecycle), event.detail};
          self->channel_->send(rpc::encodeFrame(h, rpc::xdrEncodeToString(msg)));
        } else {
          h.procedure = rpc::remote::kStoragePoolEventRefresh;
          rpc::remote::PoolEventRefreshMsg msg{callbackId, handle};
          self->channel_->send(rpc::encodeFrame(h, rpc::xdrEncodeToString(msg)));
        }
      });
  std::lock_guard lock(mutex_);
  poolCallbacks_[callbackId] = busId;
  return callbackId;
}

Result<void> RemoteSession::removePoolEventCallback(std::int32_t callbackId) {
  std::uint64_t busId;
  {
    std::lock_guard lock(mutex_);
    auto it = poolCallbacks_.find(callbackId);
    if (it == poolCallbacks_.end())
      return makeError(
          ErrorCode::InvalidArg, ErrorDomain::Rpc,
          "storage pool event callback " + std::to_string(callbackId) + " not registered");
    busId = it->second;
    poolCallbacks_.erase(it);
  }
  services_.poolEvents.unsubscribe(busId);
  return {};
}

Result<std::int32_t> RemoteSession::addDomainEventCallback(std::int32_t eventId,
                                                           std::optional<Uuid> dom) {
  driver::DomainDriver* domains = domains_;
  if (!domains)
    return makeError(ErrorCode::NoSupport, ErrorDomain::Domain, "virConnectDomainEventRegisterAny");
  std::int32_t callbackId;
  {
    std::lock_guard lock(mutex_);
    callbackId = nextCallbackId_++;
  }
  DomainCallback cb;
  if (eventId == kDomainEventIdLifecycle) {
    cb.bus = &domains->events();
    std::weak_ptr<RemoteSession> weak = weak_from_this();
    cb.busId =
        cb.bus->subscribe([weak, callbackId, dom](const driver::DomainLifecycleEvent& event) {
          if (dom && *dom != event.dom.uuid)
            return;
          auto self = weak.lock();
          if (!self)
            return;
          rpc::MessageHeader h;
          h.type = rpc::MessageType::Message;
          h.procedure = rpc::remote::kDomainEventCallbackLifecycle;
          rpc::remote::DomainEventCallbackLifecycleMsg msg{
              callbackId,
              {{event.dom.name, event.dom.uuid, event.dom.id},
               static_cast<std::int32_t>(event.type),
               event.detail}};
          self->channel_->send(rpc::encodeFrame(h, rpc::xdrEncodeToString(msg)));
        });
  }
  std::lock_guard lock(mutex_);
  domainCallbacks_[callbackId] = cb;
  return callbackId;
}

Result<void> RemoteSession::removeDomainEventCallback(std::int32_t callbackId) {
  DomainCallback cb;
  {
    std::lock_guard lock(mutex_);
    auto it = domainCallbacks_.find(callbackId);
    if (it == domainCallbacks_.end())
      return makeError(ErrorCode::InternalError, ErrorDomain::Rpc,
                       "domain event callback " + std::to_string(callbackId) + " not registered");
    cb = it->second;
    domainCallbacks_.erase(it);
  }
  if (cb.bus)
    cb.bus->unsubscribe(cb.busId);
  return {};
}

}  // namespace virtus::daemon
