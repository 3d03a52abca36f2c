#include "rpc/message.h"

#include "rpc/xdr.h"

namespace virtus::rpc {

void appendFrame(std::string& out, const MessageHeader& header, std::string_view payload) {
  XdrWriter w(out);
  w.u32(static_cast<std::uint32_t>(kLengthSize + kHeaderSize + payload.size()));
  w.u32(header.program);
  w.u32(header.version);
  w.i32(header.procedure);
  w.i32(static_cast<std::int32_t>(header.type));
  w.u32(header.serial);
  w.i32(static_cast<std::int32_t>(header.status));
  out.append(payload);
}

std::string encodeFrame(const MessageHeader& header, std::string_view payload) {
  std::string out;
  out.reserve(kLengthSize + kHeaderSize + payload.size());
  appendFrame(out, header, payload);
  return out;
}

bool decodeHeader(std::string_view body, MessageHeader& header) {
  if (body.size() < kHeaderSize)
    return false;
  XdrReader r(body.substr(0, kHeaderSize));
  header.program = r.u32();
  header.version = r.u32();
  header.procedure = r.i32();
  header.type = static_cast<MessageType>(r.i32());
  header.serial = r.u32();
  header.status = static_cast<MessageStatus>(r.i32());
  return r.ok();
}

}  // namespace virtus::rpc
