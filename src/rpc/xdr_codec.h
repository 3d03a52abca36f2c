// Encoding and decoding of whole values, driven by their C++ types, so that a protocol
// message is declared once as a struct and never hand-coded:
//
//   struct PoolLookupByNameArgs {
//     std::string name;
//     VIRTUS_XDR(name)
//   };
//
// Type mapping (libvirt's .x → C++):
//   int, enum, bool, char, short (4 bytes each)   std::int32_t / std::uint32_t / enums
//   hyper, unsigned hyper                          std::int64_t / std::uint64_t
//   remote_nonnull_string (string<4 MiB>)          std::string
//   remote_string and other T * (optional)         std::optional<T>
//   remote_uuid (opaque[16])                       Uuid
//   T x<N> (counted array)                         XdrList<T, N>
//   opaque x<N>                                    XdrOpaque<N>
//   T x[N] (fixed array)                           std::array<T, N>
//   struct                                         a struct with VIRTUS_XDR(fields…)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common/uuid.h"
#include "rpc/xdr.h"

// Lists the members that go on the wire, in order.
#define VIRTUS_XDR(...)           \
  auto xdrTie() {                 \
    return std::tie(__VA_ARGS__); \
  }                               \
  auto xdrTie() const {           \
    return std::tie(__VA_ARGS__); \
  }

namespace virtus::rpc {

template <class T, std::uint32_t Max = kListMax>
struct XdrList : std::vector<T> {
  using std::vector<T>::vector;
  static constexpr std::uint32_t kMax = Max;
};

template <std::uint32_t Max>
struct XdrOpaque {
  std::string bytes;
  static constexpr std::uint32_t kMax = Max;
  bool operator==(const XdrOpaque&) const = default;
};

// A void argument or result: no bytes on the wire.
struct Void {
  auto xdrTie() const { return std::tie(); }
  auto xdrTie() { return std::tie(); }
};

namespace xdr_detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
struct IsList : std::false_type {};
template <class T, std::uint32_t M>
struct IsList<XdrList<T, M>> : std::true_type {};

template <class T>
struct IsOpaque : std::false_type {};
template <std::uint32_t M>
struct IsOpaque<XdrOpaque<M>> : std::true_type {};

template <class T>
struct IsArray : std::false_type {};
template <class T, std::size_t N>
struct IsArray<std::array<T, N>> : std::true_type {};

template <class T>
concept Struct = requires(const T& t) {
  t.xdrTie();
};

// The fewest bytes one element of T takes, for the hostile-count check.
template <class T>
constexpr std::size_t minSize() {
  if constexpr (std::is_integral_v<T> && sizeof(T) == 8)
    return 8;
  else if constexpr (std::is_same_v<T, Uuid>)
    return 16;
  else
    return 4;
}

template <class T>
inline constexpr bool kAlwaysFalse = false;

}  // namespace xdr_detail

template <class T>
void xdrEncode(XdrWriter& w, const T& v) {
  using namespace xdr_detail;
  if constexpr (std::is_same_v<T, bool>) {
    w.u32(v ? 1 : 0);
  } else if constexpr (std::is_enum_v<T>) {
    w.i32(static_cast<std::int32_t>(v));
  } else if constexpr (std::is_integral_v<T> && sizeof(T) == 8) {
    w.u64(static_cast<std::uint64_t>(v));
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>)
      w.i32(v);
    else
      w.u32(v);
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.bytes(v);
  } else if constexpr (std::is_same_v<T, Uuid>) {
    w.fixed(std::string_view(reinterpret_cast<const char*>(v.bytes().data()), 16));
  } else if constexpr (IsOptional<T>::value) {
    w.u32(v.has_value() ? 1 : 0);
    if (v)
      xdrEncode(w, *v);
  } else if constexpr (IsList<T>::value) {
    w.u32(static_cast<std::uint32_t>(v.size()));
    for (const auto& e : v)
      xdrEncode(w, e);
  } else if constexpr (IsOpaque<T>::value) {
    w.bytes(v.bytes);
  } else if constexpr (IsArray<T>::value) {
    for (const auto& e : v)
      xdrEncode(w, e);
  } else if constexpr (Struct<T>) {
    std::apply([&](const auto&... field) { (xdrEncode(w, field), ...); }, v.xdrTie());
  } else {
    static_assert(kAlwaysFalse<T>, "no XDR mapping for this type");
  }
}

template <class T>
void xdrDecode(XdrReader& r, T& v) {
  using namespace xdr_detail;
  if constexpr (std::is_same_v<T, bool>) {
    v = r.u32() != 0;
  } else if constexpr (std::is_enum_v<T>) {
    v = static_cast<T>(r.i32());
  } else if constexpr (std::is_integral_v<T> && sizeof(T) == 8) {
    v = static_cast<T>(r.u64());
  } else if constexpr (std::is_integral_v<T>) {
    v = static_cast<T>(r.u32());
  } else if constexpr (std::is_same_v<T, std::string>) {
    auto s = r.bytes(kStringMax);
    if (s.find('\0') != std::string_view::npos)
      r.fail("a string contains a NUL byte");
    v.assign(s);
  } else if constexpr (std::is_same_v<T, Uuid>) {
    auto s = r.fixed(16);
    std::array<std::uint8_t, 16> b{};
    if (s.size() == 16)
      std::memcpy(b.data(), s.data(), 16);
    v = Uuid(b);
  } else if constexpr (IsOptional<T>::value) {
    std::uint32_t present = r.u32();
    if (present > 1) {
      r.fail("an optional value has a bad presence flag");
    } else if (present == 1) {
      v.emplace();
      xdrDecode(r, *v);
    } else {
      v.reset();
    }
  } else if constexpr (IsList<T>::value) {
    using E = typename T::value_type;
    std::uint32_t n = r.count(T::kMax, minSize<E>());
    v.clear();
    v.resize(n);
    for (auto& e : v) {
      xdrDecode(r, e);
      if (!r.ok())
        break;
    }
  } else if constexpr (IsOpaque<T>::value) {
    v.bytes.assign(r.bytes(T::kMax));
  } else if constexpr (IsArray<T>::value) {
    for (auto& e : v)
      xdrDecode(r, e);
  } else if constexpr (Struct<T>) {
    std::apply([&](auto&... field) { (xdrDecode(r, field), ...); }, v.xdrTie());
  } else {
    static_assert(kAlwaysFalse<T>, "no XDR mapping for this type");
  }
}

// The whole payload must be consumed: trailing bytes are as wrong as missing ones.
template <class T>
bool xdrDecodeAll(std::string_view payload, T& v, const char** why = nullptr) {
  XdrReader r(payload);
  xdrDecode(r, v);
  if (r.ok() && r.remaining() != 0)
    r.fail("the message has bytes after its payload");
  if (why)
    *why = r.failure();
  return r.ok();
}

template <class T>
std::string xdrEncodeToString(const T& v) {
  std::string out;
  XdrWriter w(out);
  xdrEncode(w, v);
  return out;
}

}  // namespace virtus::rpc
