#pragma once

// One execution run to its end in this process, as `baton run` does: the engine steps, timers
// wait on a clock (real or virtual), and tasks resolve to Step Functions Local mocks or to
// local commands standing in for Lambda functions.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "asl/definition.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "engine/execution_state.h"
#include "engine/history.h"
#include "runtime/function_host.h"
#include "service/states/mocks.h"

namespace baton::service::states {

struct LocalRunOptions {
  std::string state_machine_name = "local";
  std::string execution_name;  // generated when empty
  std::string region = "us-east-1";
  std::string account = "123456789012";
  bool express = false;  // no 25,000-event history limit
  // AWS's payload quota (256 KiB); 0: none, for workloads that go past it on purpose.
  std::int64_t max_payload_bytes = engine::kMaxPayloadBytes;
  std::uint64_t seed = 0;  // 0: from the operating system
  std::optional<MockTestCase> mocks;
  // Lambda function name -> shell command run with the payload on standard input.
  std::map<std::string, std::string> functions;
  // Lambda functions run by `host` (from a SAM template), by name.
  std::map<std::string, runtime::FunctionConfig> lambda_functions;
  runtime::FunctionHost* host = nullptr;
};

struct LocalRunResult {
  engine::ExecutionState state;
  engine::History history;
};

// Runs to the end. Errors are about the run, not the workflow (a workflow failure is a FAILED
// state): a task no mock or function serves, a mock file without the invocation asked for, an
// execution left waiting on something that cannot come.
[[nodiscard]] Result<LocalRunResult> run_locally(const asl::Definition& definition,
                                                 const json::Value& input, Clock& clock,
                                                 const LocalRunOptions& options);

}  // namespace baton::service::states
