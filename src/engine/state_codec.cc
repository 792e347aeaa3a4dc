// ExecutionState <-> JSON, losslessly: what the stores keep between steps.

#include "engine/state_codec.h"

#include <charconv>
#include <cstdio>

namespace baton::engine {

using json::Value;

namespace {

constexpr std::int64_t kFormatVersion = 1;

Value text(std::string_view s) { return Value::string(s); }
Value integer(std::int64_t i) { return Value::integer(i); }

Value hex64(std::uint64_t v) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(v));
  return Value::string(buffer);
}

Value timestamp(Timestamp t) { return Value::array({integer(t.seconds), integer(t.nanos)}); }

Value optional_text(const std::optional<std::string>& s) { return s ? text(*s) : Value(); }

Value int_list(const std::vector<std::int64_t>& xs) {
  std::vector<Value> items;
  for (std::int64_t x : xs) items.push_back(integer(x));
  return Value::array(std::move(items));
}

Value identity_json(const ExecutionIdentity& id) {
  return json::ObjectBuilder()
      .add("executionArn", text(id.execution_arn))
      .add("name", text(id.name))
      .add("stateMachineArn", text(id.state_machine_arn))
      .add("stateMachineName", text(id.state_machine_name))
      .add("roleArn", text(id.role_arn))
      .add("region", text(id.region))
      .add("versionArn", text(id.state_machine_version_arn))
      .add("aliasArn", text(id.state_machine_alias_arn))
      .build();
}

Value frame_json(const Frame& f) {
  json::ObjectBuilder b;
  b.add("id", integer(f.id));
  if (!f.alive) b.add("alive", Value::boolean(false));
  b.add("parent", f.parent == kNoFrame ? integer(-1) : integer(f.parent));
  b.add("graph", integer(f.graph));
  b.add("state", integer(f.state));
  b.add("phase", integer(static_cast<std::int64_t>(f.phase)));
  b.add("input", f.input);
  b.add("effective", f.effective);
  b.add("enteredEventId", integer(f.entered_event_id));
  b.add("enteredTime", timestamp(f.entered_time));
  b.add("lastEventId", integer(f.last_event_id));
  b.add("retryAttempts", int_list(f.retry_attempts));
  b.add("retryCount", integer(f.retry_count));
  b.add("token", text(f.token));
  b.add("timeoutTimer", hex64(f.timeout_timer));
  b.add("heartbeatTimer", hex64(f.heartbeat_timer));
  b.add("heartbeatSeconds", integer(f.heartbeat_seconds));
  b.add("waitTimer", hex64(f.wait_timer));
  b.add("results", Value::array(std::vector<Value>(f.results)));
  std::vector<std::int64_t> running(f.running.begin(), f.running.end());
  b.add("running", int_list(running));
  b.add("items", f.items);
  b.add("itemKeys", f.item_keys);
  b.add("nextItem", integer(f.next_item));
  b.add("maxConcurrency", integer(f.max_concurrency));
  b.add("completed", integer(f.completed));
  b.add("mapRunArn", text(f.map_run_arn));
  b.add("failed", integer(f.failed));
  b.add("toleratedFailureCount",
        f.tolerated_failure_count ? integer(*f.tolerated_failure_count) : Value());
  b.add("toleratedFailurePercentage",
        f.tolerated_failure_percentage ? Value::number(*f.tolerated_failure_percentage) : Value());
  b.add("index", integer(f.index));
  b.add("item", f.item);
  b.add("variables", f.variables);
  return b.build();
}

bool parse_hex64(const Value& v, std::uint64_t& out) {
  if (!v.is_string()) return false;
  std::string_view s = v.as_string();
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Reading back: every accessor checks its field and reports which one is wrong.
class Reader {
 public:
  explicit Reader(const Value& object, std::string where) : object_(object), where_(where) {}

  const Value& get(std::string_view name) {
    const Value* v = object_.find(name);
    if (v == nullptr) {
      fail_on(name, "is missing");
      return null_;
    }
    return *v;
  }
  std::int64_t int64(std::string_view name) {
    const Value& v = get(name);
    if (!v.is_int64()) return fail_on(name, "is not an integer"), 0;
    return v.as_int64();
  }
  std::string string(std::string_view name) {
    const Value& v = get(name);
    if (!v.is_string()) return fail_on(name, "is not a string"), std::string();
    return std::string(v.as_string());
  }
  std::optional<std::string> optional_string(std::string_view name) {
    const Value& v = get(name);
    if (v.is_null()) return std::nullopt;
    return string(name);
  }
  std::uint64_t u64(std::string_view name) {
    std::uint64_t out = 0;
    if (!parse_hex64(get(name), out)) fail_on(name, "is not 64-bit hex");
    return out;
  }
  Timestamp time(std::string_view name) {
    const Value& v = get(name);
    if (!v.is_array() || v.size() != 2 || !v[0].is_int64() || !v[1].is_int64()) {
      return fail_on(name, "is not [seconds, nanos]"), Timestamp{};
    }
    return Timestamp{v[0].as_int64(), static_cast<std::int32_t>(v[1].as_int64())};
  }
  std::vector<std::int64_t> ints(std::string_view name) {
    const Value& v = get(name);
    std::vector<std::int64_t> out;
    if (!v.is_array()) return fail_on(name, "is not an array"), out;
    for (const Value& x : v.as_array()) {
      if (!x.is_int64()) return fail_on(name, "holds a non-integer"), out;
      out.push_back(x.as_int64());
    }
    return out;
  }

  const std::optional<Error>& error() const { return error_; }

 private:
  void fail_on(std::string_view name, std::string_view what) {
    if (!error_) {
      error_ = Error{"InvalidExecutionState", "the stored execution state's field " + where_ + "." +
                                                  std::string(name) + " " + std::string(what)};
    }
  }

  const Value& object_;
  std::string where_;
  std::optional<Error> error_;
  Value null_;
};

}  // namespace

