#include "hypervisor/test/test_domain_driver.h"

#include <algorithm>

#include "common/check_flags.h"
#include "hypervisor/common/domain_list_filter.h"
#include "hypervisor/common/domain_xml_desc.h"
#include "hypervisor/test/test_default_domain.h"
#include "model/domain/domain_validate.h"
#include "model/domain/domain_xml.h"

namespace virtus::testdrv {

using driver::DomainEventType;
using driver::DomainHandle;
using driver::DomainState;
namespace ed = driver::event_detail;

namespace {

hypervisor::DomainListFacts listFacts(const TestDomainObject& dom) {
  hypervisor::DomainListFacts f;
  f.active = dom.isActive();
  f.persistent = dom.persistent;
  f.autostart = dom.autostart;
  f.state = dom.state;
  return f;
}

Error testError(ErrorCode code, std::string message) {
  return makeError(code, ErrorDomain::Test, std::move(message));
}

// virCheckFlags
Result<void> checkFlags(unsigned flags, unsigned allowed, const char* function) {
  return virtus::checkFlags(flags, allowed, function, ErrorDomain::Test);
}

Error notRunning() {
  return testError(ErrorCode::OperationInvalid, "domain is not running");
}

Error noSupport(const char* api) {
  return testError(ErrorCode::NoSupport, api);
}

DomainHandle handleOf(const TestDomainObject& obj) {
  return DomainHandle{obj.def.name, obj.def.uuid.value_or(Uuid()), obj.id};
}

Result<model::DomainDef> parseAndValidate(std::string_view xml) {
  TRY_ASSIGN(model::DomainDef def, model::parseDomainXml(xml));
  TRY(model::validateDomain(def));
  return def;
}

driver::DomainLifecycleEvent eventOf(const TestDomainObject& obj, DomainEventType type,
                                     int detail) {
  return driver::DomainLifecycleEvent{handleOf(obj), type, detail};
}

// The reboot/poweroff actions that leave the guest running.
bool restarts(const std::string& action) {
  return action == "restart" || action == "rename-restart";
}

}  // namespace

template <class F>
auto TestDomainDriver::withEvents(F&& f) {
  Events events;
  auto result = [&] {
    std::lock_guard lock(mutex_);
    return f(events);
  }();
  for (const auto& e : events)
    events_.publish(e);
  return result;
}

TestDomainObject* TestDomainDriver::findByName(std::string_view name) {
  for (auto& obj : objects_)
    if (obj->def.name == name)
      return obj.get();
  return nullptr;
}

TestDomainObject* TestDomainDriver::findByUuid(const Uuid& uuid) {
  for (auto& obj : objects_)
    if (obj->def.uuid == uuid)
      return obj.get();
  return nullptr;
}

Result<TestDomainObject*> TestDomainDriver::objectOf(const DomainHandle& dom) {
  if (TestDomainObject* obj = findByUuid(dom.uuid))
    return obj;
  return testError(ErrorCode::NoDomain,
                   "no domain with matching uuid '" + dom.uuid.str() + "' (" + dom.name + ")");
}

Result<TestDomainObject*> TestDomainDriver::checkDuplicate(const model::DomainDef& def) {
  const Uuid uuid = def.uuid.value_or(Uuid());
  if (TestDomainObject* obj = findByUuid(uuid)) {
    if (obj->def.name != def.name)
      return makeError(ErrorCode::OperationFailed, ErrorDomain::Domain,
                       "domain '" + obj->def.name + "' is already defined with uuid " + uuid.str());
    return obj;
  }
  if (TestDomainObject* obj = findByName(def.name))
    return makeError(ErrorCode::OperationFailed, ErrorDomain::Domain,
                     "domain '" + def.name + "' already exists with uuid " +
                         obj->def.uuid.value_or(Uuid()).str());
  return static_cast<TestDomainObject*>(nullptr);
}

void TestDomainDriver::remove(const TestDomainObject& obj) {
  std::erase_if(objects_, [&](const auto& o) { return o.get() == &obj; });
}

Result<DomainHandle> TestDomainDriver::defineLocked(model::DomainDef def, Events& events) {
  if (!def.uuid)
    def.uuid = Uuid::generate();
  TRY_ASSIGN(TestDomainObject * obj, checkDuplicate(def));
  const int detail = obj ? ed::defined::kUpdated : ed::defined::kAdded;
  if (!obj) {
    auto fresh = std::make_unique<TestDomainObject>();
    fresh->def = std::move(def);
    fresh->persistent = true;
    obj = fresh.get();
    objects_.push_back(std::move(fresh));
  } else if (obj->isActive()) {
    obj->nextDef = std::move(def);  // the running guest keeps its live definition
    obj->persistent = true;
  } else {
    obj->def = std::move(def);
    obj->persistent = true;
  }
  events.push_back(eventOf(*obj, DomainEventType::Defined, detail));
  return handleOf(*obj);
}

void TestDomainDriver::startLocked(TestDomainObject& obj, unsigned flags, Events& events) {
  obj.id = nextId_++;
  if (obj.persistent && !obj.nextDef)
    obj.nextDef = obj.def;
  events.push_back(eventOf(obj, DomainEventType::Started, ed::started::kBooted));
  if (flags & driver::start_domain::kPaused) {
    obj.state = DomainState::Paused;
    obj.reason = driver::paused_reason::kUser;
    // As libvirt's QEMU driver reports a guest started paused.
    events.push_back(eventOf(obj, DomainEventType::Suspended, ed::suspended::kPaused));
  } else {
    obj.state = DomainState::Running;
    obj.reason = driver::running_reason::kBooted;
  }
}

void TestDomainDriver::stopLocked(TestDomainObject& obj, int reason, int detail, Events& events) {
  obj.state = DomainState::Shutoff;
  obj.reason = reason;
  obj.id = -1;
  if (obj.nextDef) {
    obj.def = std::move(*obj.nextDef);
    obj.nextDef.reset();
  }
  events.push_back(eventOf(obj, DomainEventType::Stopped, detail));
  if (!obj.persistent)
    remove(obj);
}

Result<DomainHandle> TestDomainDriver::createLocked(model::DomainDef def, unsigned flags,
                                                    Events& events) {
  if (!def.uuid)
    def.uuid = Uuid::generate();
  TRY_ASSIGN(TestDomainObject * obj, checkDuplicate(def));
  if (obj) {
    if (obj->isActive())
      return makeError(ErrorCode::OperationInvalid, ErrorDomain::Domain,
                       "domain '" + obj->def.name + "' is already active");
    // An inactive persistent guest runs the new definition once; its own stays the next.
    obj->nextDef = std::move(obj->def);
    obj->def = std::move(def);
  } else {
    auto fresh = std::make_unique<TestDomainObject>();
    fresh->def = std::move(def);
    obj = fresh.get();
    objects_.push_back(std::move(fresh));
  }
  startLocked(*obj, flags, events);
  return handleOf(*obj);
}

Result<DomainHandle> TestDomainDriver::defineDomainDef(model::DomainDef def) {
  return withEvents([&](Events& events) { return defineLocked(std::move(def), events); });
}

Result<std::vector<DomainHandle>> TestDomainDriver::listAllDomains(unsigned flags) {
  TRY(checkFlags(flags, hypervisor::allDomainListFlags(), "testConnectListAllDomains"));
  std::lock_guard lock(mutex_);
  std::vector<DomainHandle> out;
  for (const auto& obj : objects_)
    if (hypervisor::matchesDomainListFlags(listFacts(*obj), flags))
      out.push_back(handleOf(*obj));
  return out;
}

Result<DomainHandle> TestDomainDriver::lookupDomainByName(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (TestDomainObject* obj = findByName(name))
    return handleOf(*obj);
  return testError(ErrorCode::NoDomain, "no domain with matching name '" + std::string(name) + "'");
}

Result<DomainHandle> TestDomainDriver::lookupDomainByUuid(const Uuid& uuid) {
  std::lock_guard lock(mutex_);
  if (TestDomainObject* obj = findByUuid(uuid))
    return handleOf(*obj);
  return testError(ErrorCode::NoDomain, "no domain with matching uuid '" + uuid.str() + "'");
}

Result<DomainHandle> TestDomainDriver::lookupDomainById(int id) {
  std::lock_guard lock(mutex_);
  for (const auto& obj : objects_)
    if (obj->isActive() && obj->id == id)
      return handleOf(*obj);
  return testError(ErrorCode::NoDomain, "no domain with matching id " + std::to_string(id));
}

Result<DomainHandle> TestDomainDriver::defineDomain(std::string_view xml, unsigned flags) {
  TRY(checkFlags(flags, driver::define_domain::kValidate, "testDomainDefineXMLFlags"));
  TRY_ASSIGN(model::DomainDef def, parseAndValidate(xml));
  return withEvents([&](Events& events) { return defineLocked(std::move(def), events); });
}

Result<void> TestDomainDriver::undefineDomain(const DomainHandle& dom, unsigned flags) {
  namespace ud = driver::undefine_domain;
  TRY(checkFlags(flags,
                 ud::kManagedSave | ud::kSnapshotsMetadata | ud::kNvram | ud::kKeepNvram |
                     ud::kCheckpointsMetadata | ud::kTpm | ud::kKeepTpm,
                 "testDomainUndefineFlags"));
  return withEvents([&](Events& events) -> Result<void> {
    TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
    if (!obj->persistent)
      return testError(ErrorCode::OperationInvalid, "cannot undefine transient domain");
    events.push_back(eventOf(*obj, DomainEventType::Undefined, ed::undefined::kRemoved));
    if (obj->isActive()) {
      obj->persistent = false;
      obj->nextDef.reset();
    } else {
      remove(*obj);
    }
    return ok();
  });
}

Result<std::string> TestDomainDriver::domainXml(const DomainHandle& dom, unsigned flags) {
  namespace dx = driver::domain_xml;
  TRY(checkFlags(flags, dx::kSecure | dx::kInactive | dx::kUpdateCpu | dx::kMigratable,
                 "testDomainGetXMLDesc"));
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  const model::DomainDef& def = (flags & dx::kInactive) ? obj->persistentDef() : obj->def;
  return hypervisor::domainXmlDesc(def, flags, obj->isActive() ? obj->id : -1);
}

Result<DomainHandle> TestDomainDriver::createDomain(std::string_view xml, unsigned flags) {
  namespace sd = driver::start_domain;
  TRY(checkFlags(flags, sd::kValidate | sd::kPaused, "testDomainCreateXML"));
  TRY_ASSIGN(model::DomainDef def, parseAndValidate(xml));
  return withEvents([&](Events& events) { return createLocked(std::move(def), flags, events); });
}

Result<DomainHandle> TestDomainDriver::startDomain(const DomainHandle& dom, unsigned flags) {
  TRY(checkFlags(flags, driver::start_domain::kPaused, "testDomainCreateWithFlags"));
  return withEvents([&](Events& events) -> Result<DomainHandle> {
    TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
    if (obj->isActive())
      return testError(ErrorCode::OperationInvalid, "domain is already running");
    startLocked(*obj, flags, events);
    return handleOf(*obj);
  });
}

Result<void> TestDomainDriver::destroyDomain(const DomainHandle& dom, unsigned flags) {
  TRY(checkFlags(flags, driver::destroy_domain::kGraceful, "testDomainDestroyFlags"));
  return withEvents([&](Events& events) -> Result<void> {
    TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
    if (!obj->isActive())
      return notRunning();
    stopLocked(*obj, driver::shutoff_reason::kDestroyed, ed::stopped::kDestroyed, events);
    return ok();
  });
}

Result<void> TestDomainDriver::shutdownDomain(const DomainHandle& dom, unsigned flags) {
  TRY(checkFlags(flags, 0, "testDomainShutdownFlags"));
  // libvirt's test driver sends STOPPED SHUTDOWN only (no SHUTDOWN event), and nothing when
  // the poweroff action restarts the guest.
  return withEvents([&](Events& events) -> Result<void> {
    TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
    if (!obj->isActive())
      return testError(ErrorCode::InternalError, "domain '" + obj->def.name + "' not running");
    if (restarts(obj->def.onPoweroff)) {
      obj->state = DomainState::Running;
      obj->reason = driver::running_reason::kBooted;
      return ok();
    }
    stopLocked(*obj, driver::shutoff_reason::kShutdown, ed::stopped::kShutdown, events);
    return ok();
  });
}

Result<void> TestDomainDriver::rebootDomain(const DomainHandle& dom, unsigned flags) {
  namespace sd = driver::shutdown_domain;
  TRY(checkFlags(
      flags, sd::kAcpiPowerButton | sd::kGuestAgent | sd::kInitctl | sd::kSignal | sd::kParavirt,
      "testDomainReboot"));
  // As shutdown: no event for a reboot that restarts, STOPPED SHUTDOWN for one that stops.
  return withEvents([&](Events& events) -> Result<void> {
    TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
    if (!obj->isActive())
      return notRunning();
    if (restarts(obj->def.onReboot)) {
      obj->state = DomainState::Running;
      obj->reason = driver::running_reason::kBooted;
      return ok();
    }
    stopLocked(*obj, driver::shutoff_reason::kShutdown, ed::stopped::kShutdown, events);
    return ok();
  });
}

// libvirt's test driver sends no event for a reset.
Result<void> TestDomainDriver::resetDomain(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  if (!obj->isActive())
    return notRunning();
  return ok();
}

Result<void> TestDomainDriver::suspendDomain(const DomainHandle& dom) {
  return withEvents([&](Events& events) -> Result<void> {
    TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
    if (!obj->isActive() || obj->state == DomainState::Paused)
      return testError(ErrorCode::InternalError, "domain '" + obj->def.name + "' not running");
    obj->state = DomainState::Paused;
    obj->reason = driver::paused_reason::kUser;
    events.push_back(eventOf(*obj, DomainEventType::Suspended, ed::suspended::kPaused));
    return ok();
  });
}

Result<void> TestDomainDriver::resumeDomain(const DomainHandle& dom) {
  return withEvents([&](Events& events) -> Result<void> {
    TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
    if (obj->state != DomainState::Paused)
      return testError(ErrorCode::InternalError, "domain '" + obj->def.name + "' not paused");
    obj->state = DomainState::Running;
    obj->reason = driver::running_reason::kUnpaused;
    events.push_back(eventOf(*obj, DomainEventType::Resumed, ed::resumed::kUnpaused));
    return ok();
  });
}

Result<driver::DomainInfo> TestDomainDriver::domainInfo(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  driver::DomainInfo info;
  info.state = obj->state;
  info.maxMemKiB = obj->def.memoryKiB;
  info.memoryKiB = obj->def.currentMemoryKiB ? obj->def.currentMemoryKiB : obj->def.memoryKiB;
  info.vcpus = obj->def.vcpuCurrent.value_or(obj->def.vcpus);
  info.cpuTimeNs = 0;  // no clock: nothing runs
  return info;
}

Result<driver::DomainStateReason> TestDomainDriver::domainState(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  return driver::DomainStateReason{obj->state, obj->reason};
}

Result<bool> TestDomainDriver::domainIsActive(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  return obj->isActive();
}

Result<bool> TestDomainDriver::domainIsPersistent(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  return obj->persistent;
}

Result<bool> TestDomainDriver::domainAutostart(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  return obj->autostart;
}

Result<void> TestDomainDriver::setDomainAutostart(const DomainHandle& dom, bool autostart) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(TestDomainObject * obj, objectOf(dom));
  obj->autostart = autostart;
  return ok();
}

Result<void> TestDomainDriver::attachDevice(const DomainHandle&, std::string_view, unsigned) {
  return noSupport("virDomainAttachDeviceFlags");
}

Result<void> TestDomainDriver::detachDevice(const DomainHandle&, std::string_view, unsigned) {
  return noSupport("virDomainDetachDeviceFlags");
}

Result<void> TestDomainDriver::updateDevice(const DomainHandle&, std::string_view, unsigned) {
  return noSupport("virDomainUpdateDeviceFlags");
}

Result<driver::BlockInfo> TestDomainDriver::blockInfo(const DomainHandle&, std::string_view) {
  return noSupport("virDomainGetBlockInfo");
}

std::unique_ptr<TestDomainDriver> makeDefaultTestDomainDriver() {
  auto driver = std::make_unique<TestDomainDriver>();
  auto handle = driver->defineDomainDef(defaultTestDomainDef());
  if (handle)
    (void)driver->startDomain(*handle, 0);
  return driver;
}

}  // namespace virtus::testdrv
