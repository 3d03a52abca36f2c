// The QEMU domain driver (libvirt's qemu:///system): definitions kept as libvirt XML files,
// each running domain a QEMU process that virtusd spawns as its child, controls over QMP
// and watches through a pidfd, with runtime state files that let a restarted virtusd take
// its QEMUs over again (see qemu_domain_store.h for the files).
//
// One mutex guards the domains; monitor commands and waits run outside it under a
// per-domain job flag ("cannot acquire state change lock" when it stays taken). A watcher
// thread per running domain handles QEMU's events (a guest's poweroff: SHUTDOWN, then
// `quit`) and its exit: the domain is shut off with reason destroyed when the driver ended
// it, shutdown after a guest poweroff, crashed otherwise.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "driver/domain_driver.h"
#include "driver/domain_events.h"
#include "hypervisor/qemu/qemu_domain_store.h"
#include "hypervisor/qemu/qemu_driver_object.h"
#include "locking/lock_manager.h"
#include "os/clock.h"
#include "os/file_system.h"
#include "os/root_paths.h"

namespace virtus::qemu {

// What a <disk type='volume'> points at, from the storage driver.
struct ResolvedVolume {
  std::string type = "file";  // file, block or network
  std::string path;
  std::string format;  // raw, qcow2, ...
  // type network: the source's protocol, name, hosts, initiator and auth (the rest unused).
  model::StorageSource network;
};
using VolumeResolver =
    std::function<Result<ResolvedVolume>(const std::string& pool, const std::string& volume)>;

struct QemuDriverConfig {
  os::RootPaths paths;
  // The QEMU binary; empty: the definition's <emulator>, else qemu-system-x86_64.
  std::string emulator;
  // Empty: volume disks are refused.
  VolumeResolver resolveVolume;
  // The value of the secret a network disk's <auth> names. Empty: such disks are refused.
  std::function<Result<std::string>(const model::DiskSecretRef&)> resolveSecret;
  // Whether a TCP port is free for a display (empty: os::tcpPortFree, a bind on the host).
  std::function<bool(int)> portFree;
  // The host's lock manager (qemu.conf's lock_manager); null: none (as nop). The driver
  // starts and stops its background work; it must outlive the driver.
  locking::LockManager* lockManager = nullptr;
  std::chrono::milliseconds monitorTimeout{30000};  // QEMU start to QMP ready
  std::chrono::milliseconds commandTimeout{10000};  // one QMP command
  std::chrono::milliseconds destroyTimeout{10000};  // SIGTERM to exit (then SIGKILL)
  std::chrono::milliseconds jobTimeout{30000};      // waiting for another state change
};

class QemuDomainDriver : public driver::DomainDriver {
 public:
  // Loads the definitions and runtime states under config.paths and reconnects to the QEMUs
  // still running; stale state files are removed. Unreadable files end up in loadProblems().
  QemuDomainDriver(os::FileSystem& fs, const os::Clock& clock, QemuDriverConfig config);
  // Stops watching; running QEMUs are left running for the next driver.
  ~QemuDomainDriver() override;

  const std::vector<Error>& loadProblems() const { return problems_; }
  // Starts every inactive persistent domain marked autostart (virtusd does this once at
  // startup); returns the errors of those that failed, each naming its domain.
  std::vector<Error> autostartDomains();
  // Waits until the domain is no longer running (bounded): OPERATION_TIMEOUT otherwise.
  Result<void> waitForShutoff(const driver::DomainHandle& dom, std::chrono::milliseconds timeout);
  // The file the guest's serial console writes to when the definition has no <serial>.
  std::string consoleLogPath(const std::string& name) const;

  driver::DomainEventBus& events() override { return events_; }

  Result<std::vector<driver::DomainHandle>> listAllDomains(unsigned flags) override;
  Result<driver::DomainHandle> lookupDomainByName(std::string_view name) override;
  Result<driver::DomainHandle> lookupDomainByUuid(const Uuid& uuid) override;
  Result<driver::DomainHandle> lookupDomainById(int id) override;

  Result<driver::DomainHandle> defineDomain(std::string_view xml, unsigned flags) override;
  Result<void> undefineDomain(const driver::DomainHandle& dom, unsigned flags) override;
  Result<std::string> domainXml(const driver::DomainHandle& dom, unsigned flags) override;

