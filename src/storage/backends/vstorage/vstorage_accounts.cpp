#include "storage/backends/vstorage/vstorage_accounts.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace virtus::storage::vstorage {

namespace {

Error notFound(int rc, const std::string& message) {
  if (rc != 0)
    return systemError(ErrorDomain::Storage, rc, message);
  return makeError(ErrorCode::SystemError, ErrorDomain::Storage, message);
}

class HostAccounts final : public Accounts {
 public:
  std::uint32_t effectiveUid() const override { return ::geteuid(); }
  std::uint32_t effectiveGid() const override { return ::getegid(); }

  Result<std::string> userName(std::uint32_t uid) const override {
    std::vector<char> buf(16384);
    struct passwd pw;
    struct passwd* found = nullptr;
    int rc;
    while ((rc = ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found)) == ERANGE)
      buf.resize(buf.size() * 2);
    if (rc != 0 || found == nullptr)
      return notFound(rc, "Failed to find user record for uid '" + std::to_string(uid) + "'");
    return std::string(found->pw_name);
  }

  Result<std::string> groupName(std::uint32_t gid) const override {
    std::vector<char> buf(16384);
    struct group gr;
    struct group* found = nullptr;
    int rc;
    while ((rc = ::getgrgid_r(gid, &gr, buf.data(), buf.size(), &found)) == ERANGE)
      buf.resize(buf.size() * 2);
    if (rc != 0 || found == nullptr)
      return notFound(rc, "Failed to find group record for gid '" + std::to_string(gid) + "'");
    return std::string(found->gr_name);
  }
};

}  // namespace

std::unique_ptr<Accounts> makeHostAccounts() {
  return std::make_unique<HostAccounts>();
}

}  // namespace virtus::storage::vstorage
