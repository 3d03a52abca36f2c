#include "locking/lock_driver_registry.h"

#include "common/error.h"

namespace virtus::locking {

void LockDriverRegistry::add(std::string name, LockDriverFactory factory) {
  factories_[std::move(name)] = std::move(factory);
}

Result<std::unique_ptr<LockManager>> LockDriverRegistry::create(
    const std::string& name, const LockDriverContext& context) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& candidate : names())
      known += (known.empty() ? "'" : ", '") + candidate + "'";
    return makeError(
        ErrorCode::ConfigUnsupported, ErrorDomain::Locking,
        "lock manager '" + name + "' is not supported; this build knows " + known + ".");
  }
  return it->second(context);
}

std::vector<std::string> LockDriverRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_)
    out.push_back(name);
  return out;
}

}  // namespace virtus::locking
