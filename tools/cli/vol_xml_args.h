// Volume XML the CLI writes itself: vol-create-as's definition (as virsh 9.0 builds it) and
// vol-clone's copy of a volume's XML under a new name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace virtus::cli {

struct VolAsArgs {
  std::string name;
  std::string capacity;  // as typed: "10G"
  std::optional<std::string> allocation;
  std::optional<std::string> format;
  std::optional<std::string> backingVol;
  std::optional<std::string> backingVolFormat;
};

// <volume><name/><capacity/>[<allocation/>][<target><format/></target>][<backingStore>…]
// with the sizes already scaled to bytes and the backing volume resolved to its path.
// Values are inserted unescaped, like virsh.
std::string buildVolXml(const VolAsArgs& args, std::uint64_t capacity,
                        std::optional<std::uint64_t> allocation,
                        const std::optional<std::string>& backingPath);

// The same document with /volume/name set to newName (escaped as XML requires).
Result<std::string> renameVolXml(std::string_view xml, std::string_view newName);

}  // namespace virtus::cli
