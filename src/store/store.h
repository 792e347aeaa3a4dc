#pragma once

// Persistence behind one interface: what the service keeps so that nothing is lost when the
// process dies. Records are plain values; their details travel as JSON objects so the schema
// stays small and the stores (SQLite now, PostgreSQL next) share one shape.
//
// Writes are batched: everything one group of engine steps changed goes into one WriteBatch,
// committed in one transaction (group commit). A Store is used from one thread at a time.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/time.h"

namespace baton::store {

// A resource kept as one JSON record plus the fields queries need. `kind` says which table.
// Revision: a definition as some execution runs it, kept once by its digest. MapRun: a
// Distributed Map's run, its parent the execution. Queue, Topic: SQS's and SNS's; Subscription:
// its parent the topic. EventSourceMapping, EventInvokeConfig: Lambda's (the config's parent
// is its function). EventBus, EventRule: EventBridge's (a rule's parent is its bus).
// ScheduleGroup, Schedule: EventBridge Scheduler's (a schedule's parent is its group).
// EventConnection, ApiDestination: EventBridge's HTTP targets. HttpApi: API Gateway's, with
// its routes, integrations and stages in its record. New kinds go at the end: the store keeps
// them by number.
enum class Kind {
  StateMachine,
  Version,
  Alias,
  Activity,
  Revision,
  Function,
  MapRun,
  Queue,
  Topic,
  Subscription,
  EventSourceMapping,
  EventInvokeConfig,
  EventBus,
  EventRule,
  ScheduleGroup,
  Schedule,
  EventConnection,
  ApiDestination,
  HttpApi,
  RestApi,       // API Gateway's REST APIs (v1)
  EventArchive,  // EventBridge archives
  EventReplay,   // EventBridge replays
  FunctionUrl,   // Lambda function URLs
};

struct Resource {
  Kind kind = Kind::StateMachine;
  std::string arn;
  std::string name;
  std::string parent_arn;  // Version, Alias: the state machine
  std::int64_t created_ms = 0;
  json::Value record;  // everything else, as the service describes it
};

struct Execution {
  std::string arn;
  std::string state_machine_arn;
  std::string status;  // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
  std::int64_t start_ms = 0;
  std::string map_run_arn;  // for a Distributed Map's child executions
  json::Value record;       // name, input, output, error, cause, dates, versions ...
  json::Value state;        // the engine's ExecutionState; null once it has ended
};

struct Task {
  std::string token;
  std::string execution_arn;
  std::string activity_arn;  // empty for callbacks
  std::string status;        // PENDING, STARTED, DONE, TIMED_OUT
  std::int64_t created_ms = 0;
  json::Value record;  // input, worker name ...
};

struct Timer {
  std::string execution_arn;
  std::uint64_t timer_id = 0;
  std::int64_t fire_ms = 0;
};

// A command of an engine step that must be carried out even if the process dies first,
// keyed by its task token.
struct OutboxEntry {
  std::string token;
  std::string execution_arn;
  json::Value command;
};

// A keyed value of a space: a queue's messages, a table's items. Entries of a space are read in
// key order (bytewise); keys and values are bytes the service encodes as it likes.
struct Entry {
  std::string key;
  std::string value;
};

// One change; a batch is applied in order.
namespace ops {
struct PutResource {
  Resource resource;
};
struct DeleteResource {
  Kind kind;
  std::string arn;
};
struct PutExecution {
  Execution execution;
};
// A running execution's progress: its status and engine state only.
struct UpdateExecutionState {
  std::string arn;
  std::string status;
  json::Value state;
};
struct AppendHistory {
  std::string execution_arn;
  std::int64_t event_id = 0;
  std::string event;  // the event's JSON text, as GetExecutionHistory returns it
};
struct PutTask {
  Task task;
};
struct PutTimer {
  Timer timer;
};
struct DeleteTimer {
  std::string execution_arn;
  std::uint64_t timer_id = 0;
};
struct AddOutbox {
  std::string execution_arn;
  std::string token;
  json::Value command;
};
struct DeleteOutbox {
  std::string token;
};
struct PutTag {
  std::string resource_arn;
  std::string key;
  std::string value;
};
struct DeleteTag {
  std::string resource_arn;
  std::string key;
};
struct PutEntry {
  std::string space;
  std::string key;
  std::string value;
};
struct DeleteEntry {
  std::string space;
  std::string key;
};
// Every entry of a space (a purged queue, a deleted table).
struct DeleteSpace {
  std::string space;
};
}  // namespace ops

using Op = std::variant<ops::PutResource, ops::DeleteResource, ops::PutExecution,
                        ops::UpdateExecutionState, ops::AppendHistory, ops::PutTask, ops::PutTimer,
                        ops::DeleteTimer, ops::AddOutbox, ops::DeleteOutbox, ops::PutTag,
                        ops::DeleteTag, ops::PutEntry, ops::DeleteEntry, ops::DeleteSpace>;

struct WriteBatch {
  std::vector<Op> ops;
  bool empty() const { return ops.empty(); }
};

// A page of a listing: items after `after` (a key the store gave before), at most `limit`.
struct PageRequest {
  std::string after;
  std::size_t limit = 100;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies the whole batch in one transaction, durably, or nothing of it.
  [[nodiscard]] virtual Expected<void, Error> commit(const WriteBatch& batch) = 0;

