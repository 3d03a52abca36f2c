#include "cli/cli_context.h"

#include <ostream>
#include <utility>

namespace virtus::cli {

CliContext::CliContext(ConnectionOpener opener, os::FileSystem& fs, std::ostream& out,
                       std::ostream& err)
    : opener_(std::move(opener)), fs_(fs), out_(out), err_(err) {}

CliContext::~CliContext() = default;

driver::StorageDriver* CliContext::storage() {
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
  return connection_ ? &connection_->storage() : nullptr;
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
