// A publish/subscribe list for events of one type: drivers publish, the daemon's client
// sessions subscribe. Listeners run on the publishing thread, outside the bus's lock, so that
// a listener may unsubscribe (itself or others) while it runs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace virtus {

template <typename Event>
class EventBus {
 public:
  using Listener = std::function<void(const Event&)>;

  std::uint64_t subscribe(Listener listener) {
    std::lock_guard lock(mutex_);
    std::uint64_t id = nextId_++;
    listeners_.emplace(id, std::make_shared<Listener>(std::move(listener)));
    return id;
  }

  void unsubscribe(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    listeners_.erase(id);
  }

  void publish(const Event& event) {
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

 private:
  std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<Listener>> listeners_;
  std::uint64_t nextId_ = 1;
};

}  // namespace virtus
