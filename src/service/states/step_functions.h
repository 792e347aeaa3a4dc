#pragma once

// The Step Functions service: state machines, activities and executions, advanced by the engine.
// Internal to states/; everything here lives on the service thread.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "asl/definition.h"
#include "engine/execution_state.h"
#include "engine/history.h"
#include "engine/step.h"
#include "service/core.h"
#include "service/states/mocks.h"
#include "service/states/service_tasks.h"
#include "store/store.h"

namespace baton::service::states {

// An execution the service is running (or an EXPRESS one, held only here).
struct LiveExecution {
  std::string arn;
  std::shared_ptr<const asl::Definition> definition;
  std::string revision;  // the digest of the definition's text
  engine::ExecutionState state;
  json::Value record;  // what DescribeExecution shows, as stored
  bool express = false;
  // Step Functions Local mocks, when started as "arn#TestCase".
  std::optional<MockTestCase> mocks;
  std::map<std::string, std::int64_t> mock_invocations;  // per state
  // Called with the final record when the execution ends (StartSyncExecution, .sync parents).
  std::vector<std::function<void(const json::Value& record)>> on_end;
};

// A pending GetActivityTask.
struct Poller {
  std::string worker_name;
  Reply reply;
  std::int64_t deadline_ms = 0;
  std::function<bool()> abandoned;  // the worker disconnected
};

struct StepFunctions final : EmulatedService {
  explicit StepFunctions(Core& c);

