#include "lockd/lockd_state.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

namespace virtus::lockd {

using nlohmann::json;

namespace {

constexpr int kStateVersion = 1;

Error badState(const std::string& what) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                   "invalid virtus-lockd re-exec state: " + what);
}

}  // namespace

std::string formatDaemonState(const DaemonState& state) {
  json owners = json::array();
  for (const auto& owner : state.owners) {
    json locks = json::array();
    for (const auto& lock : owner.locks) {
      locks.push_back(json{{"lockspace", lock.lockspace},
                           {"name", lock.name},
                           {"display", lock.display},
                           {"file", lock.file},
                           {"shared", lock.shared},
                           {"autocreate", lock.autocreate},
                           {"since", lock.since},
                           {"fd", lock.fd}});
    }
    owners.push_back(json{{"uuid", owner.uuid},
                          {"name", owner.name},
                          {"id", owner.id},
                          {"pid", owner.pid},
                          {"since", owner.since},
                          {"locks", std::move(locks)}});
  }
  json out{{"version", kStateVersion},       {"host", state.host},
           {"generation", state.generation}, {"started", state.started},
           {"listenFd", state.listenFd},     {"pidFileFd", state.pidFileFd},
           {"pidFile", state.pidFile},       {"socketPath", state.socketPath},
           {"owners", std::move(owners)}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<DaemonState> parseDaemonState(std::string_view text) {
  json in = json::parse(text.begin(), text.end(), nullptr, false);
  if (in.is_discarded() || !in.is_object())
    return badState("not a JSON object");
  try {
    if (in.at("version").get<int>() != kStateVersion)
      return badState("unknown version " + in.at("version").dump());
    DaemonState state;
    state.host = in.at("host").get<std::string>();
    state.generation = in.at("generation").get<int>();
    state.started = in.at("started").get<std::int64_t>();
    state.listenFd = in.at("listenFd").get<int>();
    state.pidFileFd = in.at("pidFileFd").get<int>();
    state.pidFile = in.at("pidFile").get<std::string>();
    state.socketPath = in.at("socketPath").get<std::string>();
    for (const json& item : in.at("owners")) {
      OwnerRecord owner;
      owner.uuid = item.at("uuid").get<std::string>();
      owner.name = item.at("name").get<std::string>();
      owner.id = item.at("id").get<int>();
      owner.pid = item.at("pid").get<pid_t>();
      owner.since = item.at("since").get<std::int64_t>();
      for (const json& l : item.at("locks")) {
        LockRecord lock;
        lock.lockspace = l.at("lockspace").get<std::string>();
        lock.name = l.at("name").get<std::string>();
        lock.display = l.at("display").get<std::string>();
        lock.file = l.at("file").get<std::string>();
        lock.shared = l.at("shared").get<bool>();
        lock.autocreate = l.at("autocreate").get<bool>();
        lock.since = l.at("since").get<std::int64_t>();
        lock.fd = l.at("fd").get<int>();
        owner.locks.push_back(std::move(lock));
      }
      state.owners.push_back(std::move(owner));
    }
    return state;
  } catch (const json::exception& e) {
    // The JSON library reports a missing or mistyped field by exception; it stops here.
    return badState(e.what());
  }
}

Result<int> writeStateFd(const std::string& text) {
  int fd = ::memfd_create("virtus-lockd-state", 0);
  if (fd < 0)
    return systemError(ErrorDomain::Locking, errno, "Unable to create the re-exec state file");
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      return systemError(ErrorDomain::Locking, err, "Unable to write the re-exec state");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::lseek(fd, 0, SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return systemError(ErrorDomain::Locking, err, "Unable to rewind the re-exec state");
  }
  return fd;
}

Result<std::string> readStateFd(int fd) {
  std::string text;
  char buf[65536];
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      return systemError(ErrorDomain::Locking, err, "Unable to read the re-exec state");
    }
    if (n == 0)
      break;
    text.append(buf, static_cast<std::size_t>(n));
    offset += n;
  }
  ::close(fd);
  return text;
}

}  // namespace virtus::lockd
