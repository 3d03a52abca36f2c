// An asynchronous QMP event: {"event": "SHUTDOWN", "data": {...},
// "timestamp": {"seconds": 1700000000, "microseconds": 123456}}.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace virtus::qemu {

struct QmpEvent {
  std::string name;
  nlohmann::json data = nlohmann::json::object();   // an empty object when QEMU sent none
  std::chrono::system_clock::time_point timestamp;  // QEMU's wall clock at the event
};

}  // namespace virtus::qemu
