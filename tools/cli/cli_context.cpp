#include "cli/cli_context.h"

#include <ostream>
#include <utility>

namespace virtus::cli {

CliContext::CliContext(ConnectionOpener opener, os::FileSystem& fs, std::ostream& out,
                       std::ostream& err)
    : opener_(std::move(opener)), fs_(fs), out_(out), err_(err) {}

CliContext::~CliContext() = default;

driver::Connection* CliContext::connection() {
  if (!connection_ && !openFailed_) {
    auto opened =
        opener_ ? opener_()
                : Result<driver::ConnectionPtr>(makeError(ErrorCode::NoConnect, ErrorDomain::None,
                                                          "no connection driver available"));
    if (!opened) {
      openFailed_ = true;
      fail("failed to connect to the hypervisor", opened.error());
      return nullptr;
    }
    connection_ = std::move(opened).value();
  }
  return connection_.get();
}

driver::StorageDriver* CliContext::storage() {
  auto* conn = connection();
  return conn ? &conn->storage() : nullptr;
}

driver::DomainDriver* CliContext::domains() {
  auto* conn = connection();
  if (!conn)
    return nullptr;
  driver::DomainDriver* domains = conn->domains();
  if (!domains) {
    error("domains need a daemon connection: '" + conn->uri() +
          "' is the in-process connection, which manages storage and secrets only; connect to "
          "virtusd or libvirtd with -c URI (for example -c qemu:///system)");
  }
  return domains;
}

void CliContext::printExtra(std::string_view text) {
  if (!quiet_)
    out_ << text;
}

void CliContext::error(std::string_view message) {
  err_ << "error: " << message << '\n';
}

void CliContext::reportError(const Error& cause) {
  error(cause.text());
}

bool CliContext::fail(std::string_view message, const Error& cause) {
  error(message);
  reportError(cause);
  return false;
}

}  // namespace virtus::cli
