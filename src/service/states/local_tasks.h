#pragma once

// How `baton run` serves a Task: a Step Functions Local mock first, then a local command
// standing in for a Lambda function. Internal to service/; one per run, not thread-safe.

#include <map>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "core/random.h"
#include "engine/command.h"
#include "engine/event.h"
#include "service/states/lambda_results.h"
#include "service/states/local_run.h"

namespace baton::service::states {

class LocalTasks {
 public:
  LocalTasks(const LocalRunOptions& options, std::uint64_t seed) : options_(options), seed_(seed) {}

  // A seed for a child execution, drawn from the run's.
  std::uint64_t next_seed() { return mix64(seed_ + ++children_); }

  // Runs the task now. The event is its outcome; none when it timed out (the engine's own
  // timer reports that).
  [[nodiscard]] Result<std::optional<engine::Event>> invoke(
      const engine::commands::InvokeTask& task, Clock& clock);

 private:
  Result<std::optional<engine::Event>> invoke_hosted(const engine::commands::InvokeTask& task,
                                                     const runtime::FunctionConfig& function,
                                                     Clock& clock);

  const LocalRunOptions& options_;
  std::map<std::string, std::int64_t> invocations_;  // per state, for the mock numbering
  std::uint64_t seed_;
  std::uint64_t requests_ = 0;
  std::uint64_t children_ = 0;
};

}  // namespace baton::service::states
