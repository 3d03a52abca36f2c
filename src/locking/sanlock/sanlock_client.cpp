#include "locking/sanlock/sanlock_client.h"

// sanlock.h uses these types without including their headers.
#include <stddef.h>
#include <stdint.h>
// clang-format off
extern "C" {  // sanlock's headers declare C functions without saying so
#include <sanlock.h>
#include <sanlock_admin.h>
#include <sanlock_resource.h>
#include <sanlock_rv.h>
}
// clang-format on

#include <errno.h>
#include <string.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace virtus::locking::sanlock {

namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using ResourcePtr = std::unique_ptr<sanlk_resource, FreeDeleter>;

void copyName(char (&to)[SANLK_NAME_LEN], const std::string& from) {
  std::memset(to, 0, sizeof(to));
  std::memcpy(to, from.data(), std::min(from.size(), sizeof(to) - 1));
}

void copyPath(char (&to)[SANLK_PATH_LEN], const std::string& from) {
  std::memset(to, 0, sizeof(to));
  std::memcpy(to, from.data(), std::min(from.size(), sizeof(to) - 1));
}

std::string nameOf(const char (&from)[SANLK_NAME_LEN]) {
  return std::string(from, strnlen(from, SANLK_NAME_LEN));
}

// One resource with one disk, as sanlock's calls take it. `extraFlags`: the on-disk
// geometry when writing.
ResourcePtr makeResource(const Lease& lease, std::uint32_t extraFlags = 0) {
  auto* res =
      static_cast<sanlk_resource*>(std::calloc(1, sizeof(sanlk_resource) + sizeof(sanlk_disk)));
  copyName(res->lockspace_name, lease.lockspace);
  copyName(res->name, lease.name);
  res->num_disks = 1;
  res->flags = (lease.shared ? SANLK_RES_SHARED : 0) | extraFlags;
  copyPath(res->disks[0].path, lease.path);
  res->disks[0].offset = lease.offset;
  return ResourcePtr(res);
}

sanlk_lockspace makeLockspace(const std::string& name, std::uint64_t hostId,
                              const std::string& path, std::uint32_t flags) {
  sanlk_lockspace ls;
  std::memset(&ls, 0, sizeof(ls));
  copyName(ls.name, name);
  ls.host_id = hostId;
  ls.flags = flags;
  copyPath(ls.host_id_disk.path, path);
  ls.host_id_disk.offset = 0;
  return ls;
}

// Resource arrays as sanlock takes them, owning their elements.
struct Resources {
  std::vector<ResourcePtr> owned;
  std::vector<sanlk_resource*> raw;

  explicit Resources(const std::vector<Lease>& leases) {
    for (const Lease& lease : leases) {
      owned.push_back(makeResource(lease));
      raw.push_back(owned.back().get());
    }
  }
  int count() const { return static_cast<int>(raw.size()); }
  sanlk_resource** data() { return raw.empty() ? nullptr : raw.data(); }
};

sanlk_options makeOptions(const std::string& owner) {
  sanlk_options opt;
  std::memset(&opt, 0, sizeof(opt));
  copyName(opt.owner_name, owner);  // sanlock uses it only for display: truncation is fine
  return opt;
}

}  // namespace

std::string sanlockErrorText(int rv) {
  if (rv <= -200) {
    const char* text = sanlock_strerror(rv);
    return std::string(text ? text : "sanlock error") + " (" + std::to_string(rv) + ")";
  }
  return std::string(strerror(-rv));
}

bool isBusyRv(int rv) {
  return rv == -EEXIST || rv == -EAGAIN || rv == SANLK_ACQUIRE_IDLIVE ||
         rv == SANLK_ACQUIRE_OWNED || rv == SANLK_ACQUIRE_OTHER || rv == SANLK_ACQUIRE_SHRETRY ||
         rv == SANLK_ACQUIRE_OWNED_RETRY;
}

Error sanlockError(std::string_view what, int rv) {
  if (rv <= -200) {
    return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                     std::string(what) + ": " + sanlockErrorText(rv));
  }
  return systemError(ErrorDomain::Locking, -rv, what);
}

int writeLockspace(const std::string& name, const std::string& path, std::uint32_t ioTimeout) {
  // 512-byte sectors and 1 MiB alignment: the geometry of libvirt's 1 MiB files.
  sanlk_lockspace ls = makeLockspace(name, 0, path, SANLK_LSF_ALIGN1M | SANLK_LSF_SECTOR512);
  return sanlock_write_lockspace(&ls, 0, 0, ioTimeout);
}

int addLockspaceAsync(const std::string& name, std::uint64_t hostId, const std::string& path,
                      std::uint32_t ioTimeout) {
  sanlk_lockspace ls = makeLockspace(name, hostId, path, 0);
  return sanlock_add_lockspace_timeout(&ls, SANLK_ADD_ASYNC, ioTimeout);
}

int inquireLockspace(const std::string& name, std::uint64_t hostId, const std::string& path) {
  sanlk_lockspace ls = makeLockspace(name, hostId, path, 0);
  return sanlock_inq_lockspace(&ls, 0);
}

