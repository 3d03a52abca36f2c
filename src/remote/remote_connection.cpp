#include "remote/remote_connection.h"

#include <utility>

#include "remote/remote_domain_driver.h"
#include "remote/remote_secret_driver.h"
#include "remote/remote_storage_driver.h"

namespace virtus::remote {

namespace {

using rpc::remote::Feature;
using rpc::remote::Proc;

constexpr std::int32_t kAuthNone = 0;

std::string_view authName(std::int32_t type) {
  switch (type) {
    case 1:
      return "sasl";
    case 2:
      return "polkit";
    default:
      return "unknown";
  }
}

class RemoteConnection final : public driver::Connection {
 public:
  RemoteConnection(std::unique_ptr<rpc::RpcClient> client, std::string uri)
      : client_(std::move(client)),
        uri_(std::move(uri)),
        storage_(*client_),
        secrets_(*client_),
        domains_(*client_) {}

  ~RemoteConnection() override {
    if (!opened_ || !client_->connected())
      return;
    // Errors cannot be reported from here, and the daemon drops the connection's state
    // when the socket closes anyway.
    if (closeCallback_)
      (void)client_->call<Proc::ConnectUnregisterCloseCallback>({});
    (void)client_->call<Proc::ConnectClose>({});
  }

  // libvirt's client handshake, in virsh's order (wire.md, "Handshake sequence").
  Result<void> open(const std::string& name, bool readOnly) {
    auto auth = client_->call<Proc::AuthList>({});
    if (auth) {
      bool none = auth->types.empty();
      for (std::int32_t t : auth->types)
        none = none || t == kAuthNone;
      if (!none)
        return makeError(ErrorCode::NoSupport, ErrorDomain::Remote,
                         "the daemon requires '" + std::string(authName(auth->types.front())) +
                             "' authentication, which virtus does not support yet");
    } else if (auth.error().code != ErrorCode::NoSupport) {
      return std::move(auth).error();  // a daemon without AUTH_LIST needs no authentication
    }
    (void)supports(Feature::ProgramKeepalive);
    rpc::remote::ConnectOpenArgs args;
    args.name = name;
    args.flags = readOnly ? rpc::remote::kOpenReadOnly : 0;
    TRY(client_->call<Proc::ConnectOpen>(args));
    opened_ = true;
    (void)supports(Feature::RemoteEventCallback);
    if (supports(Feature::RemoteCloseCallback))
      closeCallback_ = static_cast<bool>(client_->call<Proc::ConnectRegisterCloseCallback>({}));
    return ok();
  }

  driver::StorageDriver& storage() override { return storage_; }
  driver::SecretDriver& secrets() override { return secrets_; }
  // Whatever the URI names: a daemon without a hypervisor behind it answers each domain
  // call with its own error.
  driver::DomainDriver* domains() override { return &domains_; }
  std::string uri() const override { return uri_; }

 private:
  // As libvirt's client: an error answer means "not supported".
  bool supports(Feature feature) {
    auto r = client_->call<Proc::ConnectSupportsFeature>({static_cast<std::int32_t>(feature)});
    return r && r->value != 0;
  }

  std::unique_ptr<rpc::RpcClient> client_;
  std::string uri_;
  RemoteStorageDriver storage_;
  RemoteSecretDriver secrets_;
  RemoteDomainDriver domains_;
  bool opened_ = false;
  bool closeCallback_ = false;
};

}  // namespace

Result<driver::ConnectionPtr> openRemoteConnectionOn(std::unique_ptr<rpc::RpcClient> client,
                                                     const std::string& name,
                                                     const std::string& uri,
                                                     RemoteOptions options) {
  auto connection = std::make_unique<RemoteConnection>(std::move(client), uri);
  TRY(connection->open(name, options.readOnly));
  return driver::ConnectionPtr(std::move(connection));
}

Result<driver::ConnectionPtr> openRemoteConnection(const rpc::ConnectUri& uri,
                                                   const rpc::SocketEnvironment& env,
                                                   RemoteOptions options) {
  if (uri.embedded())
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Remote,
                     "the URI '" + uri.text + "' names an in-process connection, not a daemon");
  TRY_ASSIGN(auto client,
             rpc::RpcClient::connectUnix(rpc::unixSocketPath(uri, env), options.client));
  return openRemoteConnectionOn(std::move(client), rpc::connectOpenName(uri), uri.text, options);
}

}  // namespace virtus::remote
