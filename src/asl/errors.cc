#include "asl/errors.h"

namespace baton::asl::errors {

bool matches(std::span<const std::string> error_equals, std::string_view error,
             bool missed_heartbeat) {
  for (const std::string& name : error_equals) {
    if (name == error) return true;
    // A missed heartbeat is recorded as States.Timeout; States.HeartbeatTimeout names it alone.
    if (name == kHeartbeatTimeout && missed_heartbeat) return true;
    if (name == kTimeout && error == kHeartbeatTimeout) return true;
    if (name == kAll && error != kRuntime && error != kDataLimitExceeded) return true;
    if (name == kTaskFailed && error != kTimeout && error != kHeartbeatTimeout &&
        error != kRuntime && error != kDataLimitExceeded) {
      return true;
    }
  }
  return false;
}

bool is_predefined(std::string_view name) { return name.starts_with("States."); }

}  // namespace baton::asl::errors
