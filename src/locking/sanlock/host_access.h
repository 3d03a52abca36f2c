// The few host facts the sanlock driver needs outside files and sanlock itself: whether a
// process still exists, user and group ids by name, and the time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace virtus::locking::sanlock {

// False once `pid` is gone (kill(pid, 0) fails with ESRCH); a zombie still exists.
bool processExists(pid_t pid);

// A user or group as qemu-sanlock.conf names it: a name, or a number ("107" or "+107").
// VIR_ERR_INVALID_ARG when unknown, as libvirt's virGetUserID.
Result<std::uint32_t> resolveUser(const std::string& user);
Result<std::uint32_t> resolveGroup(const std::string& group);

// Seconds since the epoch.
std::int64_t wallSeconds();

}  // namespace virtus::locking::sanlock
