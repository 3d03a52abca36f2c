// Whether a TCP port is free on this host, for the ports that QEMU's displays listen on
// (libvirt's virPortAllocator checks them the same way: by binding them for a moment).
#pragma once

namespace virtus::os {

// True when `port` can be bound on every IPv4 and IPv6 address now.
bool tcpPortFree(int port);

}  // namespace virtus::os
