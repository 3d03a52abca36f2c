// A device definition given on its own, as virDomainAttachDeviceFlags,
// virDomainDetachDeviceFlags and virDomainUpdateDeviceFlags take it: the XML of one device
// element (`<disk ...>...</disk>`), parsed like the same element inside <devices> and
// completed with the defaults libvirt's post-parse gives it in the domain it is meant for.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::model {

struct DeviceDef {
  std::string element;          // the root element's name: "disk", "interface", ...
  std::optional<DiskDef> disk;  // for "disk"
};

// Malformed XML fails as a domain definition does (VIR_ERR_XML_DETAIL). Elements other than
// <disk> are returned with only their name, for the caller to refuse by name.
Result<DeviceDef> parseDeviceXml(std::string_view xml);

// The defaults of a disk added to a domain: its source normalised (default ports, the iSCSI
// LUN) and its drive address from the target name, as virDomainDefPostParse gives them.
void applyDiskDefaults(DiskDef& disk);

// virDomainDefAddDiskControllersForType for every disk bus that uses controllers: the
// controllers the disks' drive addresses need.
void addMissingDiskControllers(DomainDef& def);

}  // namespace virtus::model