  [[nodiscard]] virtual Result<std::optional<Resource>> resource(Kind kind,
                                                                 const std::string& arn) = 0;
  // By name, for state machines and activities.
  [[nodiscard]] virtual Result<std::optional<Resource>> resource_by_name(
      Kind kind, const std::string& name) = 0;
  // Oldest first (as AWS lists state machines, activities, versions... by creation), or those
  // of one parent. Returns the next page key ("" at the end) in `next`.
  [[nodiscard]] virtual Result<std::vector<Resource>> resources(Kind kind,
                                                                const std::string& parent_arn,
                                                                const PageRequest& page,
                                                                std::string& next) = 0;

  [[nodiscard]] virtual Result<std::optional<Execution>> execution(const std::string& arn) = 0;
  // Newest first; `state_machine_arn` or `map_run_arn` selects, `status` filters when not "".
  [[nodiscard]] virtual Result<std::vector<Execution>> executions(
      const std::string& state_machine_arn, const std::string& map_run_arn,
      const std::string& status, const PageRequest& page, std::string& next) = 0;
  // The child executions of a Map Run, counted by status.
  [[nodiscard]] virtual Result<std::map<std::string, std::int64_t>> execution_counts(
      const std::string& map_run_arn) = 0;
  // Every execution still running, with its state: what a restart resumes.
  [[nodiscard]] virtual Result<std::vector<Execution>> running_executions() = 0;

  // Events with ids in [from, to] (to = 0: to the end), ascending or descending.
  [[nodiscard]] virtual Result<std::vector<std::string>> history(const std::string& arn,
                                                                 std::int64_t from, std::int64_t to,
                                                                 bool reverse,
                                                                 std::size_t limit) = 0;

  [[nodiscard]] virtual Result<std::optional<Task>> task(const std::string& token) = 0;
  [[nodiscard]] virtual Result<std::vector<Task>> open_tasks() = 0;  // PENDING and STARTED
  [[nodiscard]] virtual Result<std::vector<Timer>> timers() = 0;
  [[nodiscard]] virtual Result<std::vector<OutboxEntry>> outbox() = 0;
  [[nodiscard]] virtual Result<std::vector<std::pair<std::string, std::string>>> tags(
      const std::string& resource_arn) = 0;

  // Entries of `space` with keys after `after` ("" from the first), in key order, at most
  // `limit`.
  [[nodiscard]] virtual Result<std::vector<Entry>> entries(const std::string& space,
                                                           const std::string& after,
                                                           std::size_t limit) = 0;
  [[nodiscard]] virtual Result<std::optional<std::string>> entry(const std::string& space,
                                                                 const std::string& key) = 0;
};

}  // namespace baton::store
