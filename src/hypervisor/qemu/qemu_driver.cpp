#include "hypervisor/qemu/qemu_driver.h"

#include <algorithm>

#include "hypervisor/common/domain_list_filter.h"
#include "hypervisor/common/domain_xml_desc.h"
#include "hypervisor/qemu/qemu_domain_address.h"
#include "hypervisor/qemu/qemu_driver_support.h"
#include "model/domain/domain_validate.h"
#include "model/domain/domain_xml.h"

namespace virtus::qemu {

using driver::DomainHandle;
using driver::DomainState;

namespace {

namespace ld = driver::list_domains;

hypervisor::DomainListFacts listFacts(const QemuDomainObject& dom) {
  hypervisor::DomainListFacts f;
  f.active = dom.isActive();
  f.persistent = dom.persistent;
  f.autostart = dom.autostart;
  f.state = dom.state;
  return f;
}

Result<model::DomainDef> parseAndValidate(std::string_view xml) {
  TRY_ASSIGN(model::DomainDef def, model::parseDomainXml(xml));
  TRY(model::validateDomain(def));
  // libvirt's qemuDomainAssignAddresses: PCI slots in the definition, as libvirt gives them.
  TRY(assignPciAddresses(def));
  if (!def.uuid)
    def.uuid = Uuid::generate();
  return def;
}

}  // namespace

QemuDomainDriver::QemuDomainDriver(os::FileSystem& fs, const os::Clock& clock,
                                   QemuDriverConfig config)
    : fs_(fs), clock_(clock), config_(std::move(config)), store_(fs, config_.paths) {
  LoadedQemuDomains loaded = store_.loadAll();
  problems_ = std::move(loaded.problems);
  for (auto& loadedConfig : loaded.configs) {
    auto obj = std::make_shared<QemuDomainObject>();
    obj->def = std::move(loadedConfig.def);
    obj->persistent = true;
    obj->autostart = loadedConfig.autostart;
    objects_.push_back(std::move(obj));
  }
  reconnectAll(std::move(loaded.states));
  if (config_.lockManager)
    config_.lockManager->start(
        [this](const Uuid& uuid, const std::string& reason) { handleLockFailure(uuid, reason); });
}

QemuDomainDriver::~QemuDomainDriver() {
  if (config_.lockManager)
    config_.lockManager->stop();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (auto& obj : objects_) {
      if (!obj->run)
        continue;
      {
        std::lock_guard events(obj->run->eventMutex);
        obj->run->stopWatching = true;
      }
      obj->run->wake();
      if (obj->run->watcher.joinable())
        threads.push_back(std::move(obj->run->watcher));
    }
    for (auto& t : retired_)
      threads.push_back(std::move(t));
    retired_.clear();
  }
  for (auto& t : threads)
    if (t.joinable())
      t.join();
  std::lock_guard lock(mutex_);
  for (auto& t : retired_)
    if (t.joinable())
      t.join();
}

std::string QemuDomainDriver::consoleLogPath(const std::string& name) const {
  return store_.logDir() + "/" + name + ".console.log";
}

QemuDomainDriver::ObjectPtr QemuDomainDriver::findByName(std::string_view name) {
  for (auto& obj : objects_)
    if (obj->def.name == name)
      return obj;
  return nullptr;
}

QemuDomainDriver::ObjectPtr QemuDomainDriver::findByUuid(const Uuid& uuid) {
  for (auto& obj : objects_)
    if (obj->def.uuid == uuid)
      return obj;
  return nullptr;
}

Result<QemuDomainDriver::ObjectPtr> QemuDomainDriver::objectOf(const DomainHandle& dom) {
  if (ObjectPtr obj = findByUuid(dom.uuid))
    return obj;
  return qemuError(ErrorCode::NoDomain,
                   "no domain with matching uuid '" + dom.uuid.str() + "' (" + dom.name + ")");
}

Result<QemuDomainDriver::ObjectPtr> QemuDomainDriver::checkDuplicate(const model::DomainDef& def) {
  const Uuid uuid = def.uuid.value_or(Uuid());
  if (ObjectPtr obj = findByUuid(uuid)) {
    if (obj->def.name != def.name)
      return makeError(ErrorCode::OperationFailed, ErrorDomain::Domain,
                       "domain '" + obj->def.name + "' is already defined with uuid " + uuid.str());
    return obj;
  }
  if (ObjectPtr obj = findByName(def.name))
    return makeError(ErrorCode::OperationFailed, ErrorDomain::Domain,
                     "domain '" + def.name + "' already exists with uuid " +
                         obj->def.uuid.value_or(Uuid()).str());
  return ObjectPtr();
}

