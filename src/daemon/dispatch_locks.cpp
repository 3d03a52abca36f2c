// VIRTUS_LOCK_LIST (Virtus's own call, behind `virtus lock-list`): every lock the host's
// lock manager holds and the state of its lockspaces, as JSON (locking/lock_report_json.h).
#include "common/check_flags.h"
#include "daemon/dispatch_handlers.h"
#include "locking/lock_report_json.h"

namespace virtus::daemon {

using namespace rpc::remote;

void registerLockHandlers(HandlerTable& t) {
  t.on<Proc::VirtusLockList>([](RemoteSession& s, const UintValue& a) -> Result<StringValue> {
    TRY(checkFlags(a.value, 0, "virtusLockList", ErrorDomain::Locking));
    locking::LockReport report;
    report.driver = "nop";
    if (locking::LockManager* locks = s.services().locks) {
      TRY_ASSIGN(report, locks->report());
    }
    return StringValue{locking::lockReportToJson(report)};
  });
}

}  // namespace virtus::daemon
