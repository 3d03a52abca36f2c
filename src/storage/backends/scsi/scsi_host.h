// Naming a SCSI host the way a scsi pool's <adapter type='scsi_host'> does, as libvirt 9.0's
// virscsihost.c resolves it:
//
//   name='host5' (also 'scsi_host5', 'fc_host5', 'vhba_host5')      the number in the name
//   <parentaddr unique_id='N'><address domain= bus= slot= function=/> the host under that
//       PCI device whose SYS/class/scsi_host/hostM/unique_id is N
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/pool_def.h"
#include "os/file_system.h"

namespace virtus::storage::scsi {

// 5 for "host5", "scsi_host5", "fc_host5", "vhba_host5"; VIR_ERR_INTERNAL_ERROR "Invalid
// adapter name 'X' for SCSI pool" for anything else.
Result<unsigned> scsiHostNumber(std::string_view name);

// "0000:00:1f.2", as libvirt prints a PCI address to search for it.
std::string pciAddressText(const model::PciAddress& addr);

// The name ("host5") of the SCSI host below PCI device `addr` with unique_id `uniqueId`.
// libvirt looks for the address in the resolved path of SYS/class/scsi_host/hostN; this
// walks up from that directory to find the PCI device among its ancestors, which is the same
// test without reading links. VIR_ERR_XML_ERROR "Failed to find scsi_host using PCI 'A' and
// unique_id='N'" when there is none.
Result<std::string> hostByParentAddr(os::FileSystem& fs, const std::string& sysRoot,
                                     const model::PciAddress& addr, unsigned uniqueId);

}  // namespace virtus::storage::scsi
