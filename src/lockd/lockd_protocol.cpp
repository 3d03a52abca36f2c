#include "lockd/lockd_protocol.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace virtus::lockd {

using nlohmann::json;

namespace {

Error malformed(std::string_view what) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Locking,
                   "malformed virtus-lockd request: " + std::string(what));
}

Error invalid(std::string message) {
  return makeError(ErrorCode::InvalidArg, ErrorDomain::Locking, std::move(message));
}

Error badReply(std::string_view what) {
  return makeError(ErrorCode::Rpc, ErrorDomain::Locking,
                   "malformed reply from virtus-lockd: " + std::string(what));
}

std::optional<json> parseObject(std::string_view line) {
  json value = json::parse(line.begin(), line.end(), nullptr, false);
  if (value.is_discarded() || !value.is_object())
    return std::nullopt;
  return value;
}

// Field readers: a missing optional field gives the fallback, a mistyped one an error.
Result<std::string> stringField(const json& object, const char* key, bool required,
                                Error (*fail)(std::string_view)) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required)
      return fail(std::string("missing '") + key + "'");
    return std::string();
  }
  if (!it->is_string())
    return fail(std::string("'") + key + "' is not a string");
  return it->get<std::string>();
}

Result<std::int64_t> intField(const json& object, const char* key, bool required,
                              Error (*fail)(std::string_view)) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required)
      return fail(std::string("missing '") + key + "'");
    return std::int64_t{0};
  }
  if (!it->is_number_integer())
    return fail(std::string("'") + key + "' is not an integer");
  return it->get<std::int64_t>();
}

Result<bool> boolField(const json& object, const char* key, Error (*fail)(std::string_view)) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null())
    return false;
  if (!it->is_boolean())
    return fail(std::string("'") + key + "' is not a boolean");
  return it->get<bool>();
}

Result<pid_t> pidField(const json& object, const char* key, bool required) {
  TRY_ASSIGN(std::int64_t pid, intField(object, key, required, malformed));
  if (pid < 0 || pid > 0x3fffffff)
    return invalid("invalid process id " + std::to_string(pid));
  return static_cast<pid_t>(pid);
}

Result<LockdResourceSpec> parseResource(const json& item, bool forAcquire) {
  if (!item.is_object())
    return malformed("a resource is not an object");
  LockdResourceSpec spec;
  TRY_ASSIGN(spec.lockspace, stringField(item, "lockspace", false, malformed));
  TRY_ASSIGN(spec.name, stringField(item, "name", true, malformed));
  TRY_ASSIGN(spec.shared, boolField(item, "shared", malformed));
  TRY_ASSIGN(spec.autocreate, boolField(item, "autocreate", malformed));
  TRY_ASSIGN(spec.display, stringField(item, "display", false, malformed));
  if (spec.name.empty())
    return invalid("a lock resource needs a name");
  if (spec.name.find('\0') != std::string::npos || spec.lockspace.find('\0') != std::string::npos)
    return invalid("lock resource '" + spec.name + "' contains a NUL character");
  if (spec.lockspace.empty()) {
    if (forAcquire && spec.name.front() != '/')
      return invalid("lock resource '" + spec.name + "' is not an absolute path");
  } else {
    if (spec.lockspace.front() != '/')
      return invalid("lockspace '" + spec.lockspace + "' is not an absolute path");
    if (spec.name.find('/') != std::string::npos || spec.name == "." || spec.name == "..")
      return invalid("lock resource '" + spec.name + "' is not a file name in lockspace '" +
                     spec.lockspace + "'");
  }
  return spec;
}

Result<std::vector<LockdResourceSpec>> parseResources(const json& request, bool forAcquire) {
  std::vector<LockdResourceSpec> resources;
  auto it = request.find("resources");
  if (it == request.end() || it->is_null()) {
    if (forAcquire)
      return malformed("missing 'resources'");
    return resources;
  }
  if (!it->is_array())
    return malformed("'resources' is not an array");
  for (const json& item : *it) {
    TRY_ASSIGN(auto spec, parseResource(item, forAcquire));
    resources.push_back(std::move(spec));
  }
  return resources;
}

Result<std::string> uuidField(const json& object) {
  TRY_ASSIGN(std::string uuid, stringField(object, "uuid", true, malformed));
  if (uuid.empty())
    return invalid("a lock owner needs a uuid");
  return uuid;
}

json resourceJson(const LockdResourceSpec& spec) {
  return json{{"lockspace", spec.lockspace},
              {"name", spec.name},
              {"shared", spec.shared},
              {"autocreate", spec.autocreate},
              {"display", spec.display}};
}

