#pragma once

// Service::Impl, shared by the service's files and nobody else. Everything here lives on the
// service thread, except the queue (`post`), which any thread may use.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "asl/definition.h"
#include "engine/execution_state.h"
#include "engine/history.h"
#include "engine/step.h"
#include "service/functions_internal.h"
#include "service/service.h"
#include "store/store.h"

namespace baton::service {

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

struct TimerEntry {
  std::int64_t fire_ms = 0;
  std::string execution_arn;
  std::uint64_t timer_id = 0;
  friend bool operator>(const TimerEntry& a, const TimerEntry& b) { return a.fire_ms > b.fire_ms; }
};

// Request fields, read with AWS's validation errors.
class Request {
 public:
  explicit Request(const json::Value& body, std::function<bool()> abandoned = {})
      : body_(body), abandoned_(std::move(abandoned)) {}
  const json::Value& body() const { return body_; }
  // Whether the caller has gone away (its connection closed).
  const std::function<bool()>& abandoned() const { return abandoned_; }

  // A string field; absent -> nullopt (or ValidationException when required).
  [[nodiscard]] Result<std::optional<std::string>> string(std::string_view field,
                                                          bool required = false) const;
  [[nodiscard]] Result<std::string> required(std::string_view field) const;
  [[nodiscard]] Result<std::optional<bool>> boolean(std::string_view field) const;
  [[nodiscard]] Result<std::optional<std::int64_t>> integer(std::string_view field) const;
  const json::Value* field(std::string_view name) const { return body_.find(name); }

 private:
  const json::Value& body_;
  std::function<bool()> abandoned_;
};

struct Service::Impl {
  Impl(std::unique_ptr<store::Store> s, ServiceOptions o, Clock& c)
      : store(std::move(s)), options(std::move(o)), clock(c) {}

  std::unique_ptr<store::Store> store;
  ServiceOptions options;
  Clock& clock;

  // --- the service thread and its queue (service.cc) ---
  std::thread thread;
  std::mutex mutex;
  std::condition_variable wake;
  // Work for the service thread; `writes` when it may change what the store keeps.
  struct Work {
    std::function<void()> run;
    bool writes = true;
  };
  std::deque<Work> queue;
  bool stopping = false;
  bool started = false;

  void post(std::function<void()> work, bool writes = true);
  void loop();
  // Commits the group's writes, then runs what waited on them.
  void flush();

  // When a commit fails (the disk is full, say), what the group wrote is held in memory with
  // what waited on it, and retried every second until it commits. Meanwhile baton refuses new
  // work that writes (ServiceUnavailable), keeps answering what only reads, and leaves writing
  // work already queued (task results, timers) for when the store takes writes again.
  std::atomic<bool> degraded{false};
  store::WriteBatch held;
  std::vector<std::function<void()>> held_after;
  std::int64_t next_retry_ms = 0;
  // Commits what is held; on success, runs what waited on it and takes writes again.
  void retry_held();

  std::int64_t now_ms() { return clock.now().millis(); }

  // The group being built.
  store::WriteBatch batch;
  std::vector<std::function<void()>> after_commit;
  void stage(store::Op op) { batch.ops.push_back(std::move(op)); }
  void then(std::function<void()> f) { after_commit.push_back(std::move(f)); }
  // Runs `f` before the group is committed, so that what it stages commits with the rest:
  // two executions' steps that must not be separated by a crash.
  std::deque<std::function<void()>> in_group;
  void before_commit(std::function<void()> f) { in_group.push_back(std::move(f)); }
  // Answers once the group is committed.
  void answer(const Reply& reply, Result<json::Value> result);

  // --- executions (executions.cc) ---
  std::unordered_map<std::string, std::unique_ptr<LiveExecution>> live;
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> timers;
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
  // Takes an ended execution up again (RedriveExecution).
  // A stored execution made live again: its definition (by revision) and its state. Errors:
  // `missing` when the definition is not kept, or the state's decoding error.
  Result<std::unique_ptr<LiveExecution>> revive(const store::Execution& stored, Error missing);
  Expected<void, Error> redrive(const store::Execution& stored);
  void fire_due_timers();
  std::optional<std::int64_t> next_timer_ms();
  Expected<void, Error> recover();
  // An execution whose stored state or definition cannot be read back fails (States.Runtime,
  // saying why) instead of stopping the recovery of the others.
  void fail_unrecoverable(const store::Execution& stored, const Error& why);
  std::vector<std::unique_ptr<LiveExecution>> unrecoverable;  // until their failure is committed
  void warn(const std::string& message) {
    if (options.warn) options.warn(message);
  }
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
  void offer_activity_task(const std::string& activity_arn);
  void expire_pollers();
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
  using Operation = void (Impl::*)(const Request&, Reply);
  struct OperationEntry {
    std::string_view name;
    Operation run;
    // Only reads the store: still answered while the store refuses writes.
    bool reads_only = false;
  };
  static const std::vector<OperationEntry>& operation_table();
  // Runs an operation of an API's table on the service thread. While the store refuses writes,
  // one that writes is refused at once with `refused_as` (the API's name for a service that
  // cannot take work).
  void run_operation(const OperationEntry& entry, std::string_view refused_as, json::Value request,
                     Reply reply, std::function<bool()> abandoned = {});

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

  // --- the Lambda API (functions.cc, function_invoke.cc) ---
  static const std::vector<OperationEntry>& lambda_operation_table();
  void create_function(const Request& r, Reply reply);
  void get_function(const Request& r, Reply reply);
  void get_function_configuration(const Request& r, Reply reply);
  void list_functions(const Request& r, Reply reply);
  void delete_function(const Request& r, Reply reply);
  void update_function_code(const Request& r, Reply reply);
  void update_function_configuration(const Request& r, Reply reply);
  void put_function_concurrency(const Request& r, Reply reply);
  void get_function_concurrency(const Request& r, Reply reply);
  void delete_function_concurrency(const Request& r, Reply reply);
  // Answers at once (it writes nothing), or when the function has answered.
  void invoke(const Request& r, Reply reply);
  runtime::FunctionHost& functions();
  std::string function_arn(const std::string& name) const;
  // The stored function a FunctionName names. Errors: ResourceNotFoundException.
  Result<store::Resource> function_or_error(const std::string& reference);
  // The function the request's FunctionName names.
  Result<store::Resource> requested_function(const Request& r);
  Result<StoredCode> store_code(const std::string& name, const json::Value* code);
  Expected<void, Error> check_revision(const Request& r, const json::Value& record);
  void save_function_update(store::Resource function, json::Value record, const Reply& reply);
  // Runs a task's Lambda function; its outcome comes back to the execution as an event.
  void invoke_for_task(const std::string& execution_arn, const engine::commands::InvokeTask& task,
                       const runtime::FunctionConfig& function);

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
  // Answers one page of the resources of `kind` under `parent` (nextToken, maxResults), as
  // {list_name: [item(resource)...], nextToken}.
  void answer_resource_page(store::Kind kind, const std::string& parent, const Request& r,
                            std::string_view list_name,
                            const std::function<json::Value(const store::Resource&)>& item,
                            const Reply& reply);
};

// Helpers shared by the operation files.
json::Value epoch(std::int64_t ms);
// The key under which a definition's text is kept, by its digest (store::Kind::Revision).
std::string revision_arn(const std::string& digest);
std::string page_token(const std::string& key);
Result<std::string> page_key(const Request& r);
std::size_t page_limit(const Request& r);

}  // namespace baton::service
