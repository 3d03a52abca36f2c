#include "storage/backends/gluster/gluster_reaper.h"

#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace virtus::storage::gluster {

struct GlusterReaper::State {
  mutable std::mutex mutex;
  mutable std::condition_variable idle;
  std::size_t running = 0;
};

GlusterReaper::GlusterReaper(std::chrono::milliseconds shutdownLimit)
    : state_(std::make_shared<State>()), shutdownLimit_(shutdownLimit) {}

GlusterReaper::~GlusterReaper() {
  waitIdle(shutdownLimit_);
}

void GlusterReaper::run(std::function<void()> task) {
  {
    std::lock_guard lock(state_->mutex);
    ++state_->running;
  }
  auto finish = [state = state_] {
    std::lock_guard lock(state->mutex);
    --state->running;
    state->idle.notify_all();
  };
  try {
    std::thread([task, finish]() mutable {
      task();
      finish();
    }).detach();
  } catch (const std::system_error&) {
    task();
    finish();
  }
}

std::size_t GlusterReaper::pending() const {
  std::lock_guard lock(state_->mutex);
  return state_->running;
}

bool GlusterReaper::waitIdle(std::chrono::milliseconds limit) const {
  std::unique_lock lock(state_->mutex);
  return state_->idle.wait_for(lock, limit, [this] { return state_->running == 0; });
}

}  // namespace virtus::storage::gluster