std::string dump(const json& value) {
  // Invalid UTF-8 in a path is replaced rather than thrown on.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The reply object, or the Error an error reply carries.
Result<json> parseReply(std::string_view line) {
  auto value = parseObject(line);
  if (!value)
    return badReply("not a JSON object");
  auto ok = value->find("ok");
  if (ok == value->end() || !ok->is_boolean())
    return badReply("no 'ok' field");
  if (ok->get<bool>())
    return std::move(*value);
  TRY_ASSIGN(std::int64_t code, intField(*value, "code", true, badReply));
  TRY_ASSIGN(std::int64_t domain, intField(*value, "domain", false, badReply));
  TRY_ASSIGN(std::string message, stringField(*value, "message", false, badReply));
  return Error{static_cast<ErrorCode>(code), static_cast<ErrorDomain>(domain), std::move(message)};
}

}  // namespace

Result<LockdRequest> parseRequest(std::string_view line) {
  auto value = parseObject(line);
  if (!value)
    return malformed("not a JSON object");
  TRY_ASSIGN(std::string op, stringField(*value, "op", true, malformed));
  LockdRequest request;
  if (op == "acquire") {
    request.op = LockdOp::Acquire;
    auto owner = value->find("owner");
    if (owner == value->end() || !owner->is_object())
      return malformed("missing 'owner' object");
    TRY_ASSIGN(request.owner.uuid, uuidField(*owner));
    TRY_ASSIGN(request.owner.name, stringField(*owner, "name", false, malformed));
    TRY_ASSIGN(std::int64_t id, intField(*owner, "id", false, malformed));
    request.owner.id = static_cast<int>(id);
    TRY_ASSIGN(request.owner.pid, pidField(*owner, "pid", false));
    TRY_ASSIGN(request.resources, parseResources(*value, true));
    request.uuid = request.owner.uuid;
  } else if (op == "setpid") {
    request.op = LockdOp::SetPid;
    TRY_ASSIGN(request.uuid, uuidField(*value));
    TRY_ASSIGN(request.pid, pidField(*value, "pid", true));
    if (request.pid == 0)
      return invalid("setpid needs a process id");
  } else if (op == "release") {
    request.op = LockdOp::Release;
    TRY_ASSIGN(request.uuid, uuidField(*value));
    TRY_ASSIGN(request.resources, parseResources(*value, false));
  } else if (op == "list") {
    request.op = LockdOp::List;
  } else if (op == "status") {
    request.op = LockdOp::Status;
  } else if (op == "subscribe") {
    request.op = LockdOp::Subscribe;
  } else {
    return malformed("unknown op '" + op + "'");
  }
  return request;
}

std::string formatRequest(const LockdRequest& request) {
  json out;
  switch (request.op) {
    case LockdOp::Acquire: {
      out["op"] = "acquire";
      out["owner"] = json{{"uuid", request.owner.uuid},
                          {"name", request.owner.name},
                          {"id", request.owner.id},
                          {"pid", request.owner.pid}};
      json resources = json::array();
      for (const auto& spec : request.resources)
        resources.push_back(resourceJson(spec));
      out["resources"] = std::move(resources);
      break;
    }
    case LockdOp::SetPid:
      out = json{{"op", "setpid"}, {"uuid", request.uuid}, {"pid", request.pid}};
      break;
    case LockdOp::Release: {
      out = json{{"op", "release"}, {"uuid", request.uuid}};
      json resources = json::array();
      for (const auto& spec : request.resources)
        resources.push_back(json{{"lockspace", spec.lockspace}, {"name", spec.name}});
      out["resources"] = std::move(resources);
      break;
    }
    case LockdOp::List:
      out = json{{"op", "list"}};
      break;
    case LockdOp::Status:
      out = json{{"op", "status"}};
      break;
    case LockdOp::Subscribe:
      out = json{{"op", "subscribe"}};
      break;
  }
  return dump(out);
}

std::string formatOkReply() {
  return R"({"ok":true})";
}

std::string formatErrorReply(const Error& error) {
  return dump(json{{"ok", false},
                   {"code", static_cast<int>(error.code)},
                   {"domain", static_cast<int>(error.domain)},
                   {"message", error.message}});
}

std::string formatListReply(const std::string& host, const std::vector<LockdHeld>& locks) {
  json items = json::array();
  for (const auto& lock : locks) {
    items.push_back(json{{"lockspace", lock.lockspace},
                         {"name", lock.name},
                         {"display", lock.display},
                         {"file", lock.file},
                         {"shared", lock.shared},
                         {"domain", lock.domain},
                         {"uuid", lock.uuid},
                         {"pid", lock.pid},
                         {"since", lock.since}});
  }
  return dump(json{{"ok", true}, {"host", host}, {"locks", std::move(items)}});
}

