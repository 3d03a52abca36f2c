#include "hypervisor/test/test_default_domain.h"

namespace virtus::testdrv {

model::DomainDef defaultTestDomainDef() {
  model::DomainDef def;
  def.virtType = "test";
  def.name = kDefaultDomainName;
  def.uuid = Uuid::parse(kDefaultDomainUuid);
  def.memoryKiB = 8388608;
  def.currentMemoryKiB = 2097152;
  def.vcpus = 2;
  def.os.type = "hvm";
  return def;
}

}  // namespace virtus::testdrv
