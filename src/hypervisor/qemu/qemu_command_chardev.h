// Pieces of QEMU's "key=value,..." options shared by the builders of the command line: value
// escaping and the -chardev backends of serial ports and channels (libvirt's
// qemuBuildChardevCommand for the pty, file and unix source types).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/domain/domain_def.h"

namespace virtus::qemu {

// A value inside a QEMU "key=value,..." option: commas are doubled.
std::string escapeOptionValue(std::string_view value);

// The -chardev value for `src` with id `id` ("pty,id=charserial0",
// "socket,id=charchannel0,path=...,server=on,wait=off"). CONFIG_UNSUPPORTED for the other
// source types.
Result<std::string> chardevBackend(const model::ChrSourceDef& src, const std::string& id);

}  // namespace virtus::qemu
