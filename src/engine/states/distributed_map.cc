// The Map state in DISTRIBUTED mode: each item (or batch of items) is a child execution of
// its own, run by the host, and the parent records only its Map Run.

#include <cmath>

#include "asl/data_flow.h"
#include "asl/errors.h"
#include "engine/interpreter.h"
#include "engine/step.h"

namespace baton::engine {

using json::Value;

namespace {

// AWS limit: a Map Run runs at most 10,000 child executions at once.
constexpr std::int64_t kMaxChildConcurrency = 10000;

Unexpected<Error> runtime(std::string cause) {
  return fail(std::string(asl::errors::kRuntime), std::move(cause));
}

// A number given directly or through a `...Path`; AWS also accepts a string holding one.
std::optional<double> numeric(const Value& v) {
  if (v.is_number()) return v.as_double();
  if (v.is_string()) {
    auto parsed = json::parse(v.as_string());
    if (parsed && parsed->is_number()) return parsed->as_double();
  }
  return std::nullopt;
}

// The items a child execution's input holds: one, or a batch's Items.
std::int64_t items_in(const asl::MapState& map, const Value& input) {
  if (!map.item_batcher) return 1;
  const Value* batch = input.find("Items");
  return batch != nullptr ? static_cast<std::int64_t>(batch->size()) : 0;
}

}  // namespace

void Interpreter::run_distributed_map(Frame& f, Value effective, Value items) {
  const asl::State& s = state_of(f);
  const auto& map = s.as<asl::MapState>();
  if (map.item_reader) {
    return raise_state(f, Error{std::string(asl::errors::kItemReaderFailed),
                                "ItemReader is not supported by baton yet"});
  }
  if (map.result_writer) {
    return raise_state(f, Error{std::string(asl::errors::kResultWriterFailed),
                                "ResultWriter is not supported by baton yet"});
  }
  f.tolerated_failure_count = map.tolerated_failure_count;
  if (map.tolerated_failure_count_path) {
    auto v = select(f, *map.tolerated_failure_count_path, effective);
    auto n = v ? numeric(*v) : std::nullopt;
    if (!n) {
      return raise_state(f, runtime("ToleratedFailureCountPath does not reference a number: " +
                                    map.tolerated_failure_count_path->text())
                                .error());
    }
    if (*n < 0) return raise_state(f, runtime("ToleratedFailureCount cannot be negative.").error());
    f.tolerated_failure_count = static_cast<std::int64_t>(*n);
  }
  f.tolerated_failure_percentage = map.tolerated_failure_percentage;
  if (map.tolerated_failure_percentage_path) {
    auto v = select(f, *map.tolerated_failure_percentage_path, effective);
    auto n = v ? numeric(*v) : std::nullopt;
    if (!n) {
      return raise_state(f, runtime("ToleratedFailurePercentagePath does not reference a number: " +
                                    map.tolerated_failure_percentage_path->text())
                                .error());
    }
    if (*n < 0 || *n > 100) {
      return raise_state(f,
                         runtime("ToleratedFailurePercentage must be between 0 and 100.").error());
    }
    f.tolerated_failure_percentage = *n;
  }

  // Each item through the ItemSelector, then into batches when an ItemBatcher asks for them.
  std::vector<Value> selected;
  selected.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!map.item_selector) {
      selected.push_back(items[i]);
      continue;
    }
    ContextExtras extras;
    extras.map_item = &items[i];
    extras.map_index = static_cast<std::int64_t>(i);
    if (f.item_keys.is_array()) extras.map_key = &f.item_keys[i];
    auto v = evaluate_template(f, *map.item_selector, effective, extras);
    if (!v) return raise_state(f, v.error());
    if (auto error = payload_error(f, *v, Payload::Input)) return raise(f, *error);
    selected.push_back(std::move(*v));
  }
  std::vector<Value> inputs;
  if (!map.item_batcher) {
    inputs = std::move(selected);
  } else {
    const asl::ItemBatcher& batcher = *map.item_batcher;
    std::optional<std::int64_t> max_items = batcher.max_items_per_batch;
    std::optional<std::int64_t> max_bytes = batcher.max_input_bytes_per_batch;
    for (auto [path, target, name] :
         {std::tuple{&batcher.max_items_per_batch_path, &max_items, "MaxItemsPerBatchPath"},
          std::tuple{&batcher.max_input_bytes_per_batch_path, &max_bytes,
                     "MaxInputBytesPerBatchPath"}}) {
      if (!*path) continue;
      auto v = select(f, **path, effective);
      auto n = v ? numeric(*v) : std::nullopt;
      if (!n || *n < 1) {
        return raise_state(f, runtime(std::string(name) +
                                      " does not reference a positive integer: " + (*path)->text())
                                  .error());
      }
      *target = static_cast<std::int64_t>(*n);
    }
    Value batch_input;
    if (batcher.batch_input) {
      auto v = evaluate_template(f, *batcher.batch_input, effective, {});
      if (!v) return raise_state(f, v.error());
      batch_input = std::move(*v);
    }
    auto flush = [&](std::vector<Value>& batch) {
      json::ObjectBuilder b;
      if (batcher.batch_input) b.add("BatchInput", batch_input);
      b.add("Items", Value::array(std::move(batch)));
      inputs.push_back(b.build());
      batch.clear();
    };
    std::vector<Value> batch;
    std::size_t bytes = 0;
    for (Value& item : selected) {
      std::size_t size = json::serialized_size(item);
      bool full =
          (max_items && static_cast<std::int64_t>(batch.size()) >= *max_items) ||
          (max_bytes && !batch.empty() && static_cast<std::int64_t>(bytes + size) > *max_bytes);
      if (full) {
        flush(batch);
        bytes = 0;
      }
      bytes += size;
      batch.push_back(std::move(item));
    }
    if (!batch.empty()) flush(batch);
  }
  for (const Value& input : inputs) {
    if (auto error = payload_error(f, input, Payload::Input)) return raise(f, *error);
  }
  f.effective = std::move(effective);
  f.items = Value::array(std::move(inputs));
  start_map_run(f);
}

