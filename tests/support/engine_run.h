#pragma once

// Drives engine::step by hand for tests: starts an execution of a definition at a fixed time
// with a fixed seed, lets a test answer tasks and fire timers, and renders the history as
// text, one event per line ("2<0 PassStateEntered P"), so expectations read like the run.

#include <string>
#include <string_view>
#include <vector>

#include "asl/parse.h"
#include "engine/step.h"

namespace baton::testing {

class EngineRun {
 public:
  // Parses `definition` (failing the test when it is invalid) and starts the execution.
  explicit EngineRun(std::string_view definition, std::string_view input = "{}",
                     std::uint64_t seed = 1, std::int64_t max_history_events = 25000);

  // Feeds one event; false when the engine rejected it.
  bool send(const engine::Event& event);
  bool succeed(std::string token, std::string_view output_json);
  bool fail_task(std::string token, const std::string& error,
                 std::optional<std::string> cause = std::nullopt);
  // Fires the earliest pending timer, moving the clock to its time. False when none is left.
  bool fire_next_timer();
  void stop(std::optional<std::string> error = {}, std::optional<std::string> cause = {});

  // The tasks sent and not yet answered, oldest first.
  const std::vector<engine::commands::InvokeTask>& open_tasks() const { return open_tasks_; }
  // Every InvokeTask ever sent.
  const std::vector<engine::commands::InvokeTask>& all_tasks() const { return all_tasks_; }
  const std::vector<engine::commands::StartChildExecution>& children() const { return children_; }
  // Pending timers as (time, id), soonest first.
  const std::vector<std::pair<Timestamp, std::uint64_t>>& timers() const { return timers_; }

  const engine::ExecutionState& state() const { return state_; }
  const engine::History& history() const { return history_; }
  const std::vector<engine::Event>& events() const { return events_; }
  const asl::Definition& definition() const { return *definition_; }
  std::string status() const;
  std::string output() const;  // compact JSON, or "" when there is none
  // "id<prev Type detail", one line per event.
  std::string history_text() const;
  Timestamp now() const { return now_; }
  static Timestamp start_time();

 private:
  void apply(engine::Step& step);

  std::shared_ptr<const asl::Definition> definition_;
  engine::ExecutionState state_;
  engine::History history_;
  std::vector<engine::Event> events_;
  std::vector<engine::commands::InvokeTask> open_tasks_;
  std::vector<engine::commands::InvokeTask> all_tasks_;
  std::vector<engine::commands::StartChildExecution> children_;
  std::vector<std::pair<Timestamp, std::uint64_t>> timers_;
  Timestamp now_;
};

// Renders one event as history_text() does.
std::string event_text(const engine::HistoryEvent& event);

}  // namespace baton::testing
