// The `iscsi` pool backend over the kernel initiator and open-iscsi's `iscsiadm`, as libvirt
// 9.0's storage_backend_iscsi.c: the pool is one target (<device path=>) on one portal
// (<host>), its volumes the target's disk and CD/DVD LUNs as block devices of this host
// (backends/scsi/scsi_lun_volumes.h). libvirt's iscsi pool cannot create or delete volumes; neither
// can this.
//
//   start    nothing when a session to the target exists; otherwise a static node record
//            (iscsiadm --mode node --op new), CHAP on it from <auth> (node.session.auth.*),
//            the interface record of the <initiator><iqn> (made and discovered through when
//            missing), login, and a check that the session is there (logout when it is not)
//   refresh  the session's id, a LUN rescan, `udevadm settle`, then sysfs and /dev
//   stop     logout, when there is a session (node and interface records stay, as in libvirt)
//   check    is there a session to the target?
//   sources  sendtargets discovery on the given portal (nonpersistent)
//
// Every command goes through the CommandRunner, with its deadline. The CHAP password is an
// argument of iscsiadm (as in libvirt: iscsiadm reads it nowhere else), but never appears
// in an error message: the errors of that one command are Virtus' own sentences.
//
// Differences from libvirt 9.0, on purpose: the interface record's name derives from the
// initiator IQN instead of random bits; a stop whose initiator has no interface record logs
// out without one instead of creating a record first; a failed CHAP update (non-zero exit)
// fails the start instead of being ignored; discovery output that is not "PORTAL,TPGT
// TARGET" lines is an error instead of being skipped.
#pragma once

#include <string>

#include "storage/host_roots.h"
#include "storage/storage_backend.h"

namespace virtus::storage {

// The backend on this host's /sys and /dev.
StorageBackendPtr makeIscsiBackend(const BackendContext& ctx);

namespace iscsi {

class IscsiBackend final : public StorageBackend {
 public:
  IscsiBackend(const BackendContext& ctx, HostRoots roots);

  model::PoolType type() const override { return model::PoolType::Iscsi; }
  BackendFeatures features() const override;

  Result<bool> checkPool(const PoolRuntime& pool) override;
  Result<void> startPool(PoolRuntime& pool) override;
  Result<void> stopPool(PoolRuntime& pool) override;
  Result<void> refreshPool(PoolRuntime& pool) override;
  Result<std::string> findPoolSources(std::string_view srcSpecXml, unsigned flags) override;

 private:
  // The id of the session to the pool's target; nullopt when there is none. `stderrOut`
  // gets what iscsiadm said (libvirt quotes it when a session is required).
  Result<std::optional<std::string>> sessionOf(const std::string& target,
                                               std::string* stderrOut = nullptr);
  Result<void> createNode(const std::string& portal, const std::string& target);
  Result<void> setAuth(const model::PoolDef& def, const std::string& portal);
  Result<void> updateNode(const std::string& portal, const std::string& target,
                          const std::string& name, std::string value, bool secret);
  // The interface record carrying `initiatorIqn`, or nullopt when there is none.
  Result<std::optional<std::string>> findIface(const std::string& initiatorIqn);
  // The interface record for `initiatorIqn`, made (and discovered through) when missing.
  Result<std::string> ensureIface(const std::string& portal, const std::string& initiatorIqn);

  BackendContext ctx_;
  HostRoots roots_;
};

}  // namespace iscsi
}  // namespace virtus::storage
