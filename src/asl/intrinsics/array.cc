// States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength,
// ArrayUnique.

#include <unordered_set>

#include "asl/intrinsics/functions.h"

namespace baton::asl {

using json::Value;

namespace {

// AWS limit, not the spec's: States.ArrayRange yields at most 1,000 elements.
constexpr long long kMaxArrayRangeLength = 1000;

// AWS compares array elements as written: objects with their keys in order, so {"a":1,"b":2}
// is not {"b":2,"a":1} to ArrayContains and ArrayUnique.
std::string identity(const Value& v) { return json::to_string(v); }

}  // namespace

Result<Value> intrinsic_array(const IntrinsicCall& call) {
  return Value::array(std::vector<Value>(call.args.begin(), call.args.end()));
}

Result<Value> intrinsic_array_partition(const IntrinsicCall& call) {
  long long size = 0;
  if (!call.args[0].is_array())
    return invalid_arguments(call, "the first argument must be an array");
  if (!truncated_integer(call.args[1], size) || size <= 0) {
    return invalid_arguments(call, "the chunk size must be a positive integer");
  }
  auto items = call.args[0].as_array();
  std::vector<Value> chunks;
  for (std::size_t i = 0; i < items.size(); i += static_cast<std::size_t>(size)) {
    std::size_t end = std::min(items.size(), i + static_cast<std::size_t>(size));
    chunks.push_back(Value::array(std::vector<Value>(items.begin() + static_cast<long>(i),
                                                     items.begin() + static_cast<long>(end))));
  }
  return Value::array(std::move(chunks));
}

Result<Value> intrinsic_array_contains(const IntrinsicCall& call) {
  if (!call.args[0].is_array())
    return invalid_arguments(call, "the first argument must be an array");
  std::string wanted = identity(call.args[1]);
  for (const Value& item : call.args[0].as_array()) {
    if (identity(item) == wanted) return Value::boolean(true);
  }
  return Value::boolean(false);
}

Result<Value> intrinsic_array_range(const IntrinsicCall& call) {
  long long start = 0;
  long long end = 0;
  long long step = 0;
  if (!truncated_integer(call.args[0], start) || !truncated_integer(call.args[1], end) ||
      !truncated_integer(call.args[2], step)) {
    return invalid_arguments(call, "the start, end and step must be numbers");
  }
  if (step == 0) return invalid_arguments(call, "the step must not be zero");
  long long count = 0;
  if (step > 0 && start <= end) count = (end - start) / step + 1;
  if (step < 0 && start >= end) count = (start - end) / -step + 1;
  if (count > kMaxArrayRangeLength) {
    return invalid_arguments(call, "the range would have more than 1000 elements");
  }
  std::vector<Value> items;
  items.reserve(static_cast<std::size_t>(count));
  for (long long i = 0; i < count; ++i) items.push_back(Value::integer(start + i * step));
  return Value::array(std::move(items));
}

Result<Value> intrinsic_array_get_item(const IntrinsicCall& call) {
  long long index = 0;
  if (!call.args[0].is_array())
    return invalid_arguments(call, "the first argument must be an array");
  if (!truncated_integer(call.args[1], index)) {
    return invalid_arguments(call, "the index must be a number");
  }
  if (index < 0 || index >= static_cast<long long>(call.args[0].size())) {
    return invalid_arguments(call, "the index " + std::to_string(index) +
                                       " is out of the bounds of an array of " +
                                       std::to_string(call.args[0].size()) + " items");
  }
  return call.args[0][static_cast<std::size_t>(index)];
}

Result<Value> intrinsic_array_length(const IntrinsicCall& call) {
  if (!call.args[0].is_array()) return invalid_arguments(call, "the argument must be an array");
  return Value::integer(static_cast<std::int64_t>(call.args[0].size()));
}

Result<Value> intrinsic_array_unique(const IntrinsicCall& call) {
  if (!call.args[0].is_array()) return invalid_arguments(call, "the argument must be an array");
  std::unordered_set<std::string> seen;
  std::vector<Value> unique;
  for (const Value& item : call.args[0].as_array()) {
    if (seen.insert(identity(item)).second) unique.push_back(item);
  }
  return Value::array(std::move(unique));
}

}  // namespace baton::asl
