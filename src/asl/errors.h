#pragma once

// The predefined error names of the Amazon States Language, and how Retry and Catch match
// them. Names are constants here and nowhere retyped.

#include <span>
#include <string>
#include <string_view>

namespace baton::asl::errors {

inline constexpr std::string_view kAll = "States.ALL";
inline constexpr std::string_view kDataLimitExceeded = "States.DataLimitExceeded";
inline constexpr std::string_view kRuntime = "States.Runtime";
inline constexpr std::string_view kTimeout = "States.Timeout";
inline constexpr std::string_view kHeartbeatTimeout = "States.HeartbeatTimeout";
inline constexpr std::string_view kTaskFailed = "States.TaskFailed";
inline constexpr std::string_view kPermissions = "States.Permissions";
inline constexpr std::string_view kResultPathMatchFailure = "States.ResultPathMatchFailure";
inline constexpr std::string_view kParameterPathFailure = "States.ParameterPathFailure";
inline constexpr std::string_view kQueryEvaluationError = "States.QueryEvaluationError";
inline constexpr std::string_view kBranchFailed = "States.BranchFailed";
inline constexpr std::string_view kNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr std::string_view kIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr std::string_view kExceedToleratedFailureThreshold =
    "States.ExceedToleratedFailureThreshold";
inline constexpr std::string_view kItemReaderFailed = "States.ItemReaderFailed";
inline constexpr std::string_view kResultWriterFailed = "States.ResultWriterFailed";

// True when a Retrier's or Catcher's ErrorEquals list matches `error`:
// a name matches itself; States.ALL matches everything but States.Runtime and
// States.DataLimitExceeded (which only their own names catch); States.TaskFailed matches every
// error except States.Timeout. A missed heartbeat is the error States.Timeout that
// States.HeartbeatTimeout also matches.
bool matches(std::span<const std::string> error_equals, std::string_view error,
             bool missed_heartbeat = false);

// Names the language reserves: those beginning with "States.".
bool is_predefined(std::string_view name);

}  // namespace baton::asl::errors
