// The REMOTE program served over a driver::Connection: what virtusd plugs into its
// rpc::Server so that libvirt's clients manage Virtus's pools, volumes, secrets and domains.
#pragma once

#include <memory>
#include <string>

#include "driver/connection.h"
#include "driver/domain_driver.h"
#include "locking/lock_manager.h"
#include "rpc/dispatcher.h"

namespace virtus::daemon {

class HostInfo;

struct DispatchOptions {
  // What CONNECT_GET_URI answers to a client that opened with an empty name (probing):
  // qemu:///system for a privileged daemon, qemu:///session otherwise.
  std::string defaultUri = "qemu:///session";
  // Host facts for the connection procedures; null means the real host.
  std::shared_ptr<HostInfo> host;
  // The domains of test:///default, shared by every client of the daemon; null means a
  // fresh in-memory driver holding libvirt's default guest 'test'.
  std::shared_ptr<driver::DomainDriver> testDomains;
  // The domains of qemu:///system and qemu:///session; null until the QEMU driver exists.
  std::shared_ptr<driver::DomainDriver> qemuDomains;
  // The host's lock manager, for virtus lock-list; null: none (reported as nop). It
  // outlives the dispatcher.
  locking::LockManager* locks = nullptr;
};

std::unique_ptr<rpc::Dispatcher> makeRemoteDispatcher(driver::Connection& connection,
                                                      DispatchOptions options = {});

}  // namespace virtus::daemon
