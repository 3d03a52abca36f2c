// User and group names of this host, injected: vstorage-mount takes the mount's owner and
// group by name, where a pool definition has numeric ids.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"

namespace virtus::storage::vstorage {

class Accounts {
 public:
  virtual ~Accounts() = default;
  virtual std::uint32_t effectiveUid() const = 0;
  virtual std::uint32_t effectiveGid() const = 0;
  // VIR_ERR_SYSTEM_ERROR "Failed to find user record for uid '1000'" when there is none.
  virtual Result<std::string> userName(std::uint32_t uid) const = 0;
  // VIR_ERR_SYSTEM_ERROR "Failed to find group record for gid '1000'" when there is none.
  virtual Result<std::string> groupName(std::uint32_t gid) const = 0;
};

// The process's ids and the host's user and group databases (getpwuid_r, getgrgid_r).
std::unique_ptr<Accounts> makeHostAccounts();

}  // namespace virtus::storage::vstorage
