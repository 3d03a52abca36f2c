// Storage pool lifecycle and refresh events, published by the dispatch layer when a pool
// operation succeeds and delivered to every client that registered for them.
#pragma once

#include <cstdint>

#include "common/event_bus.h"
#include "driver/storage_driver.h"

namespace virtus::daemon {

// virStoragePoolEventID
enum class PoolEventId : std::int32_t { Lifecycle = 0, Refresh = 1 };

// virStoragePoolEventLifecycleType
enum class PoolLifecycle : std::int32_t {
  Defined = 0,
  Undefined = 1,
  Started = 2,
  Stopped = 3,
  Created = 4,
  Deleted = 5,
};

struct PoolEvent {
  PoolEventId id = PoolEventId::Lifecycle;
  driver::PoolHandle pool;
  PoolLifecycle lifecycle = PoolLifecycle::Defined;  // for Lifecycle events
  std::int32_t detail = 0;
};

using PoolEventBus = EventBus<PoolEvent>;

}  // namespace virtus::daemon
