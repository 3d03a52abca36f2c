// <timestamps> of a volume target: atime/mtime/ctime/btime as "SECONDS[.NANOSECONDS]".
// libvirt only writes them (from stat); parsing is offered for our own state files and
// for tests.
#pragma once

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/storage/storage_common.h"
#include "model/xml/xml_writer.h"

namespace virtus::model {

// "1341933637.273190990" -> {1341933637, 273190990}; "5" -> {5, 0}; "1.5" -> {1, 500000000}
// (storagevol.rng: [0-9]+(\.[0-9]{0,9})?). nullopt when malformed.
std::optional<Timestamp> parseTimestamp(std::string_view text);
// Seconds, then ".%09d" nanoseconds only when they are not zero, as libvirt.
std::string formatTimestamp(const Timestamp& ts);

// `node` is the <timestamps> element. Malformed values: VIR_ERR_XML_ERROR naming them.
Result<StorageTimestamps> parseStorageTimestamps(pugi::xml_node node);

// libvirt's order: atime, mtime, ctime, btime; entries with negative nanoseconds
// (libvirt's "unknown") are skipped. The element is always written: whether there are
// timestamps at all is the caller's (libvirt's) decision.
void formatStorageTimestamps(XmlWriter& w, const StorageTimestamps& ts);

}  // namespace virtus::model
