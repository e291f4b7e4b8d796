// input_error: what was wrong with something the user gave us, and where.
// Bad input is an expected outcome, not an exception: parsers return parse_result<T>.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace gridctl {

/// A problem in user input: `where` is "FILE:LINE" or "FILE" (may be empty), `message` says what.
struct input_error {
  std::string where;
  std::string message;

  /// "FILE:LINE: message", the form every error about a file is printed in.
  std::string text() const { return where.empty() ? message : where + ": " + message; }
};

/// Either a value or the input_error explaining why there is none.
template <class T>
class parse_result {
 public:
  parse_result(T value) : state_(std::move(value)) {}
  parse_result(input_error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const input_error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, input_error> state_;
};

}  // namespace gridctl
