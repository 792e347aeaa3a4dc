#pragma once

// AWS's quotas on the data an execution makes, which every state's data flow checks: a state's
// input (after Parameters), its result and its output may not pass 256 KiB of JSON text; a
// variable may not pass 256 KiB, nor the variables one Assign sets together; all the
// variables of an execution may not pass 10 MiB. Past any of them the state fails with
// States.DataLimitExceeded. A value may also not nest deeper than json::kMaxDepth, so that
// what baton keeps always reads back.

#include <cstddef>

namespace baton::engine {

inline constexpr std::size_t kMaxPayloadBytes = 262144;
inline constexpr std::size_t kMaxVariableBytes = 262144;
inline constexpr std::size_t kMaxAssignBytes = 262144;
inline constexpr std::size_t kMaxExecutionVariablesBytes = 10 * 1024 * 1024;

}  // namespace baton::engine