  Result<driver::DomainHandle> createDomain(std::string_view xml, unsigned flags) override;
  Result<driver::DomainHandle> startDomain(const driver::DomainHandle& dom,
                                           unsigned flags) override;
  Result<void> destroyDomain(const driver::DomainHandle& dom, unsigned flags) override;
  Result<void> shutdownDomain(const driver::DomainHandle& dom, unsigned flags) override;
  // For now a system_reset of the machine, like resetDomain.
  Result<void> rebootDomain(const driver::DomainHandle& dom, unsigned flags) override;
  Result<void> resetDomain(const driver::DomainHandle& dom) override;
  Result<void> suspendDomain(const driver::DomainHandle& dom) override;
  Result<void> resumeDomain(const driver::DomainHandle& dom) override;

  Result<driver::DomainInfo> domainInfo(const driver::DomainHandle& dom) override;
  Result<driver::DomainStateReason> domainState(const driver::DomainHandle& dom) override;
  Result<bool> domainIsActive(const driver::DomainHandle& dom) override;
  Result<bool> domainIsPersistent(const driver::DomainHandle& dom) override;
  Result<bool> domainAutostart(const driver::DomainHandle& dom) override;
  Result<void> setDomainAutostart(const driver::DomainHandle& dom, bool autostart) override;

  // Disks only (qemu_driver_hotplug.cpp): hotplug of virtio and SCSI disks, unplug, and
  // media changes of cdroms and floppies; with --config the persistent definition too.
  Result<void> attachDevice(const driver::DomainHandle& dom, std::string_view xml,
                            unsigned flags) override;
  Result<void> detachDevice(const driver::DomainHandle& dom, std::string_view xml,
                            unsigned flags) override;
  Result<void> updateDevice(const driver::DomainHandle& dom, std::string_view xml,
                            unsigned flags) override;
  Result<driver::BlockInfo> blockInfo(const driver::DomainHandle& dom,
                                      std::string_view disk) override;
  Result<driver::BlockStats> blockStats(const driver::DomainHandle& dom,
                                        std::string_view disk) override;
  // The pty of a <serial>/<console type='pty'> (qemu_driver_console.cpp).
  Result<int> openConsole(const driver::DomainHandle& dom, std::string_view devName,
                          unsigned flags) override;

 private:
  using ObjectPtr = std::shared_ptr<QemuDomainObject>;
  using Lock = std::unique_lock<std::mutex>;

  ObjectPtr findByName(std::string_view name);
  ObjectPtr findByUuid(const Uuid& uuid);
  Result<ObjectPtr> objectOf(const driver::DomainHandle& dom);
  Result<ObjectPtr> checkDuplicate(const model::DomainDef& def);
  void remove(const QemuDomainObject& obj);