std::string formatStatusReply(const LockdStatus& status) {
  return dump(json{{"ok", true},
                   {"pid", status.pid},
                   {"host", status.host},
                   {"started", status.started},
                   {"generation", status.generation}});
}

std::string formatEvent(const LockdEvent& event) {
  return dump(json{{"event", "lost"},
                   {"uuid", event.uuid},
                   {"domain", event.domain},
                   {"resource", event.resource},
                   {"reason", event.reason}});
}

Result<void> parseOkReply(std::string_view line) {
  TRY(parseReply(line));
  return ok();
}

Result<std::vector<LockdHeld>> parseListReply(std::string_view line) {
  TRY_ASSIGN(json reply, parseReply(line));
  TRY_ASSIGN(std::string host, stringField(reply, "host", false, badReply));
  auto items = reply.find("locks");
  if (items == reply.end() || !items->is_array())
    return badReply("no 'locks' array");
  std::vector<LockdHeld> locks;
  for (const json& item : *items) {
    if (!item.is_object())
      return badReply("a lock is not an object");
    LockdHeld held;
    held.host = host;
    TRY_ASSIGN(held.lockspace, stringField(item, "lockspace", false, badReply));
    TRY_ASSIGN(held.name, stringField(item, "name", true, badReply));
    TRY_ASSIGN(held.display, stringField(item, "display", false, badReply));
    TRY_ASSIGN(held.file, stringField(item, "file", false, badReply));
    TRY_ASSIGN(held.shared, boolField(item, "shared", badReply));
    TRY_ASSIGN(held.domain, stringField(item, "domain", false, badReply));
    TRY_ASSIGN(held.uuid, stringField(item, "uuid", false, badReply));
    TRY_ASSIGN(std::int64_t pid, intField(item, "pid", false, badReply));
    held.pid = static_cast<pid_t>(pid);
    TRY_ASSIGN(held.since, intField(item, "since", false, badReply));
    locks.push_back(std::move(held));
  }
  return locks;
}

Result<LockdStatus> parseStatusReply(std::string_view line) {
  TRY_ASSIGN(json reply, parseReply(line));
  LockdStatus status;
  TRY_ASSIGN(std::int64_t pid, intField(reply, "pid", true, badReply));
  status.pid = static_cast<pid_t>(pid);
  TRY_ASSIGN(status.host, stringField(reply, "host", false, badReply));
  TRY_ASSIGN(status.started, intField(reply, "started", false, badReply));
  TRY_ASSIGN(std::int64_t generation, intField(reply, "generation", false, badReply));
  status.generation = static_cast<int>(generation);
  return status;
}

Result<LockdEvent> parseEvent(std::string_view line) {
  auto value = parseObject(line);
  if (!value)
    return badReply("an event is not a JSON object");
  TRY_ASSIGN(std::string kind, stringField(*value, "event", true, badReply));
  if (kind != "lost")
    return badReply("unknown event '" + kind + "'");
  LockdEvent event;
  TRY_ASSIGN(event.uuid, stringField(*value, "uuid", false, badReply));
  TRY_ASSIGN(event.domain, stringField(*value, "domain", false, badReply));
  TRY_ASSIGN(event.resource, stringField(*value, "resource", false, badReply));
  TRY_ASSIGN(event.reason, stringField(*value, "reason", false, badReply));
  return event;
}

std::string formatHolderRecord(const LockHolderRecord& record) {
  return dump(json{{"host", record.host},
                   {"domain", record.domain},
                   {"uuid", record.uuid},
                   {"pid", record.pid},
                   {"since", record.since}}) +
         "\n";
}

std::optional<LockHolderRecord> parseHolderRecord(std::string_view text) {
  auto eol = text.find('\n');
  if (eol != std::string_view::npos)
    text = text.substr(0, eol);
  auto value = parseObject(text);
  if (!value)
    return std::nullopt;
  LockHolderRecord record;
  auto host = stringField(*value, "host", true, badReply);
  auto domain = stringField(*value, "domain", false, badReply);
  auto uuid = stringField(*value, "uuid", false, badReply);
  auto pid = intField(*value, "pid", false, badReply);
  auto since = intField(*value, "since", false, badReply);
  if (!host || !domain || !uuid || !pid || !since)
    return std::nullopt;
  record.host = *host;
  record.domain = *domain;
  record.uuid = *uuid;
  record.pid = static_cast<pid_t>(*pid);
  record.since = *since;
  return record;
}

}  // namespace virtus::lockd
