// virNetStreamHole (virnetprotocol.x): the payload of a STREAM_HOLE frame, which sparse
// uploads and downloads send for a run of zeros instead of the bytes.
#pragma once

#include <cstdint>

#include "rpc/xdr_codec.h"

namespace virtus::rpc {

struct StreamHole {
  std::int64_t length = 0;
  std::uint32_t flags = 0;  // none defined
  VIRTUS_XDR(length, flags)
};

}  // namespace virtus::rpc
