// Domain messages of the REMOTE program that need their own shape (the others use the
// shared shapes of remote_types.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rpc/protocol/remote_types.h"

namespace virtus::rpc::remote {

struct DomainGetInfoRet {   // remote_domain_get_info_ret
  std::uint32_t state = 0;  // unsigned char on the wire: one XDR unit
  std::uint64_t maxMem = 0;
  std::uint64_t memory = 0;
  std::uint32_t nrVirtCpu = 0;  // unsigned short on the wire: one XDR unit
  std::uint64_t cpuTime = 0;
  VIRTUS_XDR(state, maxMem, memory, nrVirtCpu, cpuTime)
};

struct DomainGetStateRet {  // { int state; int reason; }
  std::int32_t state = 0;
  std::int32_t reason = 0;
  VIRTUS_XDR(state, reason)
};

// { remote_nonnull_domain dom; remote_nonnull_string xml; unsigned flags; }, and the same
// shape with a disk's path instead of XML (DOMAIN_GET_BLOCK_INFO).
struct DomainXmlFlagsArgs {
  Domain dom;
  std::string xml;
  std::uint32_t flags = 0;
  VIRTUS_XDR(dom, xml, flags)
};

struct DomainGetBlockInfoRet {  // { unsigned hyper allocation, capacity, physical; }
  std::uint64_t allocation = 0;
  std::uint64_t capacity = 0;
  std::uint64_t physical = 0;
  VIRTUS_XDR(allocation, capacity, physical)
};

struct DomainBlockStatsArgs {  // { remote_nonnull_domain dom; remote_nonnull_string path; }
  Domain dom;
  std::string path;
  VIRTUS_XDR(dom, path)
};

struct DomainBlockStatsRet {  // { hyper rd_req, rd_bytes, wr_req, wr_bytes, errs; }
  std::int64_t rdReq = 0;
  std::int64_t rdBytes = 0;
  std::int64_t wrReq = 0;
  std::int64_t wrBytes = 0;
  std::int64_t errs = 0;
  VIRTUS_XDR(rdReq, rdBytes, wrReq, wrBytes, errs)
};

// DOMAIN_OPEN_CONSOLE: { remote_nonnull_domain dom; remote_string dev_name; unsigned flags; }
struct DomainOpenConsoleArgs {
  Domain dom;
  std::optional<std::string> devName;
  std::uint32_t flags = 0;
  VIRTUS_XDR(dom, devName, flags)
};

// `char x<MAX>` arrays: rpcgen encodes each char as a whole XDR unit.
inline constexpr std::size_t kSecurityLabelMax = 4097;  // VIR_SECURITY_LABEL_BUFLEN
inline constexpr std::size_t kSecurityModelMax = 257;   // VIR_SECURITY_MODEL_BUFLEN
inline constexpr std::size_t kSecurityDoiMax = 257;     // VIR_SECURITY_DOI_BUFLEN

struct DomainGetSecurityLabelRet {  // { char label<>; int enforcing; }
  XdrList<std::int32_t, kSecurityLabelMax> label;
  std::int32_t enforcing = 0;
  VIRTUS_XDR(label, enforcing)
};

struct NodeGetSecurityModelRet {  // { char model<>; char doi<>; }
  XdrList<std::int32_t, kSecurityModelMax> model;
  XdrList<std::int32_t, kSecurityDoiMax> doi;
  VIRTUS_XDR(model, doi)
};

// CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY: { int eventID; remote_domain dom; }, the
// domain optional (null: every domain).
struct DomainEventCallbackRegisterArgs {
  std::int32_t eventID = 0;
  std::optional<Domain> dom;
  VIRTUS_XDR(eventID, dom)
};

// DOMAIN_EVENT_LIFECYCLE (a MESSAGE from the server to legacy registrations):
// remote_domain_event_lifecycle_msg
struct DomainEventLifecycleMsg {
  Domain dom;
  std::int32_t event = 0;
  std::int32_t detail = 0;
  VIRTUS_XDR(dom, event, detail)
};

// DOMAIN_EVENT_CALLBACK_LIFECYCLE (a MESSAGE from the server): the callback's id, then the
// legacy message.
struct DomainEventCallbackLifecycleMsg {
  std::int32_t callbackID = 0;
  DomainEventLifecycleMsg msg;
  VIRTUS_XDR(callbackID, msg)
};

}  // namespace virtus::rpc::remote
