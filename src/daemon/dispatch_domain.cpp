// Domain listing. Virtus has no domain driver yet (it arrives with the QEMU driver), so
// there are no domains: the lists are truthfully empty, which lets `virsh list` and
// clients that enumerate domains at connect time work against virtusd.
#include "daemon/dispatch_handlers.h"

namespace virtus::daemon {

namespace {
using namespace rpc::remote;
}  // namespace

void registerDomainHandlers(HandlerTable& t) {
  t.on<Proc::ConnectListAllDomains>(
      [](RemoteSession&, const ListAllArgs&) -> Result<ListAllRet<Domain>> {
        return ListAllRet<Domain>{};
      });
  t.on<Proc::ConnectNumOfDomains>(
      [](RemoteSession&, const Void&) -> Result<IntValue> { return IntValue{0}; });
  t.on<Proc::ConnectNumOfDefinedDomains>(
      [](RemoteSession&, const Void&) -> Result<IntValue> { return IntValue{0}; });
  t.on<Proc::ConnectListDomains>([](RemoteSession&, const IntValue& a) -> Result<IdList> {
    TRY(checkMaxNames(a.value, "domains"));
    return IdList{};
  });
  t.on<Proc::ConnectListDefinedDomains>([](RemoteSession&, const IntValue& a) -> Result<NameList> {
    TRY(checkMaxNames(a.value, "domains"));
    return NameList{};
  });
}

}  // namespace virtus::daemon
