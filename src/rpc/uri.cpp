#include "rpc/uri.h"

#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cstdlib>

#include "common/hex.h"

namespace virtus::rpc {

namespace {

// Parameters libvirt's remote driver consumes itself and never forwards to the daemon.
constexpr std::array<std::string_view, 14> kClientOnlyParams = {
    "name",      "command", "socket",  "netcat",      "keyfile",
    "no_verify", "no_tty",  "pkipath", "known_hosts", "known_hosts_verify",
    "sshauth",   "mode",    "proxy",   "tls_priority"};

constexpr std::array<std::string_view, 3> kRemoteDrivers = {"qemu", "test", "virtus"};

std::optional<std::string> percentDecode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size())
      return std::nullopt;
    int hi = hexDigitValue(in[i + 1]), lo = hexDigitValue(in[i + 2]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Escapes what would break the query when the name is rebuilt.
std::string percentEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : in) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '%' || c == '&' || c == '#' || c == '=' || c == '+') {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Error badUri(std::string_view text, std::string_view why) {
  return makeError(ErrorCode::InvalidArg, ErrorDomain::Remote,
                   "cannot use the URI '" + std::string(text) + "': " + std::string(why));
}

}  // namespace

std::optional<std::string> ConnectUri::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name)
      return value;
  }
  return std::nullopt;
}

Result<ConnectUri> parseConnectUri(std::string_view text) {
  ConnectUri uri;
  uri.text = std::string(text);
  std::size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0)
    return makeError(ErrorCode::InternalError, ErrorDomain::Remote,
                     "Unable to parse URI '" + std::string(text) + "'");
  std::string_view scheme = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 3);
  if (std::size_t plus = scheme.find('+'); plus != std::string_view::npos) {
    uri.driver = std::string(scheme.substr(0, plus));
    uri.transport = std::string(scheme.substr(plus + 1));
  } else {
    uri.driver = std::string(scheme);
  }
  bool known = false;
  for (std::string_view d : kRemoteDrivers)
    known = known || d == uri.driver;
  if (!known)
    return makeError(ErrorCode::NoConnect, ErrorDomain::None,
                     "no connection driver available for " + std::string(text));
  if (!uri.transport.empty() && uri.transport != "unix")
    return badUri(text, "transport '" + uri.transport +
                            "' is not supported by virtus (use unix, or no transport)");
  if (std::size_t hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);
  std::string_view query;
  if (std::size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::size_t slash = rest.find('/');
  uri.host = std::string(rest.substr(0, slash));
  uri.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  if (!uri.host.empty())
    return badUri(text, "remote hosts are not supported by virtus yet; use a local URI");
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty())
      continue;
    std::size_t eq = item.find('=');
    auto key = percentDecode(item.substr(0, eq));
    auto value = percentDecode(eq == std::string_view::npos ? "" : item.substr(eq + 1));
    if (!key || !value)
      return badUri(text, "a query parameter has a bad percent escape");
    uri.params.emplace_back(std::move(*key), std::move(*value));
  }
  if (uri.embedded()) {
    if (!uri.transport.empty())
      return badUri(text, "virtus:/// URIs take no transport");
    if (uri.path != "/embed")
      return badUri(text, "the only virtus:/// URI is virtus:///embed?root=DIR");
    auto root = uri.param("root");
    if (!root || root->empty())
      return badUri(text, "virtus:///embed needs a root=DIR parameter");
  }
  return uri;
}

std::string connectOpenName(const ConnectUri& uri) {
  std::string name = uri.driver + "://" + uri.host + uri.path;
  char sep = '?';
  for (const auto& [key, value] : uri.params) {
    bool clientOnly = false;
    for (std::string_view p : kClientOnlyParams)
      clientOnly = clientOnly || p == key;
    if (clientOnly)
      continue;
    name += sep;
    name += percentEncode(key) + "=" + percentEncode(value);
    sep = '&';
  }
  return name;
}

std::string unixSocketPath(const ConnectUri& uri, const SocketEnvironment& env) {
  if (auto socket = uri.param("socket"))
    return *socket;
  if (uri.path != "/session")
    return "/run/libvirt/libvirt-sock";
  auto nonEmpty = [&](std::string_view name) -> std::optional<std::string> {
    auto v = env.getenv ? env.getenv(name) : std::nullopt;
    if (v && v->empty())
      return std::nullopt;
    return v;
  };
  if (auto runtime = nonEmpty("XDG_RUNTIME_DIR"))
    return *runtime + "/libvirt/libvirt-sock";
  if (auto cache = nonEmpty("XDG_CACHE_HOME"))
    return *cache + "/libvirt/libvirt-sock";
  return env.home + "/.cache/libvirt/libvirt-sock";
}

SocketEnvironment processSocketEnvironment() {
  SocketEnvironment env;
  env.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v)
      return std::nullopt;
    return std::string(v);
  };
  if (const char* home = std::getenv("HOME"); home && *home) {
    env.home = home;
  } else {
    passwd entry{};
    passwd* found = nullptr;
    std::array<char, 4096> buffer{};
    if (getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found &&
        found->pw_dir)
      env.home = found->pw_dir;
  }
  return env;
}

}  // namespace virtus::rpc
