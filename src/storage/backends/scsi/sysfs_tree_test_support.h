// A host's sysfs and /dev laid out in a temporary directory for the tests of the backends
// that read them (scsi, iscsi): files, symbolic links, and SCSI LUNs as the kernel and udev
// make them. The trees of particular hosts build on it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/temp_dir.h"

namespace virtus::storage::scsi::testing {

class SysfsTree {
 public:
  explicit SysfsTree(const char* prefix) : tmp_(prefix) {}

  bool ok() const { return tmp_.ok(); }
  std::string sys() const { return tmp_.file("sys"); }
  std::string dev() const { return tmp_.file("dev"); }
  std::string path(const std::string& relative) const { return tmp_.file(relative); }

  std::string read(const std::string& relative) const {
    std::ifstream in(tmp_.file(relative), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void dir(const std::string& relative) const {
    std::filesystem::create_directories(tmp_.file(relative));
  }
  void file(const std::string& relative, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(tmp_.file(relative)).parent_path());
    tmp_.write(relative, text);
  }
  void link(const std::string& relative, const std::string& to) const {
    std::filesystem::create_directories(std::filesystem::path(tmp_.file(relative)).parent_path());
    std::filesystem::create_symlink(to, tmp_.file(relative));
  }
  void remove(const std::string& relative) const {
    std::filesystem::remove_all(tmp_.file(relative));
  }
  // A LUN under sys/DEVPATH with its /sys/bus/scsi/devices link; no block device when
  // `block` is empty.
  void lun(const std::string& devpath, const std::string& type, const std::string& block,
           std::uint64_t sectors) const {
    file("sys/" + devpath + "/type", type + "\n");
    if (!block.empty())
      file("sys/" + devpath + "/block/" + block + "/size", std::to_string(sectors) + "\n");
    std::string name = std::filesystem::path(devpath).filename().string();
    link("sys/bus/scsi/devices/" + name, "../../../" + devpath);
  }
  // udev's /dev/disk/by-path/NAME link to /dev/DEV.
  void byPath(const std::string& name, const std::string& dev) const {
    link("dev/disk/by-path/" + name, "../../" + dev);
  }

 private:
  fixtures::TempDir tmp_;
};

}  // namespace virtus::storage::scsi::testing
