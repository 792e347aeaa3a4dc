#include "service/states/local_run.h"

#include <deque>
#include <set>

#include "core/random.h"
#include "engine/step.h"
#include "service/states/local_tasks.h"

namespace baton::service::states {

using json::Value;

namespace {

// Runs one execution (the state machine, or a Distributed Map's child) to its end.
Result<LocalRunResult> run_execution(const asl::Definition& definition,
                                     const engine::events::ExecutionStarted& start, Clock& clock,
                                     const LocalRunOptions& options, LocalTasks& tasks) {
  LocalRunResult result;
  std::deque<engine::Event> pending;
  std::set<std::pair<Timestamp, std::uint64_t>> timers;
  std::map<std::uint64_t, Timestamp> timer_times;
  std::optional<Error> run_error;

  auto apply = [&](engine::Step& step) {
    result.state = std::move(step.state);
    for (engine::HistoryEvent& e : step.history) result.history.push_back(std::move(e));
    for (engine::Command& command : step.commands) {
      if (auto* invoke = std::get_if<engine::commands::InvokeTask>(&command)) {
        auto event = tasks.invoke(*invoke, clock);
        if (!event) {
          run_error = std::move(event).error();
          continue;
        }
        if (*event) pending.push_back(std::move(**event));
      } else if (auto* schedule = std::get_if<engine::commands::ScheduleTimer>(&command)) {
        timers.emplace(schedule->at, schedule->id);
        timer_times[schedule->id] = schedule->at;
      } else if (auto* child = std::get_if<engine::commands::StartChildExecution>(&command)) {
        // Children run one after another, to their end, before the parent goes on.
        engine::events::ExecutionStarted child_start{
            .time = clock.now(),
            .identity = child->identity,
            .input = child->input,
            .seed = tasks.next_seed(),
            .max_history_events = child->express ? 0 : 25000,
            .max_payload_bytes = options.max_payload_bytes,
            .root_graph = child->graph};
        auto ran = run_execution(definition, child_start, clock, options, tasks);
        if (!ran) {
          run_error = std::move(ran).error();
          continue;
        }
        const engine::ExecutionState& done = ran->state;
        pending.push_back(engine::events::ChildExecutionFinished{
            clock.now(), child->identity.execution_arn,
            std::string(engine::execution_status_name(done.status)), done.output.value_or(Value()),
            done.error, done.cause});
      } else if (auto* cancel = std::get_if<engine::commands::CancelTimer>(&command)) {
        auto it = timer_times.find(cancel->id);
        if (it != timer_times.end()) {
          timers.erase({it->second, cancel->id});
          timer_times.erase(it);
        }
      }
    }
  };

  auto first = engine::step(definition, engine::ExecutionState{}, start);
  if (!first) return Unexpected<Error>(std::move(first).error().error);
  apply(*first);

  while (result.state.status == engine::ExecutionStatus::RUNNING) {
    if (run_error) return Unexpected<Error>(std::move(*run_error));
    engine::Event event;
    if (!pending.empty()) {
      event = std::move(pending.front());
      pending.pop_front();
    } else if (!timers.empty()) {
      auto [at, id] = *timers.begin();
      timers.erase(timers.begin());
      timer_times.erase(id);
      clock.sleep_until(at);
      event = engine::events::TimerFired{clock.now(), id};
    } else {
      return fail("ExecutionStuck",
                  "the execution waits for a task result that nothing will send (an activity "
                  "or a callback with no mock)");
    }
    auto next = engine::step(definition, std::move(result.state), event);
    if (!next) {
      // A late event for a task that has moved on; the state is unchanged.
      result.state = std::move(next.error().state);
      continue;
    }
    apply(*next);
  }
  if (run_error) return Unexpected<Error>(std::move(*run_error));
  return result;
}

}  // namespace

Result<LocalRunResult> run_locally(const asl::Definition& definition, const Value& input,
                                   Clock& clock, const LocalRunOptions& options) {
  std::uint64_t seed = options.seed != 0 ? options.seed : os_entropy();
  LocalTasks tasks(options, seed);
  engine::ExecutionIdentity identity;
  identity.region = options.region;
  Random names(seed ^ 0x5eed);
  identity.name = options.execution_name.empty() ? uuid_v4(names) : options.execution_name;
  identity.state_machine_name = options.state_machine_name;
  identity.state_machine_arn = "arn:aws:states:" + options.region + ":" + options.account +
                               ":stateMachine:" + options.state_machine_name;
  identity.execution_arn = "arn:aws:states:" + options.region + ":" + options.account +
                           (options.express ? ":express:" : ":execution:") +
                           options.state_machine_name + ":" + identity.name;
  identity.role_arn = "arn:aws:iam::" + options.account + ":role/baton-local";
  engine::events::ExecutionStarted start{.time = clock.now(),
                                         .identity = identity,
                                         .input = input,
                                         .seed = seed,
                                         .max_history_events = options.express ? 0 : 25000,
                                         .max_payload_bytes = options.max_payload_bytes};
  return run_execution(definition, start, clock, options, tasks);
}

}  // namespace baton::service::states
