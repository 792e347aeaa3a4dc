#pragma once

// A request value checked against its operation's input shape, as AWS's front ends check it
// before an operation runs: required members, types, enum values, lengths, ranges and
// patterns. The protocol decoders have already made the value (blobs are raw bytes,
// timestamps epoch seconds); this only judges it.

#include <optional>
#include <string>

#include "api/model.h"
#include "core/error.h"
#include "core/json.h"

namespace baton::api {

// How a service words what it refuses.
struct ValidationStyle {
  std::string constraint_error = "ValidationException";  // lengths, ranges, patterns, null
  std::string enum_error = "ValidationException";        // a value outside an enum
  std::string type_error = "SerializationException";     // a string where a number goes ...
  // Whether enum values are checked here; SQS checks its attribute names itself and answers
  // InvalidAttributeName.
  bool check_enums = true;
};

// The first type error, or every constraint violation in one message ("2 validation errors
// detected: Value '1001' at 'maxResults' failed to satisfy constraint: ..."), or nothing.
// Members are named as AWS's messages name them: the model's name with its first letter in
// lower case, nested ones joined by '.', list items as 'tags.1.member'.
std::optional<Error> validate(const Shape& input, const json::Value& request,
                              const ValidationStyle& style);

// Whether `text` matches an AWS model pattern (a Java regular expression) as a whole.
// Patterns that PCRE2 cannot compile match everything.
bool matches_pattern(const std::string& pattern, std::string_view text);

}  // namespace baton::api
