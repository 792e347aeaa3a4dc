#pragma once

// The intrinsic functions themselves, one family per file in this folder, and the table that
// names them (intrinsics.cc). Internal to asl/.

#include <span>
#include <string>
#include <string_view>

#include "asl/intrinsics.h"
#include "asl/scope.h"
#include "core/error.h"
#include "core/json.h"

namespace baton::asl {

// The arguments of one call, evaluated, and what a function needs besides them.
struct IntrinsicCall {
  std::span<const json::Value> args;
  const Intrinsic& call;  // for literal raw text (States.Format) and the function's name
  const Scope& scope;
};

using IntrinsicImpl = Result<json::Value> (*)(const IntrinsicCall&);

enum class ArgKind { Any, String, Number, Array, Object, Boolean };

struct IntrinsicFunction {
  std::string_view name;  // "States.Format"
  int min_args;
  int max_args;      // -1: no limit
  ArgKind kinds[3];  // expected kinds of the first three arguments, for lint()
  IntrinsicImpl impl;
};

// The one table of supported functions (intrinsics.cc).
const IntrinsicFunction* find_intrinsic(std::string_view name);

// "Invalid arguments in States.X: <reason>", AWS's words for a bad argument, as an error
// value; the caller wraps it in "The function '...' had the following error: ...".
Unexpected<Error> invalid_arguments(const IntrinsicCall& call, std::string_view reason);

// A number argument as an integer, truncated toward zero as AWS does for ArrayRange,
// ArrayPartition, ArrayGetItem and MathRandom. False when it is not a number or does not fit.
bool truncated_integer(const json::Value& v, long long& out);

// Families.
Result<json::Value> intrinsic_format(const IntrinsicCall& call);
Result<json::Value> intrinsic_string_split(const IntrinsicCall& call);
Result<json::Value> intrinsic_base64_encode(const IntrinsicCall& call);
Result<json::Value> intrinsic_base64_decode(const IntrinsicCall& call);
Result<json::Value> intrinsic_string_to_json(const IntrinsicCall& call);
Result<json::Value> intrinsic_json_to_string(const IntrinsicCall& call);
Result<json::Value> intrinsic_json_merge(const IntrinsicCall& call);
Result<json::Value> intrinsic_array(const IntrinsicCall& call);
Result<json::Value> intrinsic_array_partition(const IntrinsicCall& call);
Result<json::Value> intrinsic_array_contains(const IntrinsicCall& call);
Result<json::Value> intrinsic_array_range(const IntrinsicCall& call);
Result<json::Value> intrinsic_array_get_item(const IntrinsicCall& call);
Result<json::Value> intrinsic_array_length(const IntrinsicCall& call);
Result<json::Value> intrinsic_array_unique(const IntrinsicCall& call);
Result<json::Value> intrinsic_hash(const IntrinsicCall& call);
Result<json::Value> intrinsic_math_random(const IntrinsicCall& call);
Result<json::Value> intrinsic_math_add(const IntrinsicCall& call);
Result<json::Value> intrinsic_uuid(const IntrinsicCall& call);

}  // namespace baton::asl
