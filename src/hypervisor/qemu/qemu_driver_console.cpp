// virsh console for the QEMU driver: QEMU's pty chardevs are learnt from query-chardev once
// the monitor is up, shown in the live XML, and opened for one console session per domain.
// The session's descriptor belongs to the caller; the driver keeps a duplicate, so that it
// can tell whether the caller still holds that descriptor (kcmp: the same open file) and,
// for a forced open, end it by putting /dev/null in its place (its reader sees end of file).
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "hypervisor/qemu/qemu_console.h"
#include "hypervisor/qemu/qemu_driver.h"
#include "hypervisor/qemu/qemu_driver_support.h"

namespace virtus::qemu {

using driver::DomainHandle;
namespace cf = driver::console_flags;

QemuConsoleSession::~QemuConsoleSession() {
  if (heldFd >= 0)
    ::close(heldFd);
}

namespace {

// Whether `session`'s caller still has its descriptor open on the pty the driver gave.
bool sessionActive(const QemuConsoleSession& session) {
  if (session.callerFd < 0 || session.heldFd < 0)
    return false;
  const pid_t self = ::getpid();
  return ::syscall(SYS_kcmp, self, self, KCMP_FILE, session.callerFd, session.heldFd) == 0;
}

// Ends an active session: its descriptor now reads end of file from /dev/null.
void endSession(QemuConsoleSession& session) {
  if (sessionActive(session)) {
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (null >= 0) {
      (void)::dup3(null, session.callerFd, O_CLOEXEC);
      ::close(null);
    }
  }
  if (session.heldFd >= 0)
    ::close(session.heldFd);
  session.heldFd = -1;
  session.callerFd = -1;
}

Error activeSession() {
  return qemuError(ErrorCode::OperationFailed, "Active console session exists for this domain");
}

}  // namespace

Result<void> QemuDomainDriver::learnPtyPaths(QemuRun& run) {
  TRY_ASSIGN(nlohmann::json chardevs, run.qmp->execute("query-chardev", commandDeadline()));
  run.ptyPaths = parsePtyPaths(chardevs);
  return ok();
}

void QemuDomainDriver::applyPtyPaths(model::DomainDef& def, const QemuRun& run) {
  setPtyPaths(def, run.ptyPaths);
}

Result<int> QemuDomainDriver::openConsole(const DomainHandle& dom, std::string_view devName,
                                          unsigned flags) {
  TRY(checkFlags(flags, cf::kSafe | cf::kForce, "qemuDomainOpenConsole"));
  std::string path;
  std::shared_ptr<QemuRun> run;
  {
    std::lock_guard lock(mutex_);
    TRY_ASSIGN(ObjectPtr obj, objectOf(dom));
    if (!obj->isActive() || !obj->run)
      return notRunning();
    TRY_ASSIGN(ConsoleTarget target, findConsole(obj->def, devName));
    run = obj->run;
    auto it = run->ptyPaths.find(target.chardev);
    if (it == run->ptyPaths.end())
      return qemuError(ErrorCode::OperationFailed,
                       "the pty of character device " + target.alias + " is not known");
    path = it->second;
    if (!(flags & cf::kForce) && sessionActive(run->console))
      return activeSession();
  }
  // Opening a pty does not block, but it stays out of the lock all the same.
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return qemuError(ErrorCode::OperationFailed,
                     "cannot open console pty '" + path + "': " + std::strerror(errno));
  const int held = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (held < 0) {
    const int err = errno;
    ::close(fd);
    return qemuError(ErrorCode::OperationFailed,
                     std::string("cannot open console pty '") + path + "': " + std::strerror(err));
  }
  std::lock_guard lock(mutex_);
  auto fail = [&](Error e) -> Result<int> {
    ::close(held);
    ::close(fd);
    return e;
  };
  auto obj = objectOf(dom);
  if (!obj || (*obj)->run != run)
    return fail(notRunning());
  // Another open may have won meanwhile.
  if (!(flags & cf::kForce) && sessionActive(run->console))
    return fail(activeSession());
  endSession(run->console);
  run->console.callerFd = fd;
  run->console.heldFd = held;
  return fd;
}

}  // namespace virtus::qemu
