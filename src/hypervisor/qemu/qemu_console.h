// Which character device a console request names, and where QEMU put the ptys: the pure
// parts of virDomainOpenConsole for the QEMU driver (qemu_driver_console.cpp runs them).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// query-chardev's answer: the pty path of each pty chardev by chardev id, from its
// "filename": "pty:/dev/pts/N". Other chardevs and malformed entries are skipped.
std::map<std::string, std::string> parsePtyPaths(const nlohmann::json& chardevs);

// The character device behind a console name and the QEMU chardev that carries it.
struct ConsoleTarget {
  std::string alias;    // serial0, console1, ...
  std::string chardev;  // charserial0, ...; empty when QEMU has none for it
  bool pty = false;
};

// libvirt's lookup: `devName` is a console's alias, else a serial's (serialN); empty is
// the first console, else the first serial. INTERNAL_ERROR "cannot find character device
// X" and "character device X is not using a PTY" as libvirt reports them.
Result<ConsoleTarget> findConsole(const model::DomainDef& def, std::string_view devName);

// The live definition's pty paths: each pty serial's source path, and the first console's
// when it mirrors the first serial.
void setPtyPaths(model::DomainDef& def, const std::map<std::string, std::string>& ptys);

}  // namespace virtus::qemu
