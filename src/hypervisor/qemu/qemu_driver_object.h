// One domain of the QEMU driver: its definitions and run state as libvirt's virDomainObj
// keeps them, and while it runs the QEMU process with its monitor and the thread that
// watches both.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "driver/domain_flags.h"
#include "hypervisor/qemu/qemu_process.h"
#include "hypervisor/qemu/qmp_client.h"
#include "hypervisor/qemu/qmp_event.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// The console session of a running domain (virDomainOpenConsole), guarded by the driver's
// mutex: the descriptor its caller owns and the driver's own duplicate of it, which tells
// whether the caller still holds it and lets a forced open end it
// (qemu_driver_console.cpp).
struct QemuConsoleSession {
  QemuConsoleSession() = default;
  ~QemuConsoleSession();
  QemuConsoleSession(const QemuConsoleSession&) = delete;
  QemuConsoleSession& operator=(const QemuConsoleSession&) = delete;
  int callerFd = -1;
  int heldFd = -1;
};

// A running QEMU. Shared by the domain, the callers talking to it and its watcher thread;
// the watcher ends it (reaps the process) and moves its own thread handle out first.
struct QemuRun {
  QemuRun();
  ~QemuRun();
  QemuRun(const QemuRun&) = delete;
  QemuRun& operator=(const QemuRun&) = delete;

  // Wakes the watcher (queued events, or the driver going away).
  void wake();
  // Monitor options that queue QEMU's events for the watcher and wake it when the monitor
  // closes. The client must go before this object (it does: `qmp` is a member).
  QmpClientOptions monitorOptions();

  std::unique_ptr<QemuProcess> process;
  std::string monitorPath;
  int wakeFd = -1;  // an eventfd

  std::mutex eventMutex;
  std::deque<QmpEvent> events;  // from the monitor's reader thread to the watcher
  bool stopWatching = false;    // the driver is going away: leave QEMU running

  // The shutoff reason that the driver's own stop (destroy) gives; -1: none.
  std::atomic<int> stopReason{-1};
  bool guestShutdown = false;  // watcher only: a SHUTDOWN event came
  // A reboot asked the guest to power off: its SHUTDOWN resets and resumes the machine
  // instead of ending QEMU (libvirt's fake reboot).
  std::atomic<bool> fakeReboot{false};
  // The display ports allocated for this run (released when it ends) and each <graphics>'s
  // port, in the definition's order (0: none).
  std::vector<int> allocatedPorts;
  std::vector<int> graphicsPorts;

  // The pty of each pty chardev by chardev id (charserial0 -> /dev/pts/N), from
  // query-chardev once the monitor is up; set before the run is shared, then read-only.
  std::map<std::string, std::string> ptyPaths;
  QemuConsoleSession console;  // guarded by the driver's mutex

  // What goes once QEMU reports an unplugged disk's device deleted.
  struct Unplug {
    std::vector<std::string> nodes;      // its block nodes, top first
    std::vector<std::string> secrets;    // the ids of its secret objects
    std::optional<model::DiskDef> disk;  // resolved: whose lock goes
  };
  // Guarded by the driver's mutex: the disks being unplugged (by device alias) and the
  // aliases whose removal finished.
  std::map<std::string, Unplug> unplugging;
  std::set<std::string> unplugged;

  // Declared after what its event handler touches, so that it goes first.
  std::unique_ptr<QmpClient> qmp;
  std::thread watcher;
};

struct QemuDomainObject {
  // The definition in effect: the live one while the domain runs, else the persistent one.
  model::DomainDef def;
  // While a persistent domain runs: its persistent definition (the next boot's).
  std::optional<model::DomainDef> nextDef;
  bool persistent = false;
  bool autostart = false;
  driver::DomainState state = driver::DomainState::Shutoff;
  int reason = driver::shutoff_reason::kUnknown;
  int id = -1;  // -1 while inactive
  // A state change (start, stop, monitor command) is in progress: libvirt's job.
  bool job = false;
  std::shared_ptr<QemuRun> run;  // while active

  bool isActive() const { return id != -1; }
  const model::DomainDef& persistentDef() const { return nextDef ? *nextDef : def; }
};

}  // namespace virtus::qemu
