#pragma once

// The interpreter's one entry point:
//   step(definition, state, event) -> {state, history, commands}
// Pure and deterministic: no I/O, no clock, no threads, no randomness but the seed in the
// state. The same events replayed into a fresh state give the same state and history.

#include <vector>

#include "asl/definition.h"
#include "core/error.h"
#include "engine/command.h"
#include "engine/event.h"
#include "engine/execution_state.h"
#include "engine/history.h"

namespace baton::engine {

struct Step {
  ExecutionState state;
  History history;  // the events this step added, in order
  std::vector<Command> commands;
};

// Advances the execution by one event, as far as it can go without outside help.
// Errors (the event does not apply; the state is returned unchanged inside the error's step):
//   TaskDoesNotExist  a task event whose token is not awaited
//   ExecutionDoesNotExist  an event other than ExecutionStarted before the execution started
//   ExecutionAlreadyFinished  any event after the execution ended (TimerFired is ignored)
struct Rejected {
  Error error;
  ExecutionState state;  // unchanged
};
// `event` is taken by value: what it carries (the input, the identity) moves into the state.
[[nodiscard]] Expected<Step, Rejected> step(const asl::Definition& definition, ExecutionState state,
                                            Event event);

// The child executions the execution's Distributed Maps wait on, as the commands that started
// them: a host re-issues those it cannot find after a crash.
std::vector<commands::StartChildExecution> awaited_child_executions(
    const asl::Definition& definition, const ExecutionState& state);

}  // namespace baton::engine
