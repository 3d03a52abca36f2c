// Domain lifecycle events (virConnectDomainEventRegisterAny with
// VIR_DOMAIN_EVENT_ID_LIFECYCLE): each domain driver publishes them on its own bus, whatever
// caused the change (an API call, the guest powering off, QEMU dying), and the daemon's
// sessions deliver them to the clients that registered. The numbers are libvirt's
// (virDomainEventType and the per-type detail enums) and wire-visible.
#pragma once

#include "common/event_bus.h"
#include "driver/domain_driver.h"

namespace virtus::driver {

// virDomainEventType
enum class DomainEventType {
  Defined = 0,
  Undefined = 1,
  Started = 2,
  Suspended = 3,
  Resumed = 4,
  Stopped = 5,
  Shutdown = 6,
  PmSuspended = 7,
  Crashed = 8,
};

// The detail values that go with each type (virDomainEvent*DetailType): those Virtus sends.
namespace event_detail {
namespace defined {
inline constexpr int kAdded = 0;
inline constexpr int kUpdated = 1;
}  // namespace defined
namespace undefined {
inline constexpr int kRemoved = 0;
}  // namespace undefined
namespace started {
inline constexpr int kBooted = 0;
}  // namespace started
namespace suspended {
inline constexpr int kPaused = 0;
inline constexpr int kIoError = 2;
}  // namespace suspended
namespace resumed {
inline constexpr int kUnpaused = 0;
}  // namespace resumed
namespace stopped {
inline constexpr int kShutdown = 0;
inline constexpr int kDestroyed = 1;
inline constexpr int kCrashed = 2;
inline constexpr int kFailed = 5;
}  // namespace stopped
namespace shutdown {
inline constexpr int kFinished = 0;
inline constexpr int kGuest = 1;
inline constexpr int kHost = 2;
}  // namespace shutdown
}  // namespace event_detail

struct DomainLifecycleEvent {
  DomainHandle dom;  // id as it was when the event happened (-1 once stopped)
  DomainEventType type = DomainEventType::Defined;
  int detail = 0;
};

using DomainEventBus = EventBus<DomainLifecycleEvent>;

}  // namespace virtus::driver
