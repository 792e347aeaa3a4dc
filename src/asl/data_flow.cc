#include "asl/data_flow.h"

#include "asl/errors.h"

namespace baton::asl {

using json::Value;

namespace {

Unexpected<Error> runtime(std::string cause) {
  return fail(std::string(errors::kRuntime), std::move(cause));
}

Unexpected<Error> cannot_apply(const Path& path, const Value& input) {
  // AWS quotes the input as a JSON string inside the message.
  std::string quoted;
  json::write_string_literal(json::to_string(input), quoted);
  return runtime("Unable to apply ReferencePath " + path.text() + " to input " + quoted);
}

// Sets `steps[i..]` of `node` to `result`, creating objects for missing names.
Result<Value> set_at(const Value& node, const std::vector<Path::Step>& steps, std::size_t i,
                     Value result, bool& applicable) {
  if (i == steps.size()) return result;
  const Path::Step& step = steps[i];
  if (step.is_index()) {
    if (!node.is_array() || step.index >= static_cast<long long>(node.size())) {
      applicable = false;
      return Value();
    }
    std::vector<Value> items(node.as_array().begin(), node.as_array().end());
    auto index = static_cast<std::size_t>(step.index);
    auto inner = set_at(items[index], steps, i + 1, std::move(result), applicable);
    if (!applicable) return Value();
    items[index] = std::move(*inner);
    return Value::array(std::move(items));
  }
  if (!node.is_object()) {
    applicable = false;
    return Value();
  }
  const Value* existing = node.find(step.name);
  static const Value kEmpty = Value::object({});
  auto inner =
      set_at(existing != nullptr ? *existing : kEmpty, steps, i + 1, std::move(result), applicable);
  if (!applicable) return Value();
  return json::with_member(node, step.name, std::move(*inner));
}

}  // namespace

Result<Value> select_path(const std::optional<Path>& path, const Scope& scope) {
  if (!path) return Value::object({});
  if (path->is_root() && path->root() == PathRoot::Input) return *scope.input;
  auto v = path->evaluate(scope);
  if (!v) return runtime("Invalid path '" + path->text() + "' : " + v.error().message);
  return std::move(*v);
}

Result<Value> apply_result_path(const std::optional<Path>& path, const Value& input, Value result) {
  if (!path) return input;
  if (path->is_root()) return result;
  bool applicable = true;
  auto v = set_at(input, path->reference_steps(), 0, std::move(result), applicable);
  if (!applicable) return cannot_apply(*path, input);
  return v;
}

Value error_output(std::string_view error, const std::optional<std::string>& cause) {
  json::ObjectBuilder b;
  b.add("Error", Value::string(error));
  if (cause) b.add("Cause", Value::string(*cause));
  return b.build();
}

}  // namespace baton::asl
