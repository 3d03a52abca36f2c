// Domain event registrations (virConnectDomainEventRegisterAny through the callback
// procedures that clients use once the server supports VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK).
// The session subscribes to the event bus of its domain driver and sends each lifecycle
// event as a DOMAIN_EVENT_CALLBACK_LIFECYCLE message.
#include "daemon/dispatch_handlers.h"

namespace virtus::daemon {

using namespace rpc::remote;

void registerDomainEventHandlers(HandlerTable& t) {
  t.on<Proc::ConnectDomainEventCallbackRegisterAny>(
      [](RemoteSession& s, const DomainEventCallbackRegisterArgs& a) -> Result<IntValue> {
        // libvirtd accepts every id it knows; events other than lifecycle never come.
        if (a.eventID < 0 || a.eventID >= kDomainEventIdCount)
          return makeError(ErrorCode::InternalError, ErrorDomain::Rpc,
                           "unsupported event ID " + std::to_string(a.eventID));
        std::optional<Uuid> dom;
        if (a.dom)
          dom = a.dom->uuid;
        TRY_ASSIGN(std::int32_t callbackId, s.addDomainEventCallback(a.eventID, dom));
        return IntValue{callbackId};
      });
  t.on<Proc::ConnectDomainEventCallbackDeregisterAny>(
      [](RemoteSession& s, const IntValue& a) { return s.removeDomainEventCallback(a.value); });
}

}  // namespace virtus::daemon
