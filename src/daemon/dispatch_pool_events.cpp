#include "daemon/dispatch_pool_events.h"

#include <vector>

namespace virtus::daemon {

std::uint64_t PoolEventBus::subscribe(Listener listener) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = nextId_++;
  listeners_.emplace(id, std::make_shared<Listener>(std::move(listener)));
  return id;
}

void PoolEventBus::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  listeners_.erase(id);
}

void PoolEventBus::publish(const PoolEvent& event) {
  std::vector<std::shared_ptr<Listener>> targets;
  {
    std::lock_guard lock(mutex_);
    targets.reserve(listeners_.size());
    for (const auto& [id, l] : listeners_)
      targets.push_back(l);
  }
  for (const auto& l : targets)
    (*l)(event);
}

}  // namespace virtus::daemon
