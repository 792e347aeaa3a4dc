#pragma once

// The interpreter behind engine::step, internal to engine/. One Interpreter lives for one
// step: it borrows the definition and the state, advances every thread that can move, and
// collects the history and commands. The state types' behaviour lives in states/*.cc, error
// handling in retry.cc; this header is what they share.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asl/definition.h"
#include "asl/scope.h"
#include "core/error.h"
#include "engine/command.h"
#include "engine/event.h"
#include "engine/execution_state.h"
#include "engine/history.h"

namespace baton::engine {

// An error raised by a state, on its way to Retry and Catch.
struct StateError {
  std::string error;
  std::optional<std::string> cause;
  // Raised by the state's own data processing (paths, templates, intrinsics): the cause gets
  // "An error occurred while executing the state ..." and States.Runtime is never caught.
  bool from_state = false;
  // Raised by a task's result (so ResultSelector etc. did not run).
  bool from_task = false;
  // A task's missed heartbeat: recorded as States.Timeout, as AWS does, yet matched by a
  // retrier or catcher naming States.HeartbeatTimeout.
  bool missed_heartbeat = false;
};

// Variables visible from a frame: its own, then each enclosing thread's.
class FrameVariables : public asl::Variables {
 public:
  FrameVariables(const ExecutionState& state, FrameId frame) : state_(state), frame_(frame) {}
  const json::Value* find(std::string_view name) const override;

 private:
  const ExecutionState& state_;
  FrameId frame_;
};

class Interpreter {
 public:
  Interpreter(const asl::Definition& definition, ExecutionState& state, History& history,
              std::vector<Command>& commands, Timestamp now)
      : definition_(definition), state_(state), history_(history), commands_(commands), now_(now) {}

  // Event handlers (step.cc).
  void start(events::ExecutionStarted&& event);
  [[nodiscard]] Expected<void, Error> handle(const Event& event);

  // --- shared by the state implementations ---
  const asl::Definition& definition() const { return definition_; }
  ExecutionState& state() { return state_; }
  Timestamp now() const { return now_; }
  Frame& frame(FrameId id) { return state_.frames[id]; }
  const asl::Graph& graph_of(const Frame& f) const { return *definition_.graphs[f.graph]; }
  const asl::State& state_of(const Frame& f) const { return graph_of(f).states[f.state]; }
  bool running() const { return state_.status == ExecutionStatus::RUNNING && !halted_; }

  // Records an event for frame `f` (its previousEventId is the frame's last event), and makes
  // it the frame's last event unless `advance` is false.
  HistoryEvent& record(Frame& f, HistoryEventType type, EventDetails&& details,
                       bool advance = true);
  HistoryEvent& record_with_previous(std::int64_t previous, HistoryEventType type,
                                     EventDetails&& details);

  // What the context object shows beyond the execution and the state.
  struct ContextExtras {
    std::string task_token;                 // $$.Task.Token, for .waitForTaskToken Parameters
    const json::Value* map_item = nullptr;  // $$.Map.Item.Value, in a Map's ItemSelector
    std::int64_t map_index = 0;             // $$.Map.Item.Index
    const json::Value* map_key = nullptr;   // $$.Map.Item.Key, when the items are an object
  };
  // The scope a frame's expressions read.
  asl::Scope scope(const Frame& f, const json::Value& input, const json::Value* context,
                   const FrameVariables& variables);
  // The context object ($$) as the frame's current state sees it.
  json::Value context_object(const Frame& f, const ContextExtras& extras);
  // Evaluation for a frame; the context object is built only when the expression reads it.
  Result<json::Value> evaluate_template(const Frame& f, const asl::PayloadTemplate& t,
                                        const json::Value& input, const ContextExtras& extras);
  Result<json::Value> select(const Frame& f, const std::optional<asl::Path>& path,
                             const json::Value& input);
  Result<json::Value> evaluate_expression(const Frame& f, const asl::Expression& e,
                                          const json::Value& input, std::string_view field);
  // Assign: the values are computed with the variables as the state found them...
  Expected<json::Value, StateError> evaluate_assign(
      const Frame& f, const std::optional<asl::PayloadTemplate>& assign, const json::Value& result);
  // ...and become visible only when the state is done.
  void commit_assign(Frame& f, const json::Value& assigned);

  // Continue the frame with the next state (or end its graph) with `output`.
  void transition(Frame& f, json::Value output);
  // The frame's graph ended with `output`.
  void finish_frame(Frame& f, json::Value output);
  // A state failed: Retry, then Catch, then the frame fails.
  void raise(Frame& f, StateError error);
  // The frame failed with no handler left: the parent (or the execution) fails.
  void fail_frame(Frame& f, const std::string& error, const std::optional<std::string>& cause);
  // Stops a frame and everything under it: timers and tasks are cancelled. Records
  // `aborted_event` for a state in flight when it is given.
  void abort_frame(FrameId id);

  // Timers and tasks.
  std::uint64_t schedule_timer(TimerPurpose purpose, Timestamp at);
  void cancel_timer(std::uint64_t& id);
  std::string new_task_token();
  // Queues a frame whose phase is Running to be advanced; a frame already queued or being
  // advanced is left alone.
  void make_ready(FrameId id);
  FrameId new_frame(FrameId parent, std::uint32_t graph, json::Value input);

