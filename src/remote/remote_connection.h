// driver::Connection over libvirt's remote protocol: the same client for virtusd and for
// libvirt's own daemons (libvirtd, virtqemud). Opening performs the handshake libvirt's
// client performs (virsh's order: AUTH_LIST, SUPPORTS_FEATURE(keepalive), CONNECT_OPEN,
// the feature questions, the close callback); destruction closes the connection.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "driver/connection.h"
#include "rpc/client.h"
#include "rpc/uri.h"

namespace virtus::remote {

struct RemoteOptions {
  rpc::ClientOptions client;
  bool readOnly = false;
};

// Connects to the URI's socket (socket= or libvirt's default) and opens the connection.
Result<driver::ConnectionPtr> openRemoteConnection(const rpc::ConnectUri& uri,
                                                   const rpc::SocketEnvironment& env,
                                                   RemoteOptions options = {});

// The handshake over an already connected client (tests hand in one end of a socketpair).
// `name` goes into CONNECT_OPEN; `uri` is what uri() reports.
Result<driver::ConnectionPtr> openRemoteConnectionOn(std::unique_ptr<rpc::RpcClient> client,
                                                     const std::string& name,
                                                     const std::string& uri,
                                                     RemoteOptions options = {});

}  // namespace virtus::remote
