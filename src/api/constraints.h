#pragma once

// The Step Functions API model's constraints on request members (lengths, ranges, enums, JSON
// types), checked before a request reaches the service, as AWS's front end checks them: a
// violation is a ValidationException naming the member ("1 validation error detected: Value
// '1001' at 'maxResults' failed to satisfy constraint: ..."), a member of the wrong JSON type
// a SerializationException. Only top-level members; the service checks what lies deeper.

#include <optional>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

namespace baton::api {

// The error for the first kind of problem found in `request`, a JSON object sent to
// `operation`; nullopt when the members satisfy the model.
std::optional<Error> check_constraints(std::string_view operation, const json::Value& request);

}  // namespace baton::api