void Interpreter::start_map_run(Frame& f) {
  const asl::State& s = state_of(f);
  const auto& map = s.as<asl::MapState>();
  record(f, HistoryEventType::MapStateStarted, details::MapStarted{0});
  // The Map Run's ARN names the state machine, the Map's label and a unique id.
  const std::string& machine_arn = state_.identity.state_machine_arn;
  std::string prefix = machine_arn.substr(0, machine_arn.find(":stateMachine:"));
  std::string label = map.label ? *map.label : uuid_v4(state_.random).substr(0, 8);
  f.map_run_arn = prefix + ":mapRun:" + state_.identity.state_machine_name + "/" + label + ":" +
                  uuid_v4(state_.random);
  record(f, HistoryEventType::MapRunStarted, details::MapRun{Value::string(f.map_run_arn), -1});
  if (!running()) return;
  auto total = static_cast<std::int64_t>(f.items.size());
  f.results.assign(static_cast<std::size_t>(total), Value());
  f.results_bytes = 0;
  f.next_item = 0;
  f.completed = 0;
  f.failed = 0;
  record_map_run(f, "RUNNING");
  if (total == 0) return succeed_map_run(f);
  f.phase = Phase::AwaitingChildren;
  start_child_executions(f);
}

void Interpreter::start_child_executions(Frame& f) {
  std::int64_t cap = f.max_concurrency == 0 ? kMaxChildConcurrency
                                            : std::min(f.max_concurrency, kMaxChildConcurrency);
  auto total = static_cast<std::int64_t>(f.items.size());
  while (f.next_item < total && f.next_item - f.completed < cap) start_child_execution(f);
}

void Interpreter::succeed_map_run(Frame& f) {
  record_map_run(f, "SUCCEEDED");
  HistoryEvent& done = record(f, HistoryEventType::MapRunSucceeded, details::None{}, false);
  record_with_previous(done.id, HistoryEventType::MapStateSucceeded, details::None{});
  complete_state(f, Value::array(std::move(f.results)), true);
}

bool Interpreter::awaiting_map_run(const Frame& f) const {
  // A frame keeps its map_run_arn after its Map Run ends, and may go on to other states.
  if (!f.alive || f.phase != Phase::AwaitingChildren) return false;
  const asl::State& s = state_of(f);
  return s.type == asl::StateType::Map &&
         s.as<asl::MapState>().mode == asl::ProcessorMode::DISTRIBUTED;
}

void Interpreter::record_map_run(const Frame& f, std::string status) {
  const auto& map = state_of(f).as<asl::MapState>();
  auto executions = static_cast<std::int64_t>(f.items.size());
  std::int64_t items = 0;
  for (const Value& input : f.items.as_array()) items += items_in(map, input);
  commands_.push_back(commands::RecordMapRun{f.map_run_arn, std::move(status), f.max_concurrency,
                                             f.tolerated_failure_count,
                                             f.tolerated_failure_percentage, executions, items});
}

Expected<void, Error> Interpreter::update_map_run(const events::MapRunUpdated& event) {
  for (Frame& f : state_.frames) {
    if (!awaiting_map_run(f) || f.map_run_arn != event.map_run_arn) continue;
    if (event.max_concurrency) f.max_concurrency = *event.max_concurrency;
    if (event.tolerated_failure_count) f.tolerated_failure_count = event.tolerated_failure_count;
    if (event.tolerated_failure_percentage) {
      f.tolerated_failure_percentage = event.tolerated_failure_percentage;
    }
    record_map_run(f, "RUNNING");
    start_child_executions(f);
    return {};
  }
  return fail("ResourceNotFound", "Map Run is not running: '" + event.map_run_arn + "'");
}

