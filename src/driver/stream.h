// Data moving in or out of a volume as libvirt's (sparse) streams carry it: runs of bytes
// and holes. The CLI connects them to local files; the daemon, later, to RPC streams.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"

namespace virtus::driver {

struct StreamChunk {
  enum class Kind { Data, Hole, End };
  Kind kind = Kind::End;
  std::string data;              // Kind::Data
  std::uint64_t holeLength = 0;  // Kind::Hole
};

// Where an upload reads from.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // The next run: at most maxBytes of data, a hole (only for sparse streams), or End.
  virtual Result<StreamChunk> next(std::size_t maxBytes) = 0;
};

// Where a download writes to.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual Result<void> write(std::span<const char> data) = 0;
  // Only called for sparse streams.
  virtual Result<void> hole(std::uint64_t length) = 0;
  virtual Result<void> finish() = 0;
};

}  // namespace virtus::driver
