#pragma once

// A compiled state machine definition: one immutable graph of states, with nested graphs for
// Parallel branches and Map processors. Transitions are resolved to indices, and every path,
// template and choice rule is compiled. asl::parse is the only way to get one; the engine
// trusts what parse guaranteed and never reads text. Shared by every execution that uses it,
// as std::shared_ptr<const Definition>; safe to share between threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "asl/choice_rule.h"
#include "asl/expression.h"
#include "asl/path.h"
#include "asl/payload_template.h"
#include "core/json.h"
#include "core/time.h"

namespace baton::asl {

using StateIndex = std::uint32_t;

enum class StateType { Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map };
std::string_view state_type_name(StateType type);

enum class QueryLanguage { JSONPath, JSONata };

enum class JitterStrategy { NONE, FULL };

struct Retrier {
  std::vector<std::string> error_equals;
  std::int64_t interval_seconds = 1;
  std::int64_t max_attempts = 3;
  double backoff_rate = 2.0;
  std::optional<std::int64_t> max_delay_seconds;
  JitterStrategy jitter = JitterStrategy::NONE;
};

struct Catcher {
  std::vector<std::string> error_equals;
  StateIndex next = 0;
  std::optional<Path> result_path;  // nullopt: ResultPath null (the error output is dropped)
  std::optional<PayloadTemplate> assign;
};

// TimeoutSeconds / HeartbeatSeconds, or their `...Path` form.
struct Seconds {
  std::optional<std::int64_t> value;
  std::optional<Path> path;
  bool present() const { return value.has_value() || path.has_value(); }
};

// How a Task's Resource is served.
enum class ResourceKind {
  LambdaFunction,  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
  Activity,        // arn:aws:states:<region>:<account>:activity:<name>
  Integration,     // arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]
  SdkIntegration,  // arn:aws:states:::aws-sdk:<service>:<action>[...]
};

enum class IntegrationPattern { RequestResponse, Sync, Sync2, WaitForTaskToken };

struct Resource {
  std::string arn;
  ResourceKind kind = ResourceKind::Integration;
  std::string service;  // "lambda", "states", "sqs", "aws-sdk:s3", "http" ...
  std::string action;   // "invoke", "startExecution" ... (without the pattern suffix)
  IntegrationPattern pattern = IntegrationPattern::RequestResponse;
};

struct Graph;

struct PassState {
  std::optional<json::Value> result;
  std::optional<PayloadTemplate> parameters;
  std::optional<Path> result_path;  // nullopt: ResultPath null
};

struct TaskState {
  Resource resource;
  std::optional<PayloadTemplate> parameters;
  std::optional<PayloadTemplate> result_selector;
  std::optional<Path> result_path;
  Seconds timeout;
  Seconds heartbeat;
  std::optional<json::Value> credentials;
  std::vector<Retrier> retry;
  std::vector<Catcher> catch_;
};

struct ChoiceBranch {
  ChoiceRule rule;
  StateIndex next = 0;
  std::optional<PayloadTemplate> assign;
};

struct ChoiceState {
  std::vector<ChoiceBranch> choices;
  std::optional<StateIndex> default_state;
  bool reads_context = false;  // a rule's Variable or operand path reads $$
};

struct WaitState {
  std::optional<std::int64_t> seconds;
  std::optional<Timestamp> timestamp;
  std::optional<Path> seconds_path;
  std::optional<Path> timestamp_path;
};

struct SucceedState {};

struct FailState {
  std::optional<std::string> error;
  std::optional<std::string> cause;
  std::optional<Expression> error_path;
  std::optional<Expression> cause_path;
};

struct ParallelState {
  std::vector<std::shared_ptr<const Graph>> branches;
  std::optional<PayloadTemplate> parameters;
  std::optional<PayloadTemplate> result_selector;
  std::optional<Path> result_path;
  std::vector<Retrier> retry;
  std::vector<Catcher> catch_;
};

enum class ProcessorMode { INLINE, DISTRIBUTED };
enum class ExecutionType { STANDARD, EXPRESS };

struct ItemBatcher {
  std::optional<std::int64_t> max_items_per_batch;
  std::optional<Path> max_items_per_batch_path;
  std::optional<std::int64_t> max_input_bytes_per_batch;
  std::optional<Path> max_input_bytes_per_batch_path;
  std::optional<PayloadTemplate> batch_input;
};

struct MapState {
  std::shared_ptr<const Graph> processor;
  ProcessorMode mode = ProcessorMode::INLINE;
  ExecutionType execution_type = ExecutionType::STANDARD;
  Path items_path;                               // default `$`
  std::optional<PayloadTemplate> item_selector;  // ItemSelector, or the legacy Parameters
  std::int64_t max_concurrency = 0;              // 0: unbounded
  std::optional<Path> max_concurrency_path;
  std::optional<std::int64_t> tolerated_failure_count;
  std::optional<Path> tolerated_failure_count_path;
  std::optional<double> tolerated_failure_percentage;
  std::optional<Path> tolerated_failure_percentage_path;
  std::optional<ItemBatcher> item_batcher;
  std::optional<json::Value> item_reader;    // recognised, not yet run
  std::optional<json::Value> result_writer;  // recognised, not yet run
  std::optional<std::string> label;
  std::optional<PayloadTemplate> result_selector;
  std::optional<Path> result_path;
  std::vector<Retrier> retry;
  std::vector<Catcher> catch_;
};

using StateBody = std::variant<TaskState, PassState, ChoiceState, WaitState, SucceedState,
                               FailState, ParallelState, MapState>;

struct State {
  std::string name;
  json::Value name_value;  // the name as a JSON string, shared by every event that names it
  StateType type = StateType::Pass;
  std::optional<std::string> comment;
  std::optional<Path> input_path;   // default `$`; nullopt: InputPath null (input is {})
  std::optional<Path> output_path;  // default `$`; nullopt: OutputPath null (output is {})
  std::optional<StateIndex> next;
  bool end = false;
  std::optional<PayloadTemplate> assign;
  StateBody body;

  template <class T>
  const T& as() const {
    return std::get<T>(body);
  }
};

// The states of a state machine, a Parallel branch or a Map processor.
struct Graph {
  std::uint32_t id = 0;  // index in Definition::graphs: 0 is the top level
  std::string location;  // "" for the top level; "/States/P/Branches[0]" for a branch
  StateIndex start_at = 0;
  std::vector<State> states;
  std::unordered_map<std::string, StateIndex> by_name;

  const State& start() const { return states[start_at]; }
  const State* find(std::string_view name) const;
};

struct Definition {
  std::optional<std::string> comment;
  std::optional<std::string> version;
  std::optional<std::int64_t> timeout_seconds;
  QueryLanguage query_language = QueryLanguage::JSONPath;
  json::Value source;  // the definition as parsed
  std::shared_ptr<const Graph> root;
  // Every graph, by id, in the order the definition is written (root first).
  std::vector<const Graph*> graphs;
};

}  // namespace baton::asl
