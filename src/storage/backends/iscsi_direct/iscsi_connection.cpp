#include "storage/backends/iscsi_direct/iscsi_connection.h"

// clang-format off: libiscsi's headers need <stdint.h> and <stddef.h> first.
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <stddef.h>
#include <stdint.h>
// clang-format on
#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "os/clock.h"
#include "storage/backends/iscsi_direct/iscsi_direct_names.h"

namespace virtus::storage::iscsi_direct {

namespace {

// libiscsi asks for a pause of at least this long when it wants no event (between
// reconnect attempts); also the longest single poll, so that the deadline is checked often.
constexpr int kPollSliceMs = 100;
// TEST UNIT READY is repeated this often at most while the unit reports a unit attention
// (each report clears one condition: reset, power on, parameters changed …).
constexpr int kUnitAttentionRetries = 8;

std::string quoted(std::string_view value) {
  return "'" + std::string(value) + "'";
}

}  // namespace

struct IscsiConnection::Pending {
  enum class Kind { Plain, Scsi, Discovery };
  explicit Pending(Kind k = Kind::Plain) : kind(k) {}
  ~Pending() {
    if (task)
      scsi_free_scsi_task(task);
  }
  Pending(const Pending&) = delete;
  Pending& operator=(const Pending&) = delete;

  Kind kind;
  bool done = false;
  int status = 0;
  scsi_task* task = nullptr;         // Kind::Scsi: the completed command, ours to free
  std::vector<std::string> targets;  // Kind::Discovery: copied inside the callback
};

void IscsiConnection::onDone(iscsi_context*, int status, void* data, void* pending) {
  auto* p = static_cast<Pending*>(pending);
  p->done = true;
  p->status = status;
  if (p->kind == Pending::Kind::Scsi && data) {
    if (p->task)
      scsi_free_scsi_task(p->task);
    p->task = static_cast<scsi_task*>(data);
  } else if (p->kind == Pending::Kind::Discovery && status == SCSI_STATUS_GOOD) {
    // The list is freed once the callback returns.
    for (auto* a = static_cast<iscsi_discovery_address*>(data); a; a = a->next) {
      if (a->target_name)
        p->targets.emplace_back(a->target_name);
    }
  }
}

IscsiConnection::IscsiConnection(IscsiLogin login, std::chrono::milliseconds timeout,
                                 const os::Clock& clock)
    : login_(std::move(login)), timeout_(timeout), clock_(clock) {}

IscsiConnection::~IscsiConnection() {
  destroy();
}

void IscsiConnection::destroy() {
  if (ctx_) {
    // Cancels what is in flight: the callbacks run now, into Pending objects still alive.
    iscsi_destroy_context(ctx_);
    ctx_ = nullptr;
  }
}

bool IscsiConnection::usable() const {
  return ctx_ != nullptr;
}

std::string IscsiConnection::where() const {
  if (login_.targetIqn.empty())
    return "iSCSI portal " + quoted(login_.portal);
  return "iSCSI target " + quoted(login_.targetIqn) + " at portal " + quoted(login_.portal);
}

Result<std::unique_ptr<IscsiConnection>> IscsiConnection::open(const IscsiLogin& login,
                                                               std::chrono::milliseconds timeout,
                                                               const os::Clock& clock) {
  std::unique_ptr<IscsiConnection> c(new IscsiConnection(login, timeout, clock));
  c->ctx_ = iscsi_create_context(login.initiatorIqn.c_str());
  if (!c->ctx_)
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "Failed to create iscsi context for " + login.initiatorIqn);
  const bool discovery = login.targetIqn.empty();
  bool set = iscsi_set_session_type(
                 c->ctx_, discovery ? ISCSI_SESSION_DISCOVERY : ISCSI_SESSION_NORMAL) == 0 &&
             (discovery || iscsi_set_targetname(c->ctx_, login.targetIqn.c_str()) == 0) &&
             iscsi_set_header_digest(c->ctx_, ISCSI_HEADER_DIGEST_NONE_CRC32C) == 0 &&
             (login.user.empty() || iscsi_set_initiator_username_pwd(c->ctx_, login.user.c_str(),
                                                                     login.password.c_str()) == 0);
  if (!set)
    return makeError(
        ErrorCode::InternalError, ErrorDomain::Storage,
        "cannot prepare the session to " + c->where() + ": " + iscsi_get_error(c->ctx_));

