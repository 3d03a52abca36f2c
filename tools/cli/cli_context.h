// What every command of the `virtus` client works with: the connection (opened on first
// use), the output streams and virsh's reporting conventions ("error: MESSAGE" on stderr,
// informational lines suppressed by --quiet).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "common/result.h"
#include "driver/connection.h"

namespace virtus::os {
class FileSystem;
}

namespace virtus::cli {

using ConnectionOpener = std::function<Result<driver::ConnectionPtr>()>;

class CliContext {
 public:
  CliContext(ConnectionOpener opener, os::FileSystem& fs, std::ostream& out, std::ostream& err);
  ~CliContext();

  // The storage driver of the connection, opened on first use. On failure the error has
  // been reported as virsh does ("failed to connect to the hypervisor").
  driver::StorageDriver* storage();
  // The domain driver of the connection, opened on first use. The in-process connection has
  // none: that is reported ("domains need a daemon connection") and null returned.
  driver::DomainDriver* domains();

  os::FileSystem& fs() { return fs_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // -q: no informational messages, no table headers, no blank line after a command.
  bool quiet() const { return quiet_; }
  void setQuiet(bool quiet) { quiet_ = quiet; }
  // Progress bars are drawn (on stderr) only when stdout is a terminal.
  bool showProgress() const { return showProgress_; }
  void setShowProgress(bool show) { showProgress_ = show; }
  // Commands whose output is machine-readable (--json, `virtus xml`) ask for no trailing
  // blank line.
  void suppressTrailingNewline() { trailingNewline_ = false; }
  bool trailingNewline() const { return trailingNewline_ && !quiet_; }

  // virsh's vshPrintExtra: an informational line, dropped with --quiet.
  void printExtra(std::string_view text);
  // virsh's vshError: "error: MESSAGE" on stderr.
  void error(std::string_view message);
  // A library call failed: its error as libvirt presents it ("error: Storage pool not
  // found: ...").
  void reportError(const Error& cause);
  // The usual pair: the command's own message, then the library's error. Returns false so
  // that handlers can `return ctx.fail(...)`.
  bool fail(std::string_view message, const Error& cause);

  // The process exit status: 1 once any command failed.
  void markFailed() { failed_ = true; }
  bool failed() const { return failed_; }

 private:
  // The connection, opened on first use; null (and reported) when opening failed.
  driver::Connection* connection();

  ConnectionOpener opener_;
  driver::ConnectionPtr connection_;
  bool openFailed_ = false;
  os::FileSystem& fs_;
  std::ostream& out_;
  std::ostream& err_;
  bool quiet_ = false;
  bool showProgress_ = false;
  bool trailingNewline_ = true;
  bool failed_ = false;
};

}  // namespace virtus::cli
