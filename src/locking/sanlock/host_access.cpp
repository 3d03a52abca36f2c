#include "locking/sanlock/host_access.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>

#include <chrono>
#include <vector>

namespace virtus::locking::sanlock {

namespace {

std::optional<std::uint32_t> numericId(const std::string& text) {
  std::string digits = !text.empty() && text.front() == '+' ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 10)
    return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value >= 0xffffffffULL)
    return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

}  // namespace

bool processExists(pid_t pid) {
  return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH);
}

Result<std::uint32_t> resolveUser(const std::string& user) {
  if (!user.empty() && user.front() == '+') {
    if (auto id = numericId(user))
      return *id;
  }
  std::vector<char> buf(16384);
  struct passwd pw;
  struct passwd* found = nullptr;
  if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) == 0 && found)
    return static_cast<std::uint32_t>(found->pw_uid);
  if (auto id = numericId(user))
    return *id;
  return makeError(ErrorCode::InvalidArg, ErrorDomain::Locking,
                   "Failed to parse user '" + user + "'");
}

Result<std::uint32_t> resolveGroup(const std::string& group) {
  if (!group.empty() && group.front() == '+') {
    if (auto id = numericId(group))
      return *id;
  }
  std::vector<char> buf(16384);
  struct group gr;
  struct group* found = nullptr;
  if (::getgrnam_r(group.c_str(), &gr, buf.data(), buf.size(), &found) == 0 && found)
    return static_cast<std::uint32_t>(found->gr_gid);
  if (auto id = numericId(group))
    return *id;
  return makeError(ErrorCode::InvalidArg, ErrorDomain::Locking,
                   "Failed to parse group '" + group + "'");
}

std::int64_t wallSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace virtus::locking::sanlock
