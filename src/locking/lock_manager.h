// The lock manager plugin API, as libvirt's lock driver has it (src/locking/lock_driver.h
// there): what keeps two guests, on one host or on many sharing storage, from writing the
// same disk. A driver (nop, lockd, sanlock) is chosen per host in qemu.conf; the domain
// code opens a session for a guest, adds its disks and leases, acquires them before the
// guest's CPUs first run and releases them when it stops.
//
// A session is one operation's view of one guest: start opens one with all resources,
// hotplug one with the plugged disk, stop one with none (release then drops everything the
// guest holds). Holding locks is the driver's business (virtus-lockd, the sanlock daemon),
// not the session's: a session may go while the locks stay.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/uuid.h"

namespace virtus::locking {

// The domain's <on_lockfailure>: what to do with a guest whose lock was lost.
enum class LockFailureAction { Default, Poweroff, Restart, Pause, Ignore };

// Parses <on_lockfailure>'s value ("" is Default).
std::optional<LockFailureAction> lockFailureActionFromString(std::string_view text);
std::string_view lockFailureActionName(LockFailureAction action);

// A guest as a lock manager knows it.
struct LockOwner {
  Uuid uuid;
  std::string name;
  int id = 0;     // the domain id
  pid_t pid = 0;  // its QEMU: 0 until spawned
  LockFailureAction onLockFailure = LockFailureAction::Default;
};

enum class LockResourceType { Disk, Lease };

// A <disk> (its fully qualified source path) or a <lease>.
struct LockResource {
  LockResourceType type = LockResourceType::Disk;
  // Disk: the source path (file or block device). Lease: its <key>.
  std::string name;
  // Lease only: its <lockspace>, <target path> and offset.
  std::string lockspace;
  std::string path;
  std::uint64_t offset = 0;
  bool shared = false;    // <shareable/>
  bool readOnly = false;  // <readonly/>

  bool operator==(const LockResource&) const = default;
};

// What a driver supports, as data for the domain code to check.
struct LockDriverFeatures {
  bool locksResources = false;  // it locks disks and leases at all (nop: no)
  bool hotplug = false;         // a running guest can gain and lose a resource
  bool migration = false;       // a guest's locks can be handed to another host
};

// One lock or lease held, for `virtus lock-list`.
struct HeldLock {
  std::string resource;   // the disk path, or lockspace:key for a lease
  std::string lockspace;  // the lockspace (directory or sanlock lockspace); "" for direct
  std::string file;       // the file that carries the lock (the disk itself when direct)
  bool shared = false;
  std::string domain;  // the guest's name
  Uuid uuid;
  pid_t pid = 0;           // its QEMU
  std::string host;        // the host holding it (lockd: hostname; sanlock: host_id)
  std::int64_t since = 0;  // when acquired, seconds since the epoch
};

// A lockspace the driver uses, with its state.
struct LockspaceStatus {
  std::string name;
  std::string path;
  std::string state;   // joining, joined, failed
  std::string reason;  // why it failed
};

struct LockReport {
  std::string driver;  // nop, lockd, sanlock
  std::vector<HeldLock> locks;
  std::vector<LockspaceStatus> lockspaces;
};

class LockSession {
 public:
  virtual ~LockSession() = default;

  // Adds a resource to acquire or release. Errors on resources the driver cannot take
  // (a lease with an offset lockd cannot honour, ...).
  virtual Result<void> addResource(const LockResource& resource) = 0;

  // Before QEMU is spawned: takes what can be taken without its pid, or checks that the
  // resources are free (VIR_ERR_RESOURCE_BUSY naming the disk and, where known, its holder).
  // Nothing is held when it fails.
  virtual Result<void> prepare() = 0;

  // What goes in front of QEMU's argv so that the process registers itself with the lock
  // daemon before exec (sanlock); empty for others.
  virtual std::vector<std::string> commandPrefix() const { return {}; }

  // With QEMU spawned and its CPUs not yet running: the resources are now held for `pid`.
  // `state` is what the source's release or inquire returned on a migration ("" else).
  // Nothing is held when it fails.
  virtual Result<void> acquire(pid_t pid, const std::string& state) = 0;

  // Releases the added resources, or every resource of the guest when none was added.
  // Returns the state to hand to a migration target.
  virtual Result<std::string> release() = 0;

  // The guest's lock state, opaque, for a migration target's acquire.
  virtual Result<std::string> inquire() = 0;
};

// Called by a driver when a guest lost a lock it held (a lease revoked, a lock file gone),
// with a sentence saying which and why: the domain code applies the guest's on_lockfailure.
using LockFailureHandler = std::function<void(const Uuid& uuid, const std::string& reason)>;

class LockManager {
 public:
  virtual ~LockManager() = default;
  virtual std::string_view name() const = 0;
  virtual LockDriverFeatures features() const = 0;
  virtual Result<std::unique_ptr<LockSession>> openSession(const LockOwner& owner) = 0;
  // What this host holds and the lockspaces' states.
  virtual Result<LockReport> report() = 0;
  // Starts what runs in the background (watching for lost locks, joining lockspaces); once,
  // before the first session. Never blocks for long.
  virtual void start(LockFailureHandler handler) { (void)handler; }
  // Stops what start() started: no call of the handler once it returns.
  virtual void stop() {}
};

}  // namespace virtus::locking
