// Shared by the disk backend's tests: parted's output captured on this machine's loop
// devices (testdata/, 256 MiB disks), and a scripted DeviceProbe.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "storage/device_probe.h"
#include "support/fixtures.h"

namespace virtus::storage::disk::testing {

inline std::string testdata(const std::string& name) {
  return fixtures::readFile(std::string(VIRTUS_SOURCE_DIR) +
                            "/src/storage/backends/disk/testdata/" + name);
}

// Answers every probe with `content` (or `error`), remembering the devices it was asked about.
class FakeProbe final : public DeviceProbe {
 public:
  explicit FakeProbe(DeviceContent content, std::vector<std::string>* asked = nullptr)
      : content_(std::move(content)), asked_(asked) {}
  Result<DeviceContent> probe(const std::string& device) override {
    if (asked_)
      asked_->push_back(device);
    return content_;
  }

 private:
  DeviceContent content_;
  std::vector<std::string>* asked_;
};

}  // namespace virtus::storage::disk::testing
