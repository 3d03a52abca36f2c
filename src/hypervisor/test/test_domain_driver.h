// The in-memory domain driver behind test:///default: guests that are only records, with
// libvirt's test driver semantics for definitions, lifecycle, state, lists and lifecycle
// events. Nothing runs and nothing touches the host. Thread-safe: one mutex guards every
// guest; events are published after it is released, so a listener may call the driver.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "driver/domain_driver.h"
#include "driver/domain_events.h"
#include "hypervisor/test/test_domain_object.h"
#include "model/domain/domain_def.h"

namespace virtus::testdrv {

class TestDomainDriver : public driver::DomainDriver {
 public:
  TestDomainDriver() = default;

  // defineDomain after the XML is parsed: a new persistent guest, or the new persistent
  // definition of the guest with that name and uuid.
  Result<driver::DomainHandle> defineDomainDef(model::DomainDef def);

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

  // Not implemented yet: VIR_ERR_NO_SUPPORT naming libvirt's API.
  Result<void> attachDevice(const driver::DomainHandle& dom, std::string_view xml,
                            unsigned flags) override;
  Result<void> detachDevice(const driver::DomainHandle& dom, std::string_view xml,
                            unsigned flags) override;
  Result<void> updateDevice(const driver::DomainHandle& dom, std::string_view xml,
                            unsigned flags) override;
  Result<driver::BlockInfo> blockInfo(const driver::DomainHandle& dom,
                                      std::string_view disk) override;

 private:
  using Objects = std::vector<std::unique_ptr<TestDomainObject>>;
  using Events = std::vector<driver::DomainLifecycleEvent>;

  // Runs f(events) under the mutex, then publishes what it collected.
  template <class F>
  auto withEvents(F&& f);

  TestDomainObject* findByName(std::string_view name);
  TestDomainObject* findByUuid(const Uuid& uuid);
  // The guest a handle names (by uuid, as libvirt), or VIR_ERR_NO_DOMAIN.
  Result<TestDomainObject*> objectOf(const driver::DomainHandle& dom);
  // libvirt's duplicate checks: a uuid known under another name, or a name known with
  // another uuid. Returns the guest with that name and uuid when there is one.
  Result<TestDomainObject*> checkDuplicate(const model::DomainDef& def);
  Result<driver::DomainHandle> defineLocked(model::DomainDef def, Events& events);
  Result<driver::DomainHandle> createLocked(model::DomainDef def, unsigned flags, Events& events);
  void startLocked(TestDomainObject& obj, unsigned flags, Events& events);
  // Running → shut off with `reason` (STOPPED event with `detail`); a transient guest
  // disappears.
  void stopLocked(TestDomainObject& obj, int reason, int detail, Events& events);
  void remove(const TestDomainObject& obj);

  std::mutex mutex_;
  Objects objects_;  // in definition order
  int nextId_ = 1;   // ids are never reused
  driver::DomainEventBus events_;
};

// A driver holding libvirt's default guest ('test', persistent, running with id 1).
std::unique_ptr<TestDomainDriver> makeDefaultTestDomainDriver();

}  // namespace virtus::testdrv
