// The checks of engine/data_limits.h: every value a state makes passes through one of them
// before it is recorded, kept or sent.

#include "engine/data_limits.h"

#include "asl/errors.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

namespace {

StateError data_limit(std::string cause) {
  return StateError{std::string(asl::errors::kDataLimitExceeded), std::move(cause), false, false};
}

std::string too_deep(std::string_view what) {
  return std::string(what) + " nested deeper than " + std::to_string(json::kMaxDepth) +
         " levels, the most a value may nest.";
}

}  // namespace

bool Interpreter::over_quota(std::uint64_t bytes, std::size_t quota) const {
  return state_.max_payload_bytes > 0 && bytes > quota;
}

std::optional<StateError> Interpreter::payload_error(const Frame& f, const Value& value,
                                                     Payload role) const {
  return limit_error(state_of(f).name, json::measure(value), role);
}

std::optional<StateError> Interpreter::limit_error(std::string_view subject, json::Measure m,
                                                   Payload role) const {
  if (!over_quota(m.bytes, kMaxPayloadBytes) && m.depth <= json::kMaxDepth) return std::nullopt;
  std::string who = "The state/task '" + std::string(subject) + "'";
  std::string what;
  switch (role) {
    case Payload::Input:
      what = who + " has an input";
      break;
    case Payload::Result:
      what = who + " returned a result";
      break;
    case Payload::Output:
      what = who + " has an output";
      break;
  }
  if (m.depth > json::kMaxDepth) return data_limit(too_deep(what));
  // AWS's words, for a result too large.
  return data_limit(what + " with a size exceeding the maximum number of bytes service limit.");
}

std::optional<StateError> Interpreter::assign_error(const Frame& f, const Value& assigned) const {
  if (!assigned.is_object() || assigned.size() == 0) return std::nullopt;
  for (const json::Member& m : assigned.members()) {
    json::Measure measured = json::measure(m.value);
    std::string variable = "The value assigned to the variable '" + std::string(m.name()) + "'";
    if (measured.depth > json::kMaxDepth) return data_limit(too_deep(variable));
    if (over_quota(measured.bytes, kMaxVariableBytes)) {
      return data_limit(variable + " exceeds the maximum size of " +
                        std::to_string(kMaxVariableBytes) + " bytes.");
    }
  }
  std::uint64_t total = json::measure(assigned).bytes;
  if (over_quota(total, kMaxAssignBytes)) {
    return data_limit("The variables assigned by the state '" + state_of(f).name +
                      "' together exceed the maximum size of " + std::to_string(kMaxAssignBytes) +
                      " bytes.");
  }
  for (const Frame& each : state_.frames) {
    if (each.alive && each.variables.is_object()) total += json::measure(each.variables).bytes;
  }
  if (over_quota(total, kMaxExecutionVariablesBytes)) {
    return data_limit("The variables of the execution would exceed the maximum size of " +
                      std::to_string(kMaxExecutionVariablesBytes) + " bytes.");
  }
  return std::nullopt;
}

}  // namespace baton::engine
