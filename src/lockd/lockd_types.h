// The values that travel between virtusd (the lockd lock driver) and virtus-lockd: who owns
// locks, what is locked, and what the daemon reports. Plain data, no JSON here.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace virtus::lockd {

// A guest holding locks, keyed by its UUID. pid 0: not spawned yet ("pending"): its locks
// are tied to the connection that took them until setpid.
struct LockdOwnerSpec {
  std::string uuid;
  std::string name;
  int id = 0;
  pid_t pid = 0;
};

// One lock: lockspace "" locks the file `name` itself (direct); otherwise the lock file
// lockspace/name (indirect). `display` names the resource in messages (the disk's path).
struct LockdResourceSpec {
  std::string lockspace;
  std::string name;
  bool shared = false;
  bool autocreate = false;
  std::string display;
};

// A lock the daemon holds, as `list` reports it.
struct LockdHeld {
  std::string lockspace, name, display, file;
  bool shared = false;
  std::string domain, uuid;
  pid_t pid = 0;
  std::string host;
  std::int64_t since = 0;  // seconds since the epoch
};

struct LockdStatus {
  pid_t pid = 0;
  std::string host;
  std::int64_t started = 0;  // seconds since the epoch
  int generation = 0;        // re-execs done
};

// A lock the daemon lost (its lock file removed or replaced).
struct LockdEvent {
  std::string uuid, domain, resource, reason;
};

}  // namespace virtus::lockd