Value encode_state(const ExecutionState& state) {
  std::vector<Value> frames;
  frames.reserve(state.frames.size());
  // Finished frames are left out, except the top-level one: RedriveExecution takes it up
  // again at the state it ended in.
  for (const Frame& f : state.frames) {
    frames.push_back(f.alive || f.id == 0 ? frame_json(f) : Value());
  }
  json::ObjectBuilder tasks;
  for (const auto& [token, frame] : state.tasks) tasks.add(token, integer(frame));
  std::vector<Value> timers;
  for (const auto& [id, purpose] : state.timers) {
    timers.push_back(Value::array(
        {hex64(id), integer(static_cast<std::int64_t>(purpose.kind)), integer(purpose.frame)}));
  }
  json::ObjectBuilder children;
  for (const auto& [arn, where] : state.children) {
    children.add(arn, Value::array({integer(where.first), integer(where.second)}));
  }
  auto random = state.random.state();
  return json::ObjectBuilder()
      .add("version", integer(kFormatVersion))
      .add("status", text(execution_status_name(state.status)))
      .add("identity", identity_json(state.identity))
      .add("input", state.input)
      .add("startTime", timestamp(state.start_time))
      .add("redriveCount", integer(state.redrive_count))
      .add("maxHistoryEvents", integer(state.max_history_events))
      .add("maxPayloadBytes", integer(state.max_payload_bytes))
      .add("nextEventId", integer(state.next_event_id))
      .add("nextTimerId", hex64(state.next_timer_id))
      .add("random",
           Value::array({hex64(random[0]), hex64(random[1]), hex64(random[2]), hex64(random[3])}))
      .add("rootGraph", integer(state.root_graph))
      .add("frames", Value::array(std::move(frames)))
      .add("tasks", tasks.build())
      .add("timers", Value::array(std::move(timers)))
      .add("children", children.build())
      .add("output", state.output ? Value::array({*state.output}) : Value())
      .add("error", optional_text(state.error))
      .add("cause", optional_text(state.cause))
      .add("stopTime", timestamp(state.stop_time))
      .build();
}