namespace {

// The command that starts item (or batch) `index` of the Distributed Map in frame `f`, as a
// child execution named `name`.
commands::StartChildExecution child_command(const asl::Definition& definition,
                                            const ExecutionState& state, const Frame& f,
                                            std::int64_t index, const std::string& name) {
  const auto& map = definition.graphs[f.graph]->states[f.state].as<asl::MapState>();
  // The child's state machine is "<name>/<label>", and its ARNs say so.
  std::string run = f.map_run_arn.substr(f.map_run_arn.find(":mapRun:") + 8);
  std::string machine_path = run.substr(0, run.rfind(':'));
  const std::string& machine_arn = state.identity.state_machine_arn;
  std::string prefix = machine_arn.substr(0, machine_arn.find(":stateMachine:"));
  bool express = map.execution_type == asl::ExecutionType::EXPRESS;
  ExecutionIdentity child;
  child.name = name;
  child.state_machine_name = machine_path;
  child.state_machine_arn = prefix + ":stateMachine:" + machine_path;
  child.execution_arn =
      prefix + (express ? ":express:" : ":execution:") + machine_path + ":" + child.name;
  child.role_arn = state.identity.role_arn;
  child.region = state.identity.region;
  const Value& input = f.items[static_cast<std::size_t>(index)];
  return commands::StartChildExecution{child,   map.processor->id, input,
                                       express, f.map_run_arn,     items_in(map, input)};
}

}  // namespace

void Interpreter::start_child_execution(Frame& f) {
  std::int64_t index = f.next_item++;
  auto command = child_command(definition_, state_, f, index, uuid_v4(state_.random));
  state_.children[command.identity.execution_arn] = {f.id, index};
  commands_.push_back(std::move(command));
}

std::vector<commands::StartChildExecution> awaited_child_executions(
    const asl::Definition& definition, const ExecutionState& state) {
  std::vector<commands::StartChildExecution> out;
  for (const auto& [arn, where] : state.children) {
    if (where.first >= state.frames.size()) continue;
    const Frame& f = state.frames[where.first];
    if (f.map_run_arn.empty()) continue;
    auto command =
        child_command(definition, state, f, where.second, arn.substr(arn.rfind(':') + 1));
    if (command.identity.execution_arn == arn) out.push_back(std::move(command));
  }
  return out;
}

void Interpreter::child_execution_finished(const events::ChildExecutionFinished& event) {
  auto it = state_.children.find(event.execution_arn);
  if (it == state_.children.end()) return;  // stopped already
  auto [frame_id, index] = it->second;
  state_.children.erase(it);
  Frame& f = frame(frame_id);
  if (!f.alive) return;
  Value result = event.status == "SUCCEEDED"
                     ? event.output
                     : asl::error_output(event.error.value_or(""), event.cause);
  if (event.status != "SUCCEEDED") f.failed++;
  f.results_bytes += json::measure(result).bytes + 1;
  f.results[static_cast<std::size_t>(index)] = std::move(result);
  f.completed++;
  auto total = static_cast<std::int64_t>(f.items.size());
  // The Map Run ends when its results together pass the payload quota, or when its failures
  // pass what it tolerates.
  auto end_run = [&](StateError error) {
    for (auto child = state_.children.begin(); child != state_.children.end();) {
      if (child->second.first == f.id) {
        commands_.push_back(commands::StopChildExecution{child->first});
        child = state_.children.erase(child);
      } else {
        ++child;
      }
    }
    record_map_run(f, "FAILED");
    record(f, HistoryEventType::MapRunFailed,
           details::ErrorCause{Value::string(error.error), Value::string(*error.cause)});
    raise(f, std::move(error));
    make_ready(f.id);
  };
  if (auto too_large = limit_error(state_of(f).name, {f.results_bytes, 0}, Payload::Result)) {
    return end_run(std::move(*too_large));
  }
  if (f.failed > 0) {
    // With no tolerance given, any failure fails the Map Run.
    bool exceeded = false;
    if (!f.tolerated_failure_count && !f.tolerated_failure_percentage) exceeded = true;
    if (f.tolerated_failure_count && f.failed > *f.tolerated_failure_count) exceeded = true;
    if (f.tolerated_failure_percentage &&
        static_cast<double>(f.failed) * 100.0 / static_cast<double>(total) >
            *f.tolerated_failure_percentage) {
      exceeded = true;
    }
    if (exceeded) {
      return end_run(StateError{std::string(asl::errors::kExceedToleratedFailureThreshold),
                                "The specified tolerated failure threshold was exceeded", false,
                                false});
    }
  }
  if (f.next_item < total) {
    start_child_executions(f);
  } else if (f.completed == total) {
    succeed_map_run(f);
  }
  make_ready(f.id);
}

}  // namespace baton::engine
