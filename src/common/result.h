// Result<T>: a value or an Error, shaped like C++23 std::expected<T, Error> so that it can
// become an alias later. Project code does not throw; fallible functions return Result.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/error.h"

namespace virtus {

template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& value) : v_(std::in_place_index<0>, value) {}        // NOLINT: implicit by design
  Result(T&& value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <class U, class = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::decay_t<U>, Result> &&
                                              !std::is_same_v<std::decay_t<U>, Error>>>
  Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}      // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(v_));
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const { assert(has_value()); }

  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  Error&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool failed_ = false;
};

inline Result<void> ok() {
  return {};
}

}  // namespace virtus

#define VIRTUS_CONCAT_INNER(a, b) a##b
#define VIRTUS_CONCAT(a, b) VIRTUS_CONCAT_INNER(a, b)

// TRY(expr): return the error of a failed Result from the enclosing function.
#define TRY(expr)                                   \
  do {                                              \
    auto&& virtus_try_result_ = (expr);             \
    if (!virtus_try_result_) {                      \
      return std::move(virtus_try_result_).error(); \
    }                                               \
  } while (0)

// TRY_ASSIGN(decl, expr): `TRY_ASSIGN(auto def, parsePool(xml));` declares or assigns from
// the value of a successful Result, or returns its error.
#define TRY_ASSIGN(lhs, expr) \
  TRY_ASSIGN_IMPL(VIRTUS_CONCAT(virtus_try_assign_, __LINE__), lhs, expr)
#define TRY_ASSIGN_IMPL(tmp, lhs, expr) \
  auto&& tmp = (expr);                  \
  if (!tmp) {                           \
    return std::move(tmp).error();      \
  }                                     \
  lhs = std::move(tmp).value()