Result<ExecutionState> decode_state(const Value& v) {
  if (!v.is_object()) return fail("InvalidExecutionState", "the stored state is not an object");
  Reader r(v, "state");
  if (r.int64("version") != kFormatVersion) {
    return fail("InvalidExecutionState", "the stored state has an unknown format version");
  }
  ExecutionState state;
  std::string status = r.string("status");
  for (auto s : {ExecutionStatus::RUNNING, ExecutionStatus::SUCCEEDED, ExecutionStatus::FAILED,
                 ExecutionStatus::TIMED_OUT, ExecutionStatus::ABORTED}) {
    if (execution_status_name(s) == status) state.status = s;
  }
  Reader id(r.get("identity"), "state.identity");
  state.identity.execution_arn = id.string("executionArn");
  state.identity.name = id.string("name");
  state.identity.state_machine_arn = id.string("stateMachineArn");
  state.identity.state_machine_name = id.string("stateMachineName");
  state.identity.role_arn = id.string("roleArn");
  state.identity.region = id.string("region");
  state.identity.state_machine_version_arn = id.string("versionArn");
  state.identity.state_machine_alias_arn = id.string("aliasArn");
  if (id.error()) return Unexpected<Error>(*id.error());
  state.input = r.get("input");
  state.start_time = r.time("startTime");
  state.redrive_count = r.int64("redriveCount");
  state.max_history_events = r.int64("maxHistoryEvents");
  // Absent from states kept before the quotas were checked: AWS's.
  if (const Value* quota = v.find("maxPayloadBytes"); quota != nullptr && quota->is_int64()) {
    state.max_payload_bytes = quota->as_int64();
  }
  state.next_event_id = r.int64("nextEventId");
  state.next_timer_id = r.u64("nextTimerId");
  state.root_graph = static_cast<std::uint32_t>(r.int64("rootGraph"));
  const Value& random = r.get("random");
  std::array<std::uint64_t, 4> words{};
  bool random_ok = random.is_array() && random.size() == 4;
  for (std::size_t i = 0; random_ok && i < 4; ++i) random_ok = parse_hex64(random[i], words[i]);
  if (!random_ok) return fail("InvalidExecutionState", "the stored state's random source is bad");
  state.random = Random::from_state(words);
  const Value& frames = r.get("frames");
  if (frames.is_array()) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      Frame& f = state.frames.emplace_back();
      f.id = static_cast<FrameId>(i);
      if (frames[i].is_null()) {
        f.alive = false;
        f.phase = Phase::Done;
        continue;
      }
      Reader fr(frames[i], "state.frames[" + std::to_string(i) + "]");
      if (const Value* alive = frames[i].find("alive"); alive != nullptr && alive->is_bool()) {
        f.alive = alive->as_bool();
      }
      std::int64_t parent = fr.int64("parent");
      f.parent = parent < 0 ? kNoFrame : static_cast<FrameId>(parent);
      f.graph = static_cast<std::uint32_t>(fr.int64("graph"));
      f.state = static_cast<asl::StateIndex>(fr.int64("state"));
      f.phase = static_cast<Phase>(fr.int64("phase"));
      f.input = fr.get("input");
      f.effective = fr.get("effective");
      f.entered_event_id = fr.int64("enteredEventId");
      f.entered_time = fr.time("enteredTime");
      f.last_event_id = fr.int64("lastEventId");
      f.retry_attempts = fr.ints("retryAttempts");
      f.retry_count = fr.int64("retryCount");
      f.token = fr.string("token");
      f.timeout_timer = fr.u64("timeoutTimer");
      f.heartbeat_timer = fr.u64("heartbeatTimer");
      f.heartbeat_seconds = fr.int64("heartbeatSeconds");
      f.wait_timer = fr.u64("waitTimer");
      const Value& results = fr.get("results");
      if (results.is_array()) {
        f.results.assign(results.as_array().begin(), results.as_array().end());
        // Not kept: the results the children have given so far, not the nulls of the others.
        for (const Value& result : f.results) {
          if (!result.is_null()) f.results_bytes += json::measure(result).bytes + 1;
        }
      }
      for (std::int64_t child : fr.ints("running"))
        f.running.push_back(static_cast<FrameId>(child));
      f.items = fr.get("items");
      f.item_keys = fr.get("itemKeys");
      f.next_item = fr.int64("nextItem");
      f.max_concurrency = fr.int64("maxConcurrency");
      f.completed = fr.int64("completed");
      f.map_run_arn = fr.string("mapRunArn");
      f.failed = fr.int64("failed");
      const Value& count = fr.get("toleratedFailureCount");
      if (count.is_int64()) f.tolerated_failure_count = count.as_int64();
      const Value& percentage = fr.get("toleratedFailurePercentage");
      if (percentage.is_number()) f.tolerated_failure_percentage = percentage.as_double();
      f.index = fr.int64("index");
      f.item = fr.get("item");
      f.variables = fr.get("variables");
      if (fr.error()) return Unexpected<Error>(*fr.error());
    }
  }
  const Value& tasks = r.get("tasks");
  if (tasks.is_object()) {
    for (const json::Member& m : tasks.members()) {
      if (m.value.is_int64())
        state.tasks[std::string(m.name())] = static_cast<FrameId>(m.value.as_int64());
    }
  }
  const Value& timers = r.get("timers");
  if (timers.is_array()) {
    for (const Value& t : timers.as_array()) {
      std::uint64_t timer = 0;
      if (!t.is_array() || t.size() != 3 || !parse_hex64(t[0], timer) || !t[1].is_int64() ||
          !t[2].is_int64()) {
        return fail("InvalidExecutionState", "the stored state has a malformed timer");
      }
      state.timers[timer] = TimerPurpose{static_cast<TimerPurpose::Kind>(t[1].as_int64()),
                                         static_cast<FrameId>(t[2].as_int64())};
    }
  }
  const Value& children = r.get("children");
  if (children.is_object()) {
    for (const json::Member& m : children.members()) {
      if (m.value.is_array() && m.value.size() == 2 && m.value[0].is_int64() &&
          m.value[1].is_int64()) {
        state.children[std::string(m.name())] = {static_cast<FrameId>(m.value[0].as_int64()),
                                                 m.value[1].as_int64()};
      }
    }
  }
  const Value& output = r.get("output");
  if (output.is_array() && output.size() == 1) state.output = output[0];
  state.error = r.optional_string("error");
  state.cause = r.optional_string("cause");
  state.stop_time = r.time("stopTime");
  if (r.error()) return Unexpected<Error>(*r.error());
  return state;
}

}  // namespace baton::engine