int lockspaceJoined(const std::string& name, bool& joined, std::uint64_t& hostId) {
  joined = false;
  sanlk_lockspace* lss = nullptr;
  int count = 0;
  int rv = sanlock_get_lockspaces(&lss, &count, 0);
  if (rv < 0)
    return rv;
  for (int i = 0; i < count; ++i) {
    if (nameOf(lss[i].name) == name && !(lss[i].flags & (SANLK_LSF_ADD | SANLK_LSF_REM))) {
      joined = true;
      hostId = lss[i].host_id;
    }
  }
  std::free(lss);
  return 0;
}

int writeResource(const Lease& lease) {
  Lease exclusive = lease;
  exclusive.shared = false;
  ResourcePtr res = makeResource(exclusive, SANLK_RES_ALIGN1M | SANLK_RES_SECTOR512);
  return sanlock_write_resource(res.get(), 0, 0, 0);
}

int readResourceOwners(const Lease& lease, std::vector<SanlockHost>& owners, bool& shared) {
  Lease plain = lease;
  plain.shared = false;
  ResourcePtr res = makeResource(plain);
  sanlk_host* hss = nullptr;
  int count = 0;
  int rv = sanlock_read_resource_owners(res.get(), 0, &hss, &count);
  if (rv < 0)
    return rv;
  owners.clear();
  for (int i = 0; i < count; ++i)
    owners.push_back({hss[i].host_id, hss[i].generation, hss[i].timestamp, hss[i].flags});
  shared = (res->flags & SANLK_RES_SHARED) != 0;
  std::free(hss);
  return 0;
}

int getHosts(const std::string& lockspace, std::vector<SanlockHost>& hosts) {
  sanlk_host* hss = nullptr;
  int count = 0;
  int rv = sanlock_get_hosts(lockspace.c_str(), 0, &hss, &count, 0);
  if (rv < 0)
    return rv;
  hosts.clear();
  for (int i = 0; i < count; ++i)
    hosts.push_back({hss[i].host_id, hss[i].generation, hss[i].timestamp, hss[i].flags});
  std::free(hss);
  return 0;
}

int registerProcess() {
  return sanlock_register();
}

int acquire(int sock, pid_t pid, const std::vector<Lease>& leases, const std::string& owner,
            bool ownerNoWait) {
  Resources res(leases);
  sanlk_options opt = makeOptions(owner);
  return sanlock_acquire(sock, sock >= 0 ? -1 : pid, ownerNoWait ? SANLK_ACQUIRE_OWNER_NOWAIT : 0,
                         res.count(), res.data(), &opt);
}

namespace {

// sanlock_state_to_args's resources, freed when it goes; `rv` < 0 when the state is bad.
struct StateArgs {
  explicit StateArgs(const std::string& state) : text(state) {
    rv = sanlock_state_to_args(text.data(), &count, &args);
  }
  ~StateArgs() {
    for (int i = 0; i < count && args; ++i)
      std::free(args[i]);
    std::free(args);
  }
  StateArgs(const StateArgs&) = delete;
  StateArgs& operator=(const StateArgs&) = delete;

  std::string text;  // sanlock_state_to_args writes into it
  int rv = 0;
  int count = 0;
  sanlk_resource** args = nullptr;
};

}  // namespace

int acquireState(pid_t pid, const std::string& state, const std::string& owner) {
  StateArgs parsed(state);
  if (parsed.rv < 0)
    return parsed.rv;
  sanlk_options opt = makeOptions(owner);
  return sanlock_acquire(-1, pid, 0, parsed.count, parsed.args, &opt);
}

int release(int sock, pid_t pid, const std::vector<Lease>& leases) {
  Resources res(leases);
  int target = sock >= 0 ? -1 : pid;
  if (leases.empty())
    return sanlock_release(sock, target, SANLK_REL_ALL, 0, nullptr);
  return sanlock_release(sock, target, 0, res.count(), res.data());
}

int inquire(pid_t pid, std::string& state) {
  char* text = nullptr;
  int count = 0;
  int rv = sanlock_inquire(-1, pid, 0, &count, &text);
  if (rv < 0)
    return rv;
  state = text ? text : "";
  std::free(text);
  return 0;
}

int parseState(const std::string& state, std::vector<Lease>& leases) {
  leases.clear();
  if (state.empty())
    return 0;
  StateArgs parsed(state);
  if (parsed.rv < 0)
    return parsed.rv;
  for (int i = 0; i < parsed.count; ++i) {
    const sanlk_resource* r = parsed.args[i];
    Lease lease;
    lease.lockspace = nameOf(r->lockspace_name);
    lease.name = nameOf(r->name);
    if (r->num_disks > 0) {
      lease.path = std::string(r->disks[0].path, strnlen(r->disks[0].path, SANLK_PATH_LEN));
      lease.offset = r->disks[0].offset;
    }
    lease.shared = (r->flags & SANLK_RES_SHARED) != 0;
    leases.push_back(std::move(lease));
  }
  return 0;
}

}  // namespace virtus::locking::sanlock