  // Runs every ready frame as far as it can go.
  void run();

  // State types (states/*.cc): enter the frame's current state.
  void run_pass(Frame& f);
  void run_task(Frame& f);
  void run_choice(Frame& f);
  void run_wait(Frame& f);
  void run_succeed(Frame& f);
  void run_fail(Frame& f);
  void run_parallel(Frame& f);
  void run_map(Frame& f);

  // Continuations.
  void invoke_task(Frame& f);  // (re)sends the task of a Task state
  void task_succeeded(Frame& f, json::Value result);
  void task_failed(Frame& f, StateError error, HistoryEventType event_type);
  void task_started(Frame& f, const std::string& worker_name);
  void task_submitted(Frame& f, json::Value output);
  void task_heartbeat(Frame& f);
  void wait_elapsed(Frame& f);
  void retry_elapsed(Frame& f);
  void child_succeeded(Frame& parent, Frame& child, json::Value output);
  void child_failed(Frame& parent, Frame& child, const std::string& error,
                    const std::optional<std::string>& cause);

  // The end of a state whose result is known: ResultSelector, ResultPath, OutputPath, Assign,
  // the Exited event, and the transition.
  void complete_state(Frame& f, json::Value result, bool apply_result_selector);
  // Records the state's Exited event, makes its assignments visible, and moves on: to `next`
  // when given (Choice, Catch), else as the state says.
  void exit_state(Frame& f, json::Value output, const json::Value& assigned,
                  std::optional<asl::StateIndex> next = std::nullopt);
  // raise() for an error of the state's own making (a path, a template, an intrinsic).
  void raise_state(Frame& f, const Error& error);
  // The Aborted event of the state a frame is in, if it is waiting on something.
  void record_aborted(Frame& f, std::int64_t previous);
  // Parallel and Map (re)start their children; a Retry starts them again.
  void start_parallel(Frame& f);
  void start_map(Frame& f);
  void start_iteration(Frame& map_frame, std::int64_t previous);
  // Distributed Map (states/distributed_map.cc).
  void run_distributed_map(Frame& f, json::Value effective, json::Value items);
  void start_map_run(Frame& f);
  void start_child_execution(Frame& f);
  // Starts children while the Map Run's concurrency allows and items remain.
  void start_child_executions(Frame& f);
  // The Map Run has ended well: its events, and the Map state's output.
  void succeed_map_run(Frame& f);
  // Whether `f` is a Distributed Map waiting on its Map Run's children.
  bool awaiting_map_run(const Frame& f) const;
  // Tells the host where a Map Run stands (commands::RecordMapRun).
  void record_map_run(const Frame& f, std::string status);
  Expected<void, Error> update_map_run(const events::MapRunUpdated& event);
  void child_execution_finished(const events::ChildExecutionFinished& event);

  // "An error occurred while executing the state 'X' (entered at the event id #N). "
  std::string state_error_prefix(const Frame& f) const;

  // The quotas of engine/data_limits.h (data_limits.cc): States.DataLimitExceeded for a value a
  // frame's state made, in the role it plays, or for the variables an Assign would set.
  enum class Payload { Input, Result, Output };
  std::optional<StateError> payload_error(const Frame& f, const json::Value& value,
                                          Payload role) const;
  // The same for what `subject` (a state, or the resource a task ran) made, measuring `m`.
  std::optional<StateError> limit_error(std::string_view subject, json::Measure m,
                                        Payload role) const;
  std::optional<StateError> assign_error(const Frame& f, const json::Value& assigned) const;
  // Whether `bytes` passes `quota`, unless this execution runs without payload quotas.
  bool over_quota(std::uint64_t bytes, std::size_t quota) const;
  // A Parallel's or Map's child has produced `output`: false when the results gathered so far
  // pass the payload quota, and the state has failed.
  bool gather_result(Frame& parent, const json::Value& output);
  // Stops the children of a Parallel or Map still running, after the event `failing`.
  void abort_children(Frame& parent, std::int64_t failing);

 private:
  void enter_state(Frame& f);
  void end_execution(ExecutionStatus status, std::optional<json::Value> output,
                     std::optional<std::string> error, std::optional<std::string> cause,
                     HistoryEventType type, std::int64_t previous);
  Expected<void, Error> handle_task_event(const std::string& token, const Event& event);
  void handle_timer(std::uint64_t timer_id);
  void stop(const events::StopRequested& event);
  void redrive();

  const asl::Definition& definition_;
  ExecutionState& state_;
  History& history_;
  std::vector<Command>& commands_;
  Timestamp now_;
  // Frames to advance, a queue linked through Frame::next_ready.
  FrameId ready_head_ = kNoFrame;
  FrameId ready_tail_ = kNoFrame;
  FrameId advancing_ = kNoFrame;
  bool halted_ = false;
  // The frame whose Catch is being applied: an error on the way out of a Catch (its output or
  // Assign too large) ends the frame, rather than being caught again.
  FrameId catching_ = kNoFrame;
  HistoryEvent scratch_;  // where events go once the history limit has ended the execution
};

}  // namespace baton::engine
