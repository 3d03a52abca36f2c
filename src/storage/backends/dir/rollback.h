// Undo actions for multi-step changes: registered as steps succeed, run in reverse order
// unless the change commits (a failed volume build removes what it created).
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace virtus::storage::dir {

class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it)
      (*it)();
  }

  void add(std::function<void()> undo) { undo_.push_back(std::move(undo)); }
  // Success: keep everything.
  void commit() { undo_.clear(); }

 private:
  std::vector<std::function<void()>> undo_;
};

}  // namespace virtus::storage::dir
