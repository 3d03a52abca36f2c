// What QEMU announces when a client connects to its QMP socket:
//   {"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0}, "package": "..."},
//            "capabilities": ["oob"]}}
#pragma once

#include <string>
#include <vector>

namespace virtus::qemu {

struct QmpVersion {
  int major = 0;
  int minor = 0;
  int micro = 0;
  std::string package;  // the distribution's build ("Debian 1:7.2+dfsg-7"), may be empty

  // QEMU's own encoding, major * 1000000 + minor * 1000 + micro (libvirt compares these).
  long number() const { return major * 1000000L + minor * 1000L + micro; }
};

struct QmpGreeting {
  QmpVersion version;
  std::vector<std::string> capabilities;  // optional protocol features offered ("oob")
};

}  // namespace virtus::qemu