  std::string_view name() const override { return "states"; }
  std::string_view title() const override { return "Step Functions API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "ServiceUnavailable"; }
  Expected<void, Error> recover() override;
  void tick() override { expire_pollers(); }

  Core& core;
  const std::vector<Operation> table;

  // --- executions (executions.cc) ---
  std::unordered_map<std::string, std::unique_ptr<LiveExecution>> live;
  std::unordered_map<std::string, std::shared_ptr<const asl::Definition>> definitions;

  // The parsed definition of a revision (cached), or the error of parsing it.
  Result<std::shared_ptr<const asl::Definition>> definition_for(const std::string& revision,
                                                                const std::string& text,
                                                                bool express);
  // Stores a definition's text under its digest (once) and returns the digest.
  std::string keep_revision(const std::string& text);

  // Creates and starts an execution; `record` holds its description so far.
  Result<LiveExecution*> launch(std::string arn, std::shared_ptr<const asl::Definition> definition,
                                std::string revision, json::Value record, json::Value input,
                                bool express, std::optional<MockTestCase> mocks,
                                engine::ExecutionIdentity identity, std::uint32_t root_graph);
  // Feeds one event to a live execution, staging its writes and carrying out its commands.
  Expected<void, Error> apply(LiveExecution& e, const engine::Event& event);
  void carry_out(LiveExecution& e, engine::Command& command);
  void finish(LiveExecution& e);
  // Puts "Step Functions Execution Status Change" for a STANDARD execution's record on the
  // default event bus, in the group that changes its status (status_events.cc).
  void emit_status_change(const json::Value& record);
  // Takes an ended execution up again (RedriveExecution).
  // A stored execution made live again: its definition (by revision) and its state. Errors:
  // `missing` when the definition is not kept, or the state's decoding error.
  Result<std::unique_ptr<LiveExecution>> revive(const store::Execution& stored, Error missing);
  Expected<void, Error> redrive(const store::Execution& stored);
  // Schedules the timer `id` of an execution with Core::at; it fires unless cancelled.
  void schedule_timer(const std::string& execution_arn, std::uint64_t id, std::int64_t at_ms);
  void fire_timer(const std::string& execution_arn, std::uint64_t id);
  // An execution whose stored state or definition cannot be read back fails (States.Runtime,
  // saying why) instead of stopping the recovery of the others.
  void fail_unrecoverable(const store::Execution& stored, const Error& why);
  std::vector<std::unique_ptr<LiveExecution>> unrecoverable;  // until their failure is committed
  LiveExecution* find_live(const std::string& arn) {
    auto it = live.find(arn);
    return it == live.end() ? nullptr : it->second.get();
  }
  json::Value describe(const json::Value& record) const;

  // --- tasks (tasks.cc) ---
  // activity -> its tasks no worker has taken yet, oldest first
  std::map<std::string, std::deque<store::Task>> activity_queue;
  std::map<std::string, std::deque<Poller>> pollers;  // activity -> waiting workers
  void dispatch_task(LiveExecution& e, const engine::commands::InvokeTask& task);
  // Keeps a task that waits on a worker (of `activity`) or on a callback (`activity` "").
  void keep_task(const std::string& execution_arn, const engine::commands::InvokeTask& task,
                 const std::string& activity);
  // The task's command in the outbox: carried out again after a crash until it is deleted.
  void add_outbox(const std::string& execution_arn, const engine::commands::InvokeTask& task);
  void offer_activity_task(const std::string& activity_arn);
  void expire_pollers();
  // A Lambda function's task, run through Lambda's Invoke (lambda_tasks.cc).
  void dispatch_lambda_task(LiveExecution& e, const engine::commands::InvokeTask& task);
  void invoke_lambda(const std::string& execution_arn, const engine::commands::InvokeTask& task);
  // A task that calls one of baton's HTTP APIs: apigateway:invoke (api_gateway_tasks.cc).
  void dispatch_api_gateway_task(LiveExecution& e, const engine::commands::InvokeTask& task);
  // A task that calls another emulated service (service_tasks.cc).
  void dispatch_service_task(LiveExecution& e, const engine::commands::InvokeTask& task,
                             ServiceCall call);
  void send_task_event(const std::string& token, engine::Event event, Reply reply);
  // Completes the task of `token` in its execution, from outside (nested executions, HTTP).
  void complete_task(const std::string& execution_arn, engine::Event event);
  // Outbound work on other threads (HTTP tasks), answered back on the service thread.
  std::vector<std::thread> dispatchers;
  std::deque<std::function<void()>> outbound;
  std::mutex outbound_mutex;
  std::condition_variable outbound_wake;
  void run_outbound(std::function<void()> work);

  // --- nested and child executions (children.cc) ---
  void start_nested(const std::string& parent_arn, const engine::commands::InvokeTask& task);
  // Starts a Distributed Map's child execution; `count`: add it to its Map Run's counts (not
  // when an Express child lost in a crash starts again).
  void start_map_child(LiveExecution& parent, const engine::commands::StartChildExecution& child,
                       bool count = true);
  // Returns the time of the stop (the stopDate).
  Timestamp stop_execution(const std::string& arn, std::optional<std::string> error,
                           std::optional<std::string> cause);

  // --- the operations (operations_*.cc) ---
  void create_state_machine(const Request& r, Reply reply);
  void describe_state_machine(const Request& r, Reply reply);
  void update_state_machine(const Request& r, Reply reply);
  void delete_state_machine(const Request& r, Reply reply);
  void list_state_machines(const Request& r, Reply reply);
  void validate_state_machine_definition(const Request& r, Reply reply);
  void publish_state_machine_version(const Request& r, Reply reply);
  void list_state_machine_versions(const Request& r, Reply reply);
  void delete_state_machine_version(const Request& r, Reply reply);
  void create_state_machine_alias(const Request& r, Reply reply);
  void describe_state_machine_alias(const Request& r, Reply reply);
  void update_state_machine_alias(const Request& r, Reply reply);
  void delete_state_machine_alias(const Request& r, Reply reply);
  void list_state_machine_aliases(const Request& r, Reply reply);
  void start_execution(const Request& r, Reply reply);
  void start_sync_execution(const Request& r, Reply reply);
  void describe_execution(const Request& r, Reply reply);
  void describe_state_machine_for_execution(const Request& r, Reply reply);
  void list_executions(const Request& r, Reply reply);
  void get_execution_history(const Request& r, Reply reply);
  void stop_execution_op(const Request& r, Reply reply);
  void redrive_execution(const Request& r, Reply reply);
  void create_activity(const Request& r, Reply reply);
  void describe_activity(const Request& r, Reply reply);
  void delete_activity(const Request& r, Reply reply);
  void list_activities(const Request& r, Reply reply);
  void get_activity_task(const Request& r, Reply reply);
  void send_task_success(const Request& r, Reply reply);
  void send_task_failure(const Request& r, Reply reply);
  void send_task_heartbeat(const Request& r, Reply reply);
  void tag_resource(const Request& r, Reply reply);
  void untag_resource(const Request& r, Reply reply);
  void list_tags_for_resource(const Request& r, Reply reply);
  // The tags of a Create request: TooManyTags when they hold more than 50 keys; staged for
  // `arn` once it is created.
  std::optional<Error> too_many_tags(const Request& r, const std::string& arn);
  void stage_tags(const std::string& arn, const json::Value* tags);
  void test_state(const Request& r, Reply reply);
  void describe_map_run(const Request& r, Reply reply);
  void list_map_runs(const Request& r, Reply reply);
  void update_map_run(const Request& r, Reply reply);

  // --- Map Runs (map_runs.cc) ---
  // Map Runs whose latest record may not be committed yet, by ARN.
  std::map<std::string, json::Value> map_runs;
  Result<std::optional<json::Value>> map_run(const std::string& arn);
  void put_map_run(const json::Value& record);
  void record_map_run(const LiveExecution& parent, const engine::commands::RecordMapRun& run);
  // A child execution of a Map Run started ("started") or ended (its status), running `items`.
  void count_map_child(const std::string& map_run_arn, std::string_view counter,
                       std::int64_t items);

  // Shared by the operations.
  Result<store::Resource> state_machine_or_error(const std::string& arn);
  // A state machine ARN possibly qualified by a version or an alias: the definition to run.
  struct Target {
    store::Resource machine;
    std::string definition;
    std::string version_arn;
    std::string alias_arn;
  };
  Result<Target> resolve_target(const std::string& arn);
  // The stored execution the request's executionArn names. Errors: InvalidArn,
  // ExecutionDoesNotExist.
  Result<store::Execution> requested_execution(const Request& r);
};

// Shared by the operation files.
inline json::Value text(std::string_view s) { return json::Value::string(s); }
// AWS's InvalidArn error for `arn`.
Unexpected<Error> invalid_arn(const std::string& arn);
// A string member of a stored record, or `fallback`.
std::string string_or(const json::Value& record, std::string_view key, std::string fallback = "");

// AWS's ExecutionDoesNotExist error for `arn`.
Unexpected<Error> no_execution(const std::string& arn);
// Checks an execution ARN: express ones are not described, as on AWS.
Expected<void, Error> check_execution_arn(const std::string& arn);

// The key under which a definition's text is kept, by its digest (store::Kind::Revision).
std::string revision_arn(const std::string& digest);

}  // namespace baton::service::states