  // The full connect (TCP connect, then login) records the portal in the context, which
  // libiscsi's automatic reconnect needs when the target drops the connection later.
  c->connectState_ = std::make_unique<Pending>();
  Pending& loggedIn = *c->connectState_;
  if (iscsi_full_connect_async(c->ctx_, login.portal.c_str(), -1, &IscsiConnection::onDone,
                               &loggedIn) != 0)
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "cannot connect to " + c->where() + ": " + iscsi_get_error(c->ctx_));
  TRY(c->wait(loggedIn, "the login"));
  if (loggedIn.status != SCSI_STATUS_GOOD) {
    std::string detail = iscsi_get_error(c->ctx_);
    c->destroy();
    auto status = loginStatusOf(detail);
    bool authFailure =
        status && (*status == kLoginAuthenticationFailure || *status == kLoginAuthorizationFailure);
    if (authFailure && login.user.empty())
      return makeError(ErrorCode::AuthFailed, ErrorDomain::Storage,
                       c->where() + " refused the login without credentials: the pool has no " +
                           "<auth> for it (" + detail + ")");
    if (authFailure)
      return makeError(ErrorCode::AuthFailed, ErrorDomain::Storage,
                       c->where() + " refused the CHAP login of user " + quoted(login.user) + " (" +
                           detail + ")");
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "cannot log in to " + c->where() + ": " + detail);
  }
  return c;
}

Result<void> IscsiConnection::wait(Pending& pending, std::string_view what) {
  const auto deadline = clock_.now() + timeout_;
  while (!pending.done) {
    if (!ctx_)
      return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                       "the connection to " + where() + " is closed.");
    const auto now = clock_.now();
    if (now >= deadline) {
      destroy();
      return makeError(ErrorCode::OperationTimeout, ErrorDomain::Storage,
                       where() + " did not complete " + std::string(what) + " within " +
                           std::to_string(timeout_.count()) + " ms.");
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    pollfd pfd{};
    pfd.fd = iscsi_get_fd(ctx_);
    pfd.events = static_cast<short>(iscsi_which_events(ctx_));
    int slice = static_cast<int>(std::min<long long>(left + 1, kPollSliceMs));
    int n = ::poll(&pfd, pfd.events ? 1 : 0, slice);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      destroy();
      return systemError(ErrorDomain::Storage, err, "cannot poll the connection to " + where());
    }
    // Also with no event: libiscsi runs its timers (a pending reconnect after the target
    // dropped the connection) from iscsi_service.
    if (iscsi_service(ctx_, n > 0 && pfd.events ? pfd.revents : 0) < 0) {
      std::string detail = iscsi_get_error(ctx_);
      destroy();
      return makeError(
          ErrorCode::InternalError, ErrorDomain::Storage,
          "the connection to " + where() + " failed during " + std::string(what) + ": " + detail);
    }
  }
  return ok();
}

Result<void> IscsiConnection::checkStatus(const Pending& pending, std::string_view what) {
  if (pending.status == SCSI_STATUS_GOOD)
    return ok();
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   std::string(what) + " to " + where() +
                       " failed: " + (ctx_ ? iscsi_get_error(ctx_) : "the connection is closed"));
}

Error IscsiConnection::notQueued(std::string_view what) const {
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "cannot send " + std::string(what) + " to " + where() + ": " +
                       (ctx_ ? iscsi_get_error(ctx_) : "the connection is closed"));
}

Result<std::unique_ptr<IscsiConnection::Pending>> IscsiConnection::command(std::string_view what,
                                                                           const StartFn& start) {
  for (int attempt = 0;; ++attempt) {
    auto p = std::make_unique<Pending>(Pending::Kind::Scsi);
    if (!ctx_ || !start(ctx_, p.get()))
      return notQueued(what);
    TRY(wait(*p, what));
    bool attention = p->status == SCSI_STATUS_CHECK_CONDITION && p->task &&
                     p->task->sense.key == SCSI_SENSE_UNIT_ATTENTION;
    if (attention && attempt < kUnitAttentionRetries)
      continue;
    TRY(checkStatus(*p, what));
    return p;
  }
}

Result<std::vector<std::string>> IscsiConnection::discoverTargets() {
  Pending p(Pending::Kind::Discovery);
  if (!ctx_ || iscsi_discovery_async(ctx_, &IscsiConnection::onDone, &p) != 0)
    return notQueued("SendTargets");
  TRY(wait(p, "SendTargets discovery"));
  TRY(checkStatus(p, "SendTargets discovery"));
  return std::move(p.targets);
}

