// The guest libvirt's test:///default connection starts with: 'test', running with id 1.
#pragma once

#include "model/domain/domain_def.h"

namespace virtus::testdrv {

inline constexpr const char* kDefaultDomainName = "test";
inline constexpr const char* kDefaultDomainUuid = "6695eb01-f6a4-8304-79aa-97f2502e193f";

// <domain type='test'> named 'test' with that uuid, 8 GiB of memory of which 2 GiB current,
// 2 vcpus, an hvm guest. Built in code: the domain XML parser admits only kvm and qemu.
model::DomainDef defaultTestDomainDef();

}  // namespace virtus::testdrv
