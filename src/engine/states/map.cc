// The Map state (inline mode).

#include "asl/errors.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

namespace {

Unexpected<Error> runtime(std::string cause) {
  return fail(std::string(asl::errors::kRuntime), std::move(cause));
}

// MaxConcurrencyPath's value: a non-negative integer, or a string holding one (AWS accepts
// "1").
Result<std::int64_t> concurrency_from(const Result<Value>& v, const asl::Path& path) {
  if (v) {
    if (v->is_int64() && v->as_int64() >= 0) return v->as_int64();
    if (v->is_string()) {
      auto parsed = json::parse(v->as_string());
      if (parsed && parsed->is_int64() && parsed->as_int64() >= 0) return parsed->as_int64();
    }
  }
  return runtime("The MaxConcurrencyPath field refers to value " +
                 (v ? json::to_string(*v) : std::string("that does not exist")) +
                 " which is not a valid non-negative integer: " + path.text());
}

}  // namespace

void Interpreter::run_map(Frame& f) {
  const asl::State& s = state_of(f);
  const auto& map = s.as<asl::MapState>();
  auto effective = select(f, s.input_path, f.input);
  if (!effective) return raise_state(f, effective.error());
  auto items = select(f, map.items_path, *effective);
  if (!items) return raise_state(f, items.error());
  // An object is iterated as its key-value pairs: each value an item, its key
  // $$.Map.Item.Key.
  f.item_keys = Value();
  if (items->is_object()) {
    std::vector<Value> keys;
    std::vector<Value> values;
    for (const json::Member& m : items->members()) {
      keys.push_back(m.key);
      values.push_back(m.value);
    }
    f.item_keys = Value::array(std::move(keys));
    items = Value::array(std::move(values));
  }
  if (!items->is_array()) {
    return raise_state(
        f, runtime("Map state input must be an array but was: " + json::to_string(*items)).error());
  }
  std::int64_t concurrency = map.max_concurrency;
  if (map.max_concurrency_path) {
    auto resolved = concurrency_from(select(f, *map.max_concurrency_path, *effective),
                                     *map.max_concurrency_path);
    if (!resolved) return raise_state(f, resolved.error());
    concurrency = *resolved;
  }
  f.max_concurrency = concurrency;
  if (map.mode == asl::ProcessorMode::DISTRIBUTED) {
    return run_distributed_map(f, std::move(*effective), std::move(*items));
  }
  f.effective = std::move(*effective);
  f.items = std::move(*items);
  start_map(f);
}

void Interpreter::start_map(Frame& f) {
  auto total = static_cast<std::int64_t>(f.items.size());
  record(f, HistoryEventType::MapStateStarted, details::MapStarted{total});
  if (!running()) return;
  f.results.assign(static_cast<std::size_t>(total), Value());
  f.results_bytes = 0;
  f.running.clear();
  f.next_item = 0;
  f.completed = 0;
  if (total == 0) {
    record(f, HistoryEventType::MapStateSucceeded, details::None{}, false);
    complete_state(f, Value::array({}), true);
    return;
  }
  f.phase = Phase::AwaitingChildren;
  std::int64_t limit = f.max_concurrency == 0 ? total : std::min(f.max_concurrency, total);
  std::int64_t started = f.last_event_id;
  for (std::int64_t i = 0; i < limit && f.alive && running(); ++i) start_iteration(f, started);
}

void Interpreter::start_iteration(Frame& f, std::int64_t previous) {
  const asl::State& s = state_of(f);
  const auto& map = s.as<asl::MapState>();
  std::int64_t index = f.next_item++;
  const Value& item = f.items[static_cast<std::size_t>(index)];
  Value input = item;
  if (map.item_selector) {
    ContextExtras extras;
    extras.map_item = &item;
    extras.map_index = index;
    if (f.item_keys.is_array()) extras.map_key = &f.item_keys[static_cast<std::size_t>(index)];
    auto selected = evaluate_template(f, *map.item_selector, f.effective, extras);
    std::optional<StateError> too_large;
    if (selected) too_large = payload_error(f, *selected, Payload::Input);
    if (!selected || too_large) {
      for (FrameId id : f.running) abort_frame(id);
      f.running.clear();
      if (too_large) return raise(f, *too_large);
      return raise_state(f, selected.error());
    }
    input = std::move(*selected);
  }
  FrameId id = new_frame(f.id, map.processor->id, std::move(input));
  Frame& iteration = frame(id);
  iteration.index = index;
  iteration.item = item;
  iteration.last_event_id = previous;
  record(iteration, HistoryEventType::MapIterationStarted,
         details::MapIteration{s.name_value, index});
  f.running.push_back(id);
  make_ready(id);
}

}  // namespace baton::engine
