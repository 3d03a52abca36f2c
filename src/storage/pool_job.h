// Jobs on a pool, as types (libvirt's "starting" flag and asyncjobs counter). A job marks
// the pool while a backend runs WITHOUT the manager's table lock, so that readers never
// wait for storage; writers see the mark and either wait (for an exclusive job: a start,
// build, refresh, stop or delete is short-lived like libvirt's object lock) or fail with
// libvirt's error (for asynchronous jobs: "pool 'x' has asynchronous jobs running.").
//
// A PoolJob is created and ended with the table mutex held by the caller's
// std::unique_lock; its destructor takes the lock itself when the caller released it, so
// that it may end on any path.
#pragma once

#include <cassert>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "storage/pool_object.h"

namespace virtus::storage {

class PoolJob {
 public:
  enum class Kind { Exclusive, Async };
  // What the job does to one volume while it runs.
  enum class VolumeMark { None, Building, InUse };

  // Call with `lock` held, once the pool has no exclusive job (waitForExclusive) and, for
  // an exclusive job, no asynchronous one.
  PoolJob(std::unique_lock<std::mutex>& lock, std::condition_variable& changed, PoolObjectPtr pool,
          Kind kind, VolumeObjectPtr volume = nullptr, VolumeMark mark = VolumeMark::None)
      : lock_(&lock),
        changed_(&changed),
        pool_(std::move(pool)),
        volume_(std::move(volume)),
        kind_(kind),
        mark_(mark) {
    assert(lock.owns_lock());
    if (kind_ == Kind::Exclusive) {
      assert(!pool_->exclusiveJob && pool_->asyncJobs == 0);
      pool_->exclusiveJob = true;
    } else {
      assert(!pool_->exclusiveJob);
      ++pool_->asyncJobs;
    }
    if (volume_) {
      if (mark_ == VolumeMark::Building)
        volume_->building = true;
      if (mark_ == VolumeMark::InUse)
        ++volume_->inUse;
    }
  }
  PoolJob(const PoolJob&) = delete;
  PoolJob& operator=(const PoolJob&) = delete;
  ~PoolJob() { end(); }

  // Ends the job now (idempotent).
  void end() {
    if (!pool_)
      return;
    bool relock = !lock_->owns_lock();
    if (relock)
      lock_->lock();
    if (kind_ == Kind::Exclusive) {
      pool_->exclusiveJob = false;
    } else {
      --pool_->asyncJobs;
    }
    if (volume_) {
      if (mark_ == VolumeMark::Building)
        volume_->building = false;
      if (mark_ == VolumeMark::InUse)
        --volume_->inUse;
    }
    pool_.reset();
    volume_.reset();
    if (relock)
      lock_->unlock();
    changed_->notify_all();
  }

  const PoolObjectPtr& pool() const { return pool_; }

  // Waits, with `lock` held, until no exclusive job runs on `pool`.
  static void waitForExclusive(std::unique_lock<std::mutex>& lock, std::condition_variable& changed,
                               const PoolObject& pool) {
    changed.wait(lock, [&] { return !pool.exclusiveJob; });
  }

 private:
  std::unique_lock<std::mutex>* lock_;
  std::condition_variable* changed_;
  PoolObjectPtr pool_;
  VolumeObjectPtr volume_;
  Kind kind_;
  VolumeMark mark_;
};

}  // namespace virtus::storage