  // The job of `obj`, waiting (bounded) while another one runs.
  Result<void> beginJob(Lock& lock, QemuDomainObject& obj);
  void endJob(QemuDomainObject& obj);
  // The job of a running `obj` and its QEMU run; "domain is not running" (and no job) when
  // it is not running, before or after the wait for the job.
  Result<std::shared_ptr<QemuRun>> beginRunningJob(Lock& lock, QemuDomainObject& obj);
  // With the lock and the job held on an inactive domain: runs obj->def. Releases the job.
  Result<driver::DomainHandle> launch(Lock& lock, const ObjectPtr& obj, unsigned flags);
  Result<std::shared_ptr<QemuRun>> spawnQemu(const model::DomainDef& def, unsigned flags);
  // With the lock: the domain runs `run`; writes its runtime state, starts its watcher.
  void markRunning(const ObjectPtr& obj, const std::shared_ptr<QemuRun>& run);
  void watch(ObjectPtr obj, std::shared_ptr<QemuRun> run);
  // The watcher, once QEMU exited: shut off, runtime state removed.
  void finishRun(const ObjectPtr& obj, const std::shared_ptr<QemuRun>& run);
  void handleEvent(QemuDomainObject& obj, QemuRun& run, const QmpEvent& event);
  // A monitor command on a running domain, under its job.
  Result<void> monitorCommand(const driver::DomainHandle& dom, const char* command,
                              const std::function<void(QemuDomainObject&)>& onSuccess,
                              bool requireRunning);
  // With the lock: rewrites the runtime state file of a running `obj` (best effort).
  void saveRuntimeState(const QemuDomainObject& obj);
  // A <disk type='volume'> resolved to its file or block device (others unchanged).
  Result<void> resolveVolume(model::DiskDef& disk);
  // Hotplug (qemu_driver_hotplug.cpp). A device job: `xml` parsed as a <disk>, the job of
  // the domain taken (running when `live`), `job` run with the lock held (it may release
  // it meanwhile), the job ended.
  using DiskJob = Result<void> (QemuDomainDriver::*)(Lock&, QemuDomainObject&,
                                                     const std::shared_ptr<QemuRun>&,
                                                     const model::DiskDef&, bool live, bool config);
  Result<void> runDiskJob(const driver::DomainHandle& dom, std::string_view xml, unsigned flags,
                          const char* action, const char* function, DiskJob job);
  Result<void> attachDiskJob(Lock& lock, QemuDomainObject& obj, const std::shared_ptr<QemuRun>& run,
                             const model::DiskDef& disk, bool live, bool config);
  Result<void> detachDiskJob(Lock& lock, QemuDomainObject& obj, const std::shared_ptr<QemuRun>& run,
                             const model::DiskDef& disk, bool live, bool config);
  Result<void> updateDiskJob(Lock& lock, QemuDomainObject& obj, const std::shared_ptr<QemuRun>& run,
                             const model::DiskDef& disk, bool live, bool config);
  // QMP steps, without the lock.
  Result<void> plugDisk(QemuRun& run, const model::DomainDef& liveDef, model::DiskDef disk);
  Result<void> changeMedia(QemuRun& run, const model::DomainDef& liveDef,
                           const model::DiskDef& oldDisk, model::DiskDef newDisk);
  // changeMedia's QMP part, with `newDisk` resolved and locked.
  Result<void> swapMedia(QemuRun& run, const model::DomainDef& liveDef,
                         const model::DiskDef& oldDisk, const model::DiskDef& newDisk);
  // The watcher's part of an unplug: QEMU reported the device `alias` deleted.
  void finishUnplug(QemuDomainObject& obj, QemuRun& run, const std::string& alias);
  QmpClient::Deadline commandDeadline() const;
  // Where the secrets of `name`'s network disks come from (hotplug sends them over QMP).
  QemuSecretContext secretContext(const std::string& name) const;
  // Console (qemu_driver_console.cpp): the ptys of a QEMU that just got its monitor, from
  // query-chardev, into run.ptyPaths; then, with the lock, into the live definition.
  Result<void> learnPtyPaths(QemuRun& run);
  static void applyPtyPaths(model::DomainDef& def, const QemuRun& run);
  // Disk locks (qemu_driver_locks.cpp); without a lock manager they do nothing. Before QEMU
  // is spawned: a session with every disk and lease of `runDef`, prepared (null: none).
  Result<std::unique_ptr<locking::LockSession>> prepareLocks(const model::DomainDef& runDef);
  // Hotplug: the lock of one resolved disk for the running QEMU `pid`, and its release.
  Result<void> lockDisk(const model::DomainDef& def, pid_t pid, const model::DiskDef& disk);
  void unlockDisk(const model::DomainDef& def, pid_t pid, const model::DiskDef& disk);
  // Everything the guest holds, once its QEMU ended (best effort).
  void releaseLocks(const model::DomainDef& def, pid_t pid);
  // The lock manager reports a lost lock: the guest's on_lockfailure applies.
  void handleLockFailure(const Uuid& uuid, const std::string& reason);
  void reconnectAll(std::vector<QemuRuntimeState> states);
  void reconnect(QemuRuntimeState state);

  os::FileSystem& fs_;
  const os::Clock& clock_;
  QemuDriverConfig config_;
  QemuDomainStore store_;
  std::vector<Error> problems_;

  std::mutex mutex_;
  std::condition_variable changed_;  // job ends, domains stop
  std::vector<ObjectPtr> objects_;   // in definition order
  int nextId_ = 1;
  std::vector<std::thread> retired_;  // watchers that finished
  std::set<int> usedPorts_;           // the display ports of running domains
  driver::DomainEventBus events_;
};

}  // namespace virtus::qemu