Result<std::vector<unsigned>> IscsiConnection::reportLuns() {
  int allocation = 16;
  for (int attempt = 0; attempt < 2; ++attempt) {
    TRY_ASSIGN(auto p, command("REPORT LUNS", [&](iscsi_context* ctx, void* pending) {
                 return iscsi_reportluns_task(ctx, 0, allocation, &IscsiConnection::onDone,
                                              pending);
               }));
    int full = scsi_datain_getfullsize(p->task);
    if (full > p->task->datain.size && attempt == 0) {
      allocation = full;
      continue;
    }
    auto* list = static_cast<scsi_reportluns_list*>(scsi_datain_unmarshall(p->task));
    if (!list)
      return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                       "cannot read the REPORT LUNS reply of " + where() + ".");
    return std::vector<unsigned>(list->luns, list->luns + list->num);
  }
  return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                   "the LUN list of " + where() + " keeps growing.");
}

Result<void> IscsiConnection::testUnitReady(unsigned lun) {
  TRY(command("TEST UNIT READY for LUN " + std::to_string(lun), [&](iscsi_context* ctx,
                                                                    void* pending) {
    return iscsi_testunitready_task(ctx, static_cast<int>(lun), &IscsiConnection::onDone, pending);
  }));
  return ok();
}

Result<int> IscsiConnection::deviceType(unsigned lun) {
  TRY_ASSIGN(auto p, command("INQUIRY for LUN " + std::to_string(lun),
                             [&](iscsi_context* ctx, void* pending) {
                               return iscsi_inquiry_task(ctx, static_cast<int>(lun), 0, 0, 64,
                                                         &IscsiConnection::onDone, pending);
                             }));
  auto* inq = static_cast<scsi_inquiry_standard*>(scsi_datain_unmarshall(p->task));
  if (!inq)
    return makeError(
        ErrorCode::InternalError, ErrorDomain::Storage,
        "cannot read the INQUIRY reply for LUN " + std::to_string(lun) + " of " + where() + ".");
  if (inq->qualifier != SCSI_INQUIRY_PERIPHERAL_QUALIFIER_CONNECTED)
    return -1;
  return static_cast<int>(inq->device_type);
}

Result<LunCapacity> IscsiConnection::readCapacity16(unsigned lun) {
  TRY_ASSIGN(auto p, command("READ CAPACITY(16) for LUN " + std::to_string(lun),
                             [&](iscsi_context* ctx, void* pending) {
                               return iscsi_readcapacity16_task(ctx, static_cast<int>(lun),
                                                                &IscsiConnection::onDone, pending);
                             }));
  auto* rc16 = static_cast<scsi_readcapacity16*>(scsi_datain_unmarshall(p->task));
  if (!rc16 || rc16->block_length == 0)
    return makeError(ErrorCode::InternalError, ErrorDomain::Storage,
                     "cannot read the READ CAPACITY(16) reply for LUN " + std::to_string(lun) +
                         " of " + where() + ".");
  return LunCapacity{rc16->block_length, rc16->returned_lba + 1};
}

Result<void> IscsiConnection::write16(unsigned lun, std::uint64_t lba,
                                      std::span<const unsigned char> data,
                                      std::uint32_t blockSize) {
  // libiscsi only reads the buffer; its API is not const-correct.
  auto* bytes = const_cast<unsigned char*>(data.data());
  TRY(command("WRITE(16) at block " + std::to_string(lba) + " of LUN " + std::to_string(lun),
              [&](iscsi_context* ctx, void* pending) {
                return iscsi_write16_task(
                    ctx, static_cast<int>(lun), lba, bytes, static_cast<std::uint32_t>(data.size()),
                    static_cast<int>(blockSize), 0, 0, 0, 0, 0, &IscsiConnection::onDone, pending);
              }));
  return ok();
}

Result<void> IscsiConnection::logout() {
  if (!ctx_)
    return ok();
  Pending p;
  Result<void> result = ok();
  if (iscsi_logout_async(ctx_, &IscsiConnection::onDone, &p) != 0) {
    result = notQueued("the logout");
  } else {
    result = wait(p, "the logout");
    if (result)
      result = checkStatus(p, "the logout");
  }
  destroy();
  return result;
}

}  // namespace virtus::storage::iscsi_direct
