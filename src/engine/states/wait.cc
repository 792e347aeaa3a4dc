// The Wait state.

#include "asl/errors.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

namespace {

Unexpected<Error> runtime(std::string cause) {
  return fail(std::string(asl::errors::kRuntime), std::move(cause));
}

}  // namespace

void Interpreter::run_wait(Frame& f) {
  const asl::State& s = state_of(f);
  const auto& wait = s.as<asl::WaitState>();
  auto effective = select(f, s.input_path, f.input);
  if (!effective) return raise_state(f, effective.error());
  f.effective = std::move(*effective);
  Result<Timestamp> until = now_;
  if (wait.seconds) {
    until = Timestamp{now_.seconds + *wait.seconds, now_.nanos};
  } else if (wait.timestamp) {
    until = *wait.timestamp;
  } else if (wait.seconds_path) {
    const asl::Path& path = *wait.seconds_path;
    auto v = select(f, path, f.effective);
    if (!v) {
      until =
          runtime("The SecondsPath parameter does not reference an input value: " + path.text());
    } else if (!v->is_integer() || !v->is_int64()) {
      until = runtime("The SecondsPath parameter cannot be parsed as a long value: " + path.text() +
                      " == " + json::to_string(*v));
    } else if (v->as_int64() < 0) {
      until = runtime("The SecondsPath parameter references a negative value: " + path.text() +
                      " == " + json::to_string(*v));
    } else {
      until = Timestamp{now_.seconds + v->as_int64(), now_.nanos};
    }
  } else if (wait.timestamp_path) {
    const asl::Path& path = *wait.timestamp_path;
    auto v = select(f, path, f.effective);
    std::optional<Timestamp> parsed;
    if (v && v->is_string()) parsed = parse_rfc3339(v->as_string());
    if (!v) {
      until =
          runtime("The TimestampPath parameter does not reference an input value: " + path.text());
    } else if (!parsed) {
      until = runtime(
          "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
          "date-time format string: " +
          path.text() +
          " == " + (v->is_string() ? std::string(v->as_string()) : json::to_string(*v)));
    } else {
      until = *parsed;
    }
  }
  if (!until) return raise_state(f, until.error());
  // A time already past means no wait at all.
  if (*until <= now_) return wait_elapsed(f);
  f.phase = Phase::AwaitingTimer;
  f.wait_timer = schedule_timer({TimerPurpose::Kind::Wait, f.id}, *until);
}

void Interpreter::wait_elapsed(Frame& f) {
  const asl::State& s = state_of(f);
  auto assigned = evaluate_assign(f, s.assign, f.effective);
  if (!assigned) return raise(f, std::move(assigned).error());
  auto output = select(f, s.output_path, f.effective);
  if (!output) return raise_state(f, output.error());
  exit_state(f, std::move(*output), *assigned);
}

}  // namespace baton::engine
