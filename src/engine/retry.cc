// Errors on their way through a state: Retry first, then Catch, then the frame fails.

#include <cmath>

#include "asl/data_flow.h"
#include "asl/errors.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

namespace {

struct Handlers {
  const std::vector<asl::Retrier>* retry = nullptr;
  const std::vector<asl::Catcher>* catch_ = nullptr;
};

Handlers handlers_of(const asl::State& s) {
  switch (s.type) {
    case asl::StateType::Task: {
      const auto& t = s.as<asl::TaskState>();
      return {&t.retry, &t.catch_};
    }
    case asl::StateType::Parallel: {
      const auto& p = s.as<asl::ParallelState>();
      return {&p.retry, &p.catch_};
    }
    case asl::StateType::Map: {
      const auto& m = s.as<asl::MapState>();
      return {&m.retry, &m.catch_};
    }
    default:
      return {};
  }
}

}  // namespace

void Interpreter::raise(Frame& f, StateError e) {
  if (!running()) return;
  const asl::State& s = state_of(f);
  std::optional<std::string> cause = e.cause;
  if (e.from_state) cause = state_error_prefix(f) + cause.value_or("");
  // States.Runtime is terminal: no Retry or Catch, and no enclosing Parallel or Map, stops it.
  if (e.error == asl::errors::kRuntime) {
    f.alive = false;
    end_execution(ExecutionStatus::FAILED, std::nullopt, e.error, cause,
                  HistoryEventType::ExecutionFailed, f.last_event_id);
    return;
  }
  if (catching_ == f.id) {
    // The Catch itself failed (its Assign or output): no handler is consulted again.
    catching_ = kNoFrame;
    return fail_frame(f, e.error, cause);
  }
  Handlers handlers = handlers_of(s);
  if (handlers.retry != nullptr) {
    const auto& retriers = *handlers.retry;
    f.retry_attempts.resize(retriers.size(), 0);
    for (std::size_t i = 0; i < retriers.size(); ++i) {
      const asl::Retrier& r = retriers[i];
      if (!asl::errors::matches(r.error_equals, e.error, e.missed_heartbeat)) continue;
      // The first Retrier that names the error decides; once its attempts are spent, Catch.
      if (f.retry_attempts[i] < r.max_attempts) {
        std::int64_t attempt = ++f.retry_attempts[i];
        double delay = static_cast<double>(r.interval_seconds) *
                       std::pow(r.backoff_rate, static_cast<double>(attempt - 1));
        if (r.max_delay_seconds) delay = std::min(delay, static_cast<double>(*r.max_delay_seconds));
        if (r.jitter == asl::JitterStrategy::FULL) delay *= state_.random.next_double();
        auto millis = static_cast<std::int64_t>(std::llround(delay * 1000.0));
        f.retry_count++;
        f.phase = Phase::AwaitingRetry;
        f.wait_timer = schedule_timer({TimerPurpose::Kind::Retry, f.id},
                                      Timestamp::from_millis(now_.millis() + millis));
        return;
      }
      break;
    }
  }
  // No retry: a Parallel or Map records its failure before its Catch is consulted.
  if (s.type == asl::StateType::Parallel) {
    record(f, HistoryEventType::ParallelStateFailed, details::None{});
  } else if (s.type == asl::StateType::Map) {
    record(f, HistoryEventType::MapStateFailed, details::None{});
  }
  if (handlers.catch_ != nullptr) {
    for (const asl::Catcher& catcher : *handlers.catch_) {
      if (!asl::errors::matches(catcher.error_equals, e.error, e.missed_heartbeat)) continue;
      Value error_output = asl::error_output(e.error, cause);
      catching_ = f.id;
      auto assigned = evaluate_assign(f, catcher.assign, error_output);
      if (!assigned) return raise(f, std::move(assigned).error());
      auto output = asl::apply_result_path(catcher.result_path, f.input, error_output);
      if (!output) return raise_state(f, output.error());
      exit_state(f, std::move(*output), *assigned, catcher.next);
      catching_ = kNoFrame;
      return;
    }
  }
  fail_frame(f, e.error, cause);
}

void Interpreter::retry_elapsed(Frame& f) {
  switch (state_of(f).type) {
    case asl::StateType::Task:
      invoke_task(f);
      break;
    case asl::StateType::Parallel:
      start_parallel(f);
      break;
    case asl::StateType::Map:
      if (state_of(f).as<asl::MapState>().mode == asl::ProcessorMode::DISTRIBUTED) {
        start_map_run(f);
      } else {
        start_map(f);
      }
      break;
    default:
      break;
  }
}

}  // namespace baton::engine
