// DOMAIN_OPEN_CONSOLE: the driver opens the domain's console (errors go in the call's
// reply), then the call's OK reply and a ConsoleStream that moves the bytes both ways.
#include "daemon/console_stream.h"
#include "daemon/dispatch_handlers.h"

namespace virtus::daemon {

using namespace rpc::remote;

void registerConsoleHandlers(HandlerTable& t) {
  t.on<Proc::DomainOpenConsole>(
      [](RemoteSession& s, const DomainOpenConsoleArgs& a) -> Result<void> {
        driver::DomainDriver* d = s.domains();
        if (!d)
          return makeError(ErrorCode::NoSupport, ErrorDomain::Domain,
                           std::string(ProcSpec<Proc::DomainOpenConsole>::kApi));
        TRY_ASSIGN(int fd, d->openConsole(fromWire(a.dom), a.devName.value_or(""), a.flags));
        const rpc::MessageHeader call = s.currentCall();
        auto stream = std::make_shared<ConsoleStream>(s.channel(), call, fd);
        s.addStream(call.serial, stream);
        s.replyOk();
        std::weak_ptr<RemoteSession> session = s.weak_from_this();
        stream->start(s.shared_from_this(), [session, serial = call.serial] {
          if (auto live = session.lock())
            live->removeStream(serial);
        });
        return {};
      });
}

}  // namespace virtus::daemon
