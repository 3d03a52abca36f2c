// The `parted` command lines of the disk backend and parsers of parted's machine-readable
// (-m) output. libvirt 9.0 reads partitions with its own libvirt_parthelper (libparted);
// Virtus reads the same table from `parted -s -m DEV unit B print free`, whose lines are
//
//   BYT;
//   /dev/sda:268435456B:scsi:512:512:msdos:ATA disk:;
//   device:size:transport:lss:pss:label:model:flags 1:32256B:52428799B:52396544B:ext4::boot;
//   number:start:end:size:fs:name:flags 1:52428800B:268435455B:216006656B:free; free space (its
//   number means nothing)
//
// with ends inclusive. Pure functions: the backend runs the commands through its runner.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "os/command.h"

namespace virtus::storage::disk {

// parted -s -m DEV unit B print free
os::Command buildPrint(const std::string& device, std::chrono::milliseconds timeout);
// parted -s -m DEV unit chs print (the BIOS geometry, for cylinder alignment on dos labels)
os::Command buildPrintGeometry(const std::string& device, std::chrono::milliseconds timeout);
// parted DEV mklabel --script LABEL (libvirt's argument order; "dos" is parted's "msdos")
os::Command buildMklabel(const std::string& device, const std::string& label,
                         std::chrono::milliseconds timeout);
// parted DEV mkpart --script PARTFORMAT STARTB ENDB, PARTFORMAT being one argument as libvirt
// passes it ("primary ext2", "logical ext2", "extended", "primary"); end is the last byte.
os::Command buildMkpart(const std::string& device, const std::string& partFormat,
                        std::uint64_t start, std::uint64_t end, std::chrono::milliseconds timeout);
// parted DEV rm --script N
os::Command buildRm(const std::string& device, const std::string& number,
                    std::chrono::milliseconds timeout);

// One line of the table: a partition or a free region (bytes, `end` inclusive as parted
// prints it).
struct PartedEntry {
  bool free = false;
  int number = 0;  // meaningless for free regions
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t size = 0;
  std::string filesystem;
  std::string name;
  std::string flags;
  bool operator==(const PartedEntry&) const = default;
};

struct PartedTable {
  std::string device;
  std::uint64_t size = 0;
  std::uint32_t sectorSize = 512;
  std::string label;  // parted's name: "msdos", "gpt", "unknown" (no label)...
  std::vector<PartedEntry> entries;
};

// `parted -s -m DEV unit B print free`. VIR_ERR_INTERNAL_ERROR naming parted and quoting
// the line for anything else.
Result<PartedTable> parsePrint(std::string_view output);

// Did parted fail because the device has no label it knows ("unrecognised disk label")?
bool isUnrecognisedLabel(std::string_view out, std::string_view err);

struct Geometry {
  std::uint64_t cylinders = 0;
  std::uint64_t heads = 0;
  std::uint64_t sectors = 0;
};

// The "CYLINDERS:HEADS:SECTORS:CYLSIZE;" line of `parted -s -m DEV unit chs print`.
Result<Geometry> parseGeometry(std::string_view output);

}  // namespace virtus::storage::disk
