#pragma once

// Expected<T, E>: a value or an error, shaped like C++23's std::expected so that switching to
// the standard one later is a `using`. GCC 12 offers std::expected only under -std=c++23 and
// clang 14 (the fuzz build) not at all, hence ours.

#include <type_traits>
#include <utility>
#include <variant>

#include "core/check.h"

namespace baton {

template <class E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

template <class T, class E>
class [[nodiscard]] Expected {
 public:
  using value_type = T;
  using error_type = E;

  Expected() requires std::is_default_constructible_v<T> : data_(std::in_place_index<0>) {}
  Expected(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  template <class U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Expected> &&
           !std::is_same_v<std::decay_t<U>, T>) Expected(U&& value)
      : data_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  template <class G>
  Expected(Unexpected<G> error)  // NOLINT: implicit, as std::expected
      : data_(std::in_place_index<1>, std::move(error).error()) {}

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    BATON_CHECK(has_value(), "value() of an Expected holding an error");
    return std::get<0>(data_);
  }
  const T& value() const& {
    BATON_CHECK(has_value(), "value() of an Expected holding an error");
    return std::get<0>(data_);
  }
  T&& value() && {
    BATON_CHECK(has_value(), "value() of an Expected holding an error");
    return std::get<0>(std::move(data_));
  }
  const E& error() const& {
    BATON_CHECK(!has_value(), "error() of an Expected holding a value");
    return std::get<1>(data_);
  }
  E&& error() && {
    BATON_CHECK(!has_value(), "error() of an Expected holding a value");
    return std::get<1>(std::move(data_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> data_;
};

template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  template <class G>
  Expected(Unexpected<G> error) : error_(std::move(error).error()), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const& {
    BATON_CHECK(!ok_, "error() of an Expected holding a value");
    return error_;
  }
  E&& error() && {
    BATON_CHECK(!ok_, "error() of an Expected holding a value");
    return std::move(error_);
  }

 private:
  E error_{};
  bool ok_ = true;
};

}  // namespace baton