void QemuDomainDriver::remove(const QemuDomainObject& obj) {
  std::erase_if(objects_, [&](const auto& o) { return o.get() == &obj; });
}

Result<void> QemuDomainDriver::beginJob(Lock& lock, QemuDomainObject& obj) {
  if (!changed_.wait_for(lock, config_.jobTimeout, [&] { return !obj.job; }))
    return qemuError(ErrorCode::OperationTimeout, "cannot acquire state change lock");
  obj.job = true;
  return ok();
}

void QemuDomainDriver::endJob(QemuDomainObject& obj) {
  obj.job = false;
  changed_.notify_all();
}

Result<std::shared_ptr<QemuRun>> QemuDomainDriver::beginRunningJob(Lock& lock,
                                                                   QemuDomainObject& obj) {
  if (!obj.isActive())
    return notRunning();
  TRY(beginJob(lock, obj));
  std::shared_ptr<QemuRun> run = obj.run;
  if (!obj.isActive() || !run) {
    endJob(obj);
    return notRunning();
  }
  return run;
}

Result<std::vector<DomainHandle>> QemuDomainDriver::listAllDomains(unsigned flags) {
  TRY(checkFlags(flags, hypervisor::allDomainListFlags(), "qemuConnectListAllDomains"));
  std::lock_guard lock(mutex_);
  std::vector<DomainHandle> out;
  for (const auto& obj : objects_)
    if (hypervisor::matchesDomainListFlags(listFacts(*obj), flags))
      out.push_back(handleOf(*obj));
  return out;
}

Result<DomainHandle> QemuDomainDriver::lookupDomainByName(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (ObjectPtr obj = findByName(name))
    return handleOf(*obj);
  return qemuError(ErrorCode::NoDomain, "no domain with matching name '" + std::string(name) + "'");
}

Result<DomainHandle> QemuDomainDriver::lookupDomainByUuid(const Uuid& uuid) {
  std::lock_guard lock(mutex_);
  if (ObjectPtr obj = findByUuid(uuid))
    return handleOf(*obj);
  return qemuError(ErrorCode::NoDomain, "no domain with matching uuid '" + uuid.str() + "'");
}

Result<DomainHandle> QemuDomainDriver::lookupDomainById(int id) {
  std::lock_guard lock(mutex_);
  for (const auto& obj : objects_)
    if (obj->isActive() && obj->id == id)
      return handleOf(*obj);
  return qemuError(ErrorCode::NoDomain, "no domain with matching id " + std::to_string(id));
}

Result<DomainHandle> QemuDomainDriver::defineDomain(std::string_view xml, unsigned flags) {
  TRY(checkFlags(flags, driver::define_domain::kValidate, "qemuDomainDefineXMLFlags"));
  TRY_ASSIGN(model::DomainDef def, parseAndValidate(xml));
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, checkDuplicate(def));
  TRY(store_.saveConfig(def));
  const bool added = !obj || !obj->persistent;
  if (!obj) {
    obj = std::make_shared<QemuDomainObject>();
    obj->def = std::move(def);
    objects_.push_back(obj);
  } else if (obj->isActive()) {
    obj->nextDef = std::move(def);  // the running domain keeps its live definition
  } else {
    obj->def = std::move(def);
  }
  obj->persistent = true;
  const DomainHandle handle = handleOf(*obj);
  lock.unlock();
  events_.publish(
      {handle, driver::DomainEventType::Defined,
       added ? driver::event_detail::defined::kAdded : driver::event_detail::defined::kUpdated});
  return handle;
}

