// Background threads for the slow parts of libgfapi: glfs_fini takes about 10 s a
// connection (gluster issues #1962, #2606), and glfs_init against a silent server may not
// return for long. Callers hand such work to the reaper and return at once.
//
// Each task runs on its own detached thread that shares only a reference-counted state with
// the reaper, so that closing many connections costs one wait, not one per connection. The
// destructor waits for every task, up to `shutdownLimit`; a task still running then is left
// to finish on its own (its thread never touches the reaper itself).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace virtus::storage::gluster {

class GlusterReaper {
 public:
  explicit GlusterReaper(std::chrono::milliseconds shutdownLimit);
  GlusterReaper(const GlusterReaper&) = delete;
  GlusterReaper& operator=(const GlusterReaper&) = delete;
  ~GlusterReaper();

  // Runs `task` on a new thread. If no thread can be started, runs it here.
  void run(std::function<void()> task);

  // Tasks not finished yet.
  std::size_t pending() const;

  // Waits until no task is running, at most `limit`; whether none is.
  bool waitIdle(std::chrono::milliseconds limit) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::chrono::milliseconds shutdownLimit_;
};

}  // namespace virtus::storage::gluster
