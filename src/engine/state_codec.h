#pragma once

// ExecutionState as JSON, and back, losslessly: encode_state(decode_state(v)) == v, and a
// decoded state steps exactly as the original would. This is what a store keeps.

#include "core/error.h"
#include "core/json.h"
#include "engine/execution_state.h"

namespace baton::engine {

json::Value encode_state(const ExecutionState& state);
// Errors: InvalidExecutionState, naming the field that is wrong.
[[nodiscard]] Result<ExecutionState> decode_state(const json::Value& encoded);

}  // namespace baton::engine
