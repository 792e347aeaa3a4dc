// States.StringToJson, States.JsonToString, States.JsonMerge.

#include "asl/intrinsics/functions.h"

namespace baton::asl {

using json::Value;

Result<Value> intrinsic_string_to_json(const IntrinsicCall& call) {
  if (!call.args[0].is_string()) return invalid_arguments(call, "the argument must be a string");
  std::string_view text = call.args[0].as_string();
  // AWS reads an empty or blank string as null.
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Value::null();
  auto parsed = json::parse(text);
  if (!parsed) {
    return invalid_arguments(call, "the argument is not JSON: " + parsed.error().describe());
  }
  return std::move(*parsed);
}

Result<Value> intrinsic_json_to_string(const IntrinsicCall& call) {
  return Value::string(json::to_string(call.args[0]));
}

Result<Value> intrinsic_json_merge(const IntrinsicCall& call) {
  const Value& left = call.args[0];
  const Value& right = call.args[1];
  const Value& deep = call.args[2];
  if (!left.is_object() || !right.is_object()) {
    return invalid_arguments(call, "the first two arguments must be objects");
  }
  // Only the shallow mode exists: the third argument must be false (AWS also takes the
  // string "false").
  bool shallow =
      (deep.is_bool() && !deep.as_bool()) || (deep.is_string() && deep.as_string() == "false");
  if (!shallow) {
    return invalid_arguments(
        call, "only the shallow merge is supported: the third argument must be false");
  }
  std::vector<json::Member> members(left.members().begin(), left.members().end());
  for (const json::Member& m : right.members()) members.push_back(m);
  return Value::object(std::move(members));
}

}  // namespace baton::asl
