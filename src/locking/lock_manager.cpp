#include "locking/lock_manager.h"

#include <array>
#include <utility>

namespace virtus::locking {

namespace {

constexpr std::array<std::pair<LockFailureAction, std::string_view>, 5> kActions = {{
    {LockFailureAction::Default, "default"},
    {LockFailureAction::Poweroff, "poweroff"},
    {LockFailureAction::Restart, "restart"},
    {LockFailureAction::Pause, "pause"},
    {LockFailureAction::Ignore, "ignore"},
}};

}  // namespace

std::optional<LockFailureAction> lockFailureActionFromString(std::string_view text) {
  if (text.empty())
    return LockFailureAction::Default;
  for (const auto& [action, name] : kActions)
    if (name == text)
      return action;
  return std::nullopt;
}

std::string_view lockFailureActionName(LockFailureAction action) {
  for (const auto& [candidate, name] : kActions)
    if (candidate == action)
      return name;
  return "default";
}

}  // namespace virtus::locking
