// Secret procedures over driver::SecretDriver.
#include "daemon/dispatch_handlers.h"

namespace virtus::daemon {

namespace {

using namespace rpc::remote;

Result<HandleValue<Secret>> secretRet(Result<driver::SecretHandle> r) {
  if (!r)
    return std::move(r).error();
  return HandleValue<Secret>{toWire(*r)};
}

}  // namespace

void registerSecretHandlers(HandlerTable& t) {
  t.on<Proc::ConnectListAllSecrets>(
      [](RemoteSession& s, const ListAllArgs& a) -> Result<ListAllRet<Secret>> {
        TRY_ASSIGN(auto secrets, s.secrets().listAllSecrets(a.flags));
        TRY(checkListLimit(secrets.size(), "secrets"));
        ListAllRet<Secret> ret;
        ret.ret = static_cast<std::uint32_t>(secrets.size());
        if (a.needResults)
          for (const auto& x : secrets)
            ret.items.push_back(toWire(x));
        return ret;
      });
  t.on<Proc::ConnectNumOfSecrets>([](RemoteSession& s, const Void&) -> Result<IntValue> {
    TRY_ASSIGN(auto secrets, s.secrets().listAllSecrets(0));
    return IntValue{static_cast<std::int32_t>(secrets.size())};
  });
  t.on<Proc::ConnectListSecrets>([](RemoteSession& s, const IntValue& a) -> Result<NameList> {
    TRY(checkMaxNames(a.value, "secrets"));
    TRY_ASSIGN(auto secrets, s.secrets().listAllSecrets(0));
    NameList ret;
    for (const auto& x : secrets) {
      if (ret.names.size() >= static_cast<std::size_t>(a.value))
        break;
      ret.names.push_back(x.uuid.str());
    }
    return ret;
  });
  t.on<Proc::SecretLookupByUuid>([](RemoteSession& s, const UuidValue& a) {
    return secretRet(s.secrets().lookupSecretByUuid(a.uuid));
  });
  t.on<Proc::SecretLookupByUsage>([](RemoteSession& s, const SecretLookupByUsageArgs& a) {
    return secretRet(s.secrets().lookupSecretByUsage(
        static_cast<driver::SecretUsageType>(a.usageType), a.usageID));
  });
  t.on<Proc::SecretDefineXml>([](RemoteSession& s, const StringFlags& a) {
    return secretRet(s.secrets().defineSecret(a.value, a.flags));
  });
  t.on<Proc::SecretGetXmlDesc>(
      [](RemoteSession& s, const HandleFlags<Secret>& a) -> Result<StringValue> {
        TRY_ASSIGN(auto xml, s.secrets().secretXml(fromWire(a.value), a.flags));
        return StringValue{std::move(xml)};
      });
  t.on<Proc::SecretSetValue>([](RemoteSession& s, const SecretSetValueArgs& a) {
    return s.secrets().setSecretValue(fromWire(a.secret), a.value.bytes, a.flags);
  });
  t.on<Proc::SecretGetValue>(
      [](RemoteSession& s, const HandleFlags<Secret>& a) -> Result<SecretValueRet> {
        // Clients never get private values: `internal` is for the daemon's own use.
        TRY_ASSIGN(auto value, s.secrets().secretValue(fromWire(a.value), a.flags, false));
        SecretValueRet ret;
        ret.value.bytes = std::move(value);
        return ret;
      });
  t.on<Proc::SecretUndefine>([](RemoteSession& s, const HandleValue<Secret>& a) {
    return s.secrets().undefineSecret(fromWire(a.value));
  });
}

}  // namespace virtus::daemon
