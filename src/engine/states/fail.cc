// The Fail state.

#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

namespace {

// An ErrorPath or CausePath value as text: strings as they are, anything else as JSON.
std::string as_text(const Value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::to_string(v);
}

}  // namespace

void Interpreter::run_fail(Frame& f) {
  const auto& fail_state = state_of(f).as<asl::FailState>();
  std::string error = fail_state.error.value_or("");
  std::optional<std::string> cause = fail_state.cause;
  if (fail_state.error_path) {
    auto v = evaluate_expression(f, *fail_state.error_path, f.input, "ErrorPath");
    if (!v) return raise_state(f, v.error());
    error = as_text(*v);
  }
  if (fail_state.cause_path) {
    auto v = evaluate_expression(f, *fail_state.cause_path, f.input, "CausePath");
    if (!v) return raise_state(f, v.error());
    cause = as_text(*v);
  }
  fail_frame(f, error, cause);
}

}  // namespace baton::engine