Result<void> QemuDomainDriver::undefineDomain(const DomainHandle& dom, unsigned flags) {
  namespace ud = driver::undefine_domain;
  TRY(checkFlags(flags,
                 ud::kManagedSave | ud::kSnapshotsMetadata | ud::kCheckpointsMetadata | ud::kNvram |
                     ud::kKeepNvram,
                 "qemuDomainUndefineFlags"));
  if ((flags & ud::kNvram) && (flags & ud::kKeepNvram))
    return qemuError(ErrorCode::InvalidArg,
                     "Flags 'VIR_DOMAIN_UNDEFINE_NVRAM' and 'VIR_DOMAIN_UNDEFINE_KEEP_NVRAM' are "
                     "mutually exclusive");
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  if (!obj->persistent)
    return qemuError(ErrorCode::OperationInvalid, "cannot undefine transient domain");
  // A UEFI guest's variable store goes with it only when asked (--nvram), stays with
  // --keep-nvram, and without either the undefine is refused, as libvirt does.
  const std::string nvram = obj->persistentDef().os.nvram;
  if (!nvram.empty() && fs_.exists(nvram)) {
    if (flags & ud::kNvram) {
      if (auto removed = fs_.removeFile(nvram); !removed)
        return qemuError(ErrorCode::SystemError,
                         "failed to remove nvram: " + removed.error().message);
    } else if (!(flags & ud::kKeepNvram)) {
      return qemuError(ErrorCode::OperationInvalid, "cannot undefine domain with nvram");
    }
  }
  TRY(store_.setAutostart(obj->def.name, false));
  TRY(store_.deleteConfig(obj->def.name));
  obj->autostart = false;
  const DomainHandle handle = handleOf(*obj);
  if (obj->isActive()) {
    obj->persistent = false;
    obj->nextDef.reset();
  } else {
    remove(*obj);
  }
  lock.unlock();
  events_.publish(
      {handle, driver::DomainEventType::Undefined, driver::event_detail::undefined::kRemoved});
  return ok();
}

Result<std::string> QemuDomainDriver::domainXml(const DomainHandle& dom, unsigned flags) {
  namespace dx = driver::domain_xml;
  TRY(checkFlags(flags, dx::kSecure | dx::kInactive | dx::kUpdateCpu | dx::kMigratable,
                 "qemuDomainGetXMLDesc"));
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  const model::DomainDef& def = (flags & dx::kInactive) ? obj->persistentDef() : obj->def;
  return hypervisor::domainXmlDesc(def, flags, obj->isActive() ? obj->id : -1);
}

Result<DomainHandle> QemuDomainDriver::createDomain(std::string_view xml, unsigned flags) {
  namespace sd = driver::start_domain;
  TRY(checkFlags(flags, sd::kValidate | sd::kPaused, "qemuDomainCreateXML"));
  TRY_ASSIGN(model::DomainDef def, parseAndValidate(xml));
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, checkDuplicate(def));
  if (obj) {
    TRY(beginJob(lock, *obj));
    if (obj->isActive()) {
      endJob(*obj);
      return qemuError(ErrorCode::OperationInvalid,
                       "domain '" + obj->def.name + "' is already active");
    }
    // An inactive persistent domain runs the new definition once; its own stays the next.
    obj->nextDef = std::move(obj->def);
    obj->def = std::move(def);
  } else {
    obj = std::make_shared<QemuDomainObject>();
    obj->def = std::move(def);
    obj->job = true;
    objects_.push_back(obj);
  }
  return launch(lock, obj, flags);
}

Result<DomainHandle> QemuDomainDriver::startDomain(const DomainHandle& dom, unsigned flags) {
  TRY(checkFlags(flags, driver::start_domain::kPaused, "qemuDomainCreateWithFlags"));
  Lock lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  if (obj->isActive())
    return qemuError(ErrorCode::OperationInvalid, "domain is already running");
  TRY(beginJob(lock, *obj));
  if (obj->isActive()) {
    endJob(*obj);
    return qemuError(ErrorCode::OperationInvalid, "domain is already running");
  }
  return launch(lock, obj, flags);
}

Result<driver::DomainInfo> QemuDomainDriver::domainInfo(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  driver::DomainInfo info;
  info.state = obj->state;
  info.maxMemKiB = obj->def.memoryKiB;
  info.memoryKiB = obj->def.currentMemoryKiB ? obj->def.currentMemoryKiB : obj->def.memoryKiB;
  info.vcpus = obj->def.vcpuCurrent.value_or(obj->def.vcpus);
  info.cpuTimeNs = 0;  // not measured yet
  return info;
}

Result<driver::DomainStateReason> QemuDomainDriver::domainState(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  return driver::DomainStateReason{obj->state, obj->reason};
}

Result<bool> QemuDomainDriver::domainIsActive(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  return obj->isActive();
}

Result<bool> QemuDomainDriver::domainIsPersistent(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  return obj->persistent;
}

Result<bool> QemuDomainDriver::domainAutostart(const DomainHandle& dom) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  return obj->autostart;
}

Result<void> QemuDomainDriver::setDomainAutostart(const DomainHandle& dom, bool autostart) {
  std::lock_guard lock(mutex_);
  TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
  if (!obj->persistent)
    return qemuError(ErrorCode::OperationInvalid, "cannot set autostart for transient domain");
  TRY(store_.setAutostart(obj->def.name, autostart));
  obj->autostart = autostart;
  return ok();
}

}  // namespace virtus::qemu
