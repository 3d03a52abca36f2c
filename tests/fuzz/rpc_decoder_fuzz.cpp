// libFuzzer target for everything a peer's bytes reach before a handler runs: the frame
// splitter, the header decoder, and the XDR decoders of every procedure in the table (its
// arguments and its result) and of the error payload.
//
// Invariants checked beyond "no crash, no sanitizer report":
//   - the decoder hands out exactly the frames the stream holds, however it is cut up;
//   - a payload that decodes encodes back to the very same bytes (a decoder that accepts
//     bytes it cannot reproduce has lost information or mis-sized a field).
// A broken invariant aborts, which libFuzzer records as a crash.
//
// Input layout: the first byte seeds the sizes of the pieces that the rest of the input is
// fed in, so that one corpus entry explores both "all at once" and "byte by byte".
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rpc/frame_decoder.h"
#include "rpc/message.h"
#include "rpc/protocol/remote_procedures.h"
#include "rpc/remote_error.h"
#include "rpc/xdr.h"
#include "rpc/xdr_codec.h"

namespace {

using namespace virtus::rpc;

[[noreturn]] void invariantBroken(const char* what, std::int32_t procedure) {
  std::fprintf(stderr, "rpc_decoder_fuzz: %s (procedure %d)\n", what, procedure);
  std::abort();
}

template <class T>
void checkRoundTrip(std::string_view payload, std::int32_t procedure) {
  T value;
  if (!xdrDecodeAll(payload, value))
    return;
  if (xdrEncodeToString(value) != payload)
    invariantBroken("a decoded payload does not encode back to the same bytes", procedure);
}

void checkPayload(std::int32_t procedure, std::string_view payload) {
  checkRoundTrip<RemoteError>(payload, procedure);
  switch (procedure) {
#define VIRTUS_FUZZ_CASE(num, id, args, ret, attrs, api)                    \
  case num:                                                                 \
    checkRoundTrip<remote::ProcSpec<remote::Proc::id>::Args>(payload, num); \
    checkRoundTrip<remote::ProcSpec<remote::Proc::id>::Ret>(payload, num);  \
    break;
    VIRTUS_REMOTE_PROCEDURES(VIRTUS_FUZZ_CASE)
#undef VIRTUS_FUZZ_CASE
    default:
      break;
  }
}

// The frames a correct splitter must produce from `stream`, computed independently of
// FrameDecoder: complete frames up to the first bad length word or the end.
struct Expected {
  std::size_t frames = 0;
  bool broken = false;
};

Expected expectedFrames(std::string_view stream) {
  Expected e;
  std::size_t pos = 0;
  while (stream.size() - pos >= kLengthSize) {
    XdrReader r(stream.substr(pos, kLengthSize));
    std::uint32_t length = r.u32();
    if (length < kLengthSize + kHeaderSize || length - kLengthSize > kMessageMax) {
      e.broken = true;
      break;
    }
    if (stream.size() - pos < length)
      break;
    ++e.frames;
    pos += length;
  }
  return e;
}

void checkFrame(const std::string& body) {
  MessageHeader header;
  if (!decodeHeader(body, header))
    invariantBroken("a frame from the decoder has no complete header", -1);
  // The header re-encodes to the frame's own bytes (length word aside).
  std::string_view payload = std::string_view(body).substr(kHeaderSize);
  if (encodeFrame(header, payload).substr(kLengthSize) != body)
    invariantBroken("a header does not encode back to the same bytes", header.procedure);
  // Every payload is tried against every decoder that applies to its procedure, whatever
  // the header's type says: a hostile peer picks the type too.
  checkPayload(header.procedure, payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::uint32_t seed = data[0];
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  Expected expected = expectedFrames(stream);

  FrameDecoder decoder;
  std::size_t frames = 0;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    // A small linear congruential generator: piece sizes 1..64 or, now and then, the rest.
    seed = seed * 1103515245u + 12345u;
    std::size_t piece = (seed >> 16) % 8 == 0 ? stream.size() - pos : 1 + (seed >> 16) % 64;
    piece = std::min(piece, stream.size() - pos);
    decoder.feed(stream.substr(pos, piece));
    pos += piece;
    while (auto body = decoder.next()) {
      ++frames;
      checkFrame(*body);
    }
    if (decoder.failed())
      break;
  }
  if (frames != expected.frames)
    invariantBroken("the decoder produced a different number of frames than the stream holds", -1);
  if (decoder.failed() != expected.broken)
    invariantBroken("the decoder's verdict on the stream's length words is wrong", -1);
  // Whatever the decoder still holds is an incomplete frame, never more than one.
  if (!decoder.failed() && decoder.pending() >= kLengthSize) {
    XdrReader r(std::string_view(reinterpret_cast<const char*>(data) + 1 + pos - decoder.pending(),
                                 kLengthSize));
    if (decoder.pending() >= r.u32())
      invariantBroken("the decoder holds a complete frame it did not hand out", -1);
  }
  return 0;
}
