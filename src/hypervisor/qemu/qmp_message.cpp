#include "hypervisor/qemu/qmp_message.h"

#include <utility>

namespace virtus::qemu {

namespace {

using nlohmann::json;

// Enough of a bad line to recognise it in an error, not a 10 MiB message.
std::string excerpt(std::string_view line) {
  constexpr std::size_t kMax = 200;
  if (line.size() <= kMax)
    return std::string(line);
  return std::string(line.substr(0, kMax)) + "...";
}

Error malformed(std::string_view what, std::string_view line) {
  return makeError(ErrorCode::InternalError, ErrorDomain::Qemu,
                   std::string(what) + " '" + excerpt(line) + "'");
}

int intField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer())
    return -1;
  return it->get<int>();
}

Result<QmpMessage> parseGreeting(const json& qmp, std::string_view line) {
  if (!qmp.is_object())
    return malformed("QEMU sent a malformed QMP greeting", line);
  QmpGreeting greeting;
  auto version = qmp.find("version");
  if (version == qmp.end() || !version->is_object())
    return malformed("QEMU sent a QMP greeting without a version", line);
  auto qemu = version->find("qemu");
  if (qemu == version->end() || !qemu->is_object())
    return malformed("QEMU sent a QMP greeting without a version", line);
  greeting.version.major = intField(*qemu, "major");
  greeting.version.minor = intField(*qemu, "minor");
  greeting.version.micro = intField(*qemu, "micro");
  if (greeting.version.major < 0 || greeting.version.minor < 0 || greeting.version.micro < 0)
    return malformed("QEMU sent a QMP greeting with a malformed version", line);
  if (auto package = version->find("package"); package != version->end() && package->is_string())
    greeting.version.package = package->get<std::string>();
  if (auto caps = qmp.find("capabilities"); caps != qmp.end() && caps->is_array()) {
    for (const json& cap : *caps)
      if (cap.is_string())
        greeting.capabilities.push_back(cap.get<std::string>());
  }
  return QmpMessage(std::move(greeting));
}

Result<QmpMessage> parseEvent(json& object, std::string_view line) {
  json& name = object["event"];
  if (!name.is_string())
    return malformed("QEMU sent an event without a name", line);
  QmpEvent event;
  event.name = name.get<std::string>();
  if (auto data = object.find("data"); data != object.end() && data->is_object())
    event.data = std::move(*data);
  if (auto ts = object.find("timestamp"); ts != object.end() && ts->is_object()) {
    auto seconds = ts->find("seconds");
    auto micros = ts->find("microseconds");
    if (seconds != ts->end() && seconds->is_number_integer() && micros != ts->end() &&
        micros->is_number_integer())
      event.timestamp = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::seconds(seconds->get<std::int64_t>()) +
              std::chrono::microseconds(micros->get<std::int64_t>())));
  }
  return QmpMessage(std::move(event));
}

Result<QmpMessage> parseReply(json& object, std::string_view line) {
  QmpReply reply;
  if (auto id = object.find("id"); id != object.end())
    reply.id = std::move(*id);
  if (auto ret = object.find("return"); ret != object.end()) {
    reply.value = std::move(*ret);
    return QmpMessage(std::move(reply));
  }
  const json& error = object["error"];
  if (!error.is_object())
    return malformed("QEMU sent a malformed error reply", line);
  reply.ok = false;
  if (auto cls = error.find("class"); cls != error.end() && cls->is_string())
    reply.errorClass = cls->get<std::string>();
  if (auto desc = error.find("desc"); desc != error.end() && desc->is_string())
    reply.errorDesc = desc->get<std::string>();
  return QmpMessage(std::move(reply));
}

}  // namespace

Result<QmpMessage> parseQmpMessage(std::string_view line) {
  json object;
  try {
    object = json::parse(line);
  } catch (const json::exception& e) {
    return makeError(
        ErrorCode::InternalError, ErrorDomain::Qemu,
        "cannot parse the QEMU monitor's message '" + excerpt(line) + "': " + excerpt(e.what()));
  }
  if (!object.is_object())
    return malformed("QEMU sent a monitor message that is not a JSON object", line);
  if (auto qmp = object.find("QMP"); qmp != object.end())
    return parseGreeting(*qmp, line);
  if (object.contains("event"))
    return parseEvent(object, line);
  if (object.contains("return") || object.contains("error"))
    return parseReply(object, line);
  return malformed("QEMU sent an unknown monitor message", line);
}

Result<std::string> formatQmpCommand(std::string_view command, const nlohmann::json* arguments,
                                     std::uint64_t id) {
  json object = json::object();
  object["execute"] = std::string(command);
  if (arguments)
    object["arguments"] = *arguments;
  object["id"] = id;
  try {
    return object.dump() + "\r\n";
  } catch (const json::exception& e) {
    return makeError(ErrorCode::InvalidArg, ErrorDomain::Qemu,
                     "cannot write the arguments of the QEMU command '" + std::string(command) +
                         "' as JSON: " + e.what());
  }
}

Error qmpCommandError(std::string_view command, const QmpReply& reply) {
  // libvirt shows the description, or the class when QEMU gave no description.
  const std::string& detail = !reply.errorDesc.empty() ? reply.errorDesc : reply.errorClass;
  std::string message = "unable to execute QEMU command '" + std::string(command) + "'";
  if (!detail.empty())
    message += ": " + detail;
  return makeError(ErrorCode::InternalError, ErrorDomain::Qemu, std::move(message));
}

}  // namespace virtus::qemu
