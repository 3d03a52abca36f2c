// Fibre Channel hosts and NPIV vHBAs in sysfs, as libvirt 9.0's virvhba.c and its node
// device driver handle them:
//
//   SYS/class/fc_host/hostN/node_name, port_name     "0x2000..." (the WWNN, WWPN)
//   SYS/class/fc_host/hostN/fabric_name              the fabric's WWN
//   SYS/class/fc_host/hostN/port_state               "Online" when usable
//   SYS/class/fc_host/hostN/max_npiv_vports, npiv_vports_inuse
//   SYS/class/fc_host/hostN/vport_create, vport_delete   NPIV-capable HBAs only; writing
//       "WWPN:WWNN" creates / deletes a vHBA, which appears as a new hostM whose device sits
//       below the parent's: .../hostN/vport-N:0-K/hostM
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "os/file_system.h"

namespace virtus::storage::scsi {

enum class VportOp { Create, Remove };

// The fc_host ("host7") whose node_name and port_name are `wwnn` and `wwpn` (compared as
// libvirt compares them: the text after "0x"); nullopt when there is none.
Result<std::optional<std::string>> fcHostByWwn(os::FileSystem& fs, const std::string& sysRoot,
                                               const std::string& wwnn, const std::string& wwpn);

// The vport-capable fc_host on the fabric `fabricWwn`; nullopt when there is none.
Result<std::optional<std::string>> fcHostByFabricWwn(os::FileSystem& fs, const std::string& sysRoot,
                                                     const std::string& fabricWwn);

// The first (lowest-numbered) online fc_host that can create vports and has one left
// (max_npiv_vports > npiv_vports_inuse); nullopt when there is none.
Result<std::optional<std::string>> findVportHost(os::FileSystem& fs, const std::string& sysRoot);

bool fcHostExists(os::FileSystem& fs, const std::string& sysRoot, unsigned host);
// Has SYS/class/fc_host/hostN/vport_create or SYS/class/scsi_host/hostN/vport_create.
bool isVportCapable(os::FileSystem& fs, const std::string& sysRoot, unsigned host);

// The fc_host number of the HBA that vHBA `vhbaHost` ("host7") was created on; nullopt when
// it is no vHBA (a physical HBA).
Result<std::optional<unsigned>> vhbaParent(os::FileSystem& fs, const std::string& sysRoot,
                                           const std::string& vhbaHost);

// Writes "WWPN:WWNN" to vport_create / vport_delete of host `parentHost` (the fc_host
// attribute, else the scsi_host one). VIR_ERR_OPERATION_INVALID "vport operation
// 'vport_create' is not supported for hostN" when neither exists; VIR_ERR_SYSTEM_ERROR
// "Write of 'V' to 'P' during vport create/delete failed: REASON" when the kernel refuses.
Result<void> manageVport(os::FileSystem& fs, const std::string& sysRoot, unsigned parentHost,
                         const std::string& wwpn, const std::string& wwnn, VportOp op);

}  // namespace virtus::storage::scsi
