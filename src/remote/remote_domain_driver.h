// driver::DomainDriver over the REMOTE program: one procedure per method (two for a plain
// start, as libvirt's client does), plus the read-only questions virsh's dominfo asks that
// the driver API has no method for yet (OS type, managed save, security label, messages).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver/domain_driver.h"
#include "rpc/client.h"

namespace virtus::remote {

// virSecurityLabel / virSecurityModel as the daemon reports them.
struct SecurityLabel {
  std::string label;  // empty: the guest has none
  bool enforcing = false;
};
struct SecurityModel {
  std::string model;  // empty: the host has no security driver
  std::string doi;
};

class RemoteDomainDriver final : public driver::DomainDriver {
 public:
  explicit RemoteDomainDriver(rpc::RpcClient& client);
  ~RemoteDomainDriver() override;

  // The bus exists so that callers can subscribe, but nothing publishes on it yet: the
  // remote driver does not register for the daemon's domain events, so a subscriber hears
  // nothing.
  driver::DomainEventBus& events() override;

  Result<std::vector<driver::DomainHandle>> listAllDomains(unsigned flags) override;
  Result<driver::DomainHandle> lookupDomainByName(std::string_view name) override;
  Result<driver::DomainHandle> lookupDomainByUuid(const Uuid& uuid) override;
  Result<driver::DomainHandle> lookupDomainById(int id) override;

  // Without flags, the procedures of virDomainDefineXML, virDomainCreate,
  // virDomainDestroy and virDomainShutdown (what virsh sends, and what every daemon knows);
  // with flags, their *Flags variants.
  Result<driver::DomainHandle> defineDomain(std::string_view xml, unsigned flags) override;
  Result<void> undefineDomain(const driver::DomainHandle& dom, unsigned flags) override;
  Result<std::string> domainXml(const driver::DomainHandle& dom, unsigned flags) override;

  Result<driver::DomainHandle> createDomain(std::string_view xml, unsigned flags) override;
  // The handle that comes back carries the id the guest got.
  Result<driver::DomainHandle> startDomain(const driver::DomainHandle& dom,
                                           unsigned flags) override;
  Result<void> destroyDomain(const driver::DomainHandle& dom, unsigned flags) override;
  Result<void> shutdownDomain(const driver::DomainHandle& dom, unsigned flags) override;
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

  // Beyond driver::DomainDriver (virDomainGetOSType, virDomainHasManagedSaveImage,
  // virNodeGetSecurityModel, virDomainGetSecurityLabel, virDomainGetMessages).
  Result<std::string> osType(const driver::DomainHandle& dom);
  Result<bool> hasManagedSaveImage(const driver::DomainHandle& dom);
  Result<SecurityModel> nodeSecurityModel();
  // Virtus's own VIRTUS_LOCK_LIST: the daemon's lock report as JSON
  // (locking/lock_report_json.h). libvirt's daemons do not know the call.
  Result<std::string> lockReportJson();
  Result<SecurityLabel> securityLabel(const driver::DomainHandle& dom);
  Result<std::vector<std::string>> messages(const driver::DomainHandle& dom);

 private:
  rpc::RpcClient& client_;
  std::unique_ptr<driver::DomainEventBus> events_;
};

}  // namespace virtus::remote
