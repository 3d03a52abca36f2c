// The real services started once per test run (tests/services/NAME.sh, ctest fixtures set
// up by virtus_add_test's SERVICES): each writes VIRTUS_SERVICES_DIR/NAME/env, KEY=VALUE
// lines that say how to reach it. Header-only.
//
//   TEST(RbdReal, Lists) {
//     VIRTUS_NEED_SERVICE(ceph, "ceph");
//     std::string conf = ceph.get("CEPH_CONF");
//
// Without the service (a test binary run by hand, outside ctest) the test is skipped, unless
// VIRTUS_REQUIRE_SERVICES is set (make check sets it), where it fails.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace virtus::testing {

struct ServiceEnv {
  std::string dir;  // VIRTUS_SERVICES_DIR/NAME
  std::map<std::string, std::string> values;
  // "" for a key the service did not write.
  std::string get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  }
};

inline std::optional<ServiceEnv> readServiceEnv(const std::string& name) {
  const char* root = std::getenv("VIRTUS_SERVICES_DIR");
  if (!root || !*root)
    return std::nullopt;
  ServiceEnv env;
  env.dir = std::string(root) + "/" + name;
  std::ifstream in(env.dir + "/env");
  if (!in)
    return std::nullopt;
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos)
      continue;
    env.values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

inline bool servicesRequired() {
  const char* v = std::getenv("VIRTUS_REQUIRE_SERVICES");
  return v && *v && std::string(v) != "0";
}

}  // namespace virtus::testing

// Declares `var` (a ServiceEnv) or ends the test: skipped, or failed under
// VIRTUS_REQUIRE_SERVICES.
#define VIRTUS_NEED_SERVICE(var, name)                                                   \
  auto var##_opt = ::virtus::testing::readServiceEnv(name);                              \
  if (!var##_opt) {                                                                      \
    if (::virtus::testing::servicesRequired())                                           \
      FAIL() << "the " << (name) << " service is not running (tests/services/" << (name) \
             << ".sh start)";                                                            \
    GTEST_SKIP() << "the " << (name) << " service is not running";                       \
  }                                                                                      \
  const ::virtus::testing::ServiceEnv& var = *var##_opt
