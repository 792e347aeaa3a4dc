#pragma once

// Error: the one shape of a failure in baton. ASL's errors already are (Error, Cause) with
// open-ended names that Retry and Catch match; AWS's API errors are (__type, message). One type
// carries both, and travels as a value: a failing state is data, not an exception.

#include <string>
#include <utility>
#include <vector>

#include "core/expected.h"

namespace baton {

struct Error {
  std::string name;   // "States.Runtime", "ExecutionDoesNotExist", or a user's own
  std::string cause;  // what went wrong and where, for a person
  // Further members of an AWS error, by the model's member names (Lambda's Reason ...).
  std::vector<std::pair<std::string, std::string>> fields = {};

  friend bool operator==(const Error&, const Error&) = default;
};

template <class T>
using Result = Expected<T, Error>;

inline Unexpected<Error> fail(std::string name, std::string cause) {
  return Unexpected<Error>(Error{std::move(name), std::move(cause)});
}

}  // namespace baton
