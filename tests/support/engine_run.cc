#include "support/engine_run.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "engine/history_json.h"

namespace baton::testing {

using json::Value;

Timestamp EngineRun::start_time() { return *parse_rfc3339("2024-01-01T00:00:00Z"); }

EngineRun::EngineRun(std::string_view definition, std::string_view input, std::uint64_t seed,
                     std::int64_t max_history_events)
    : now_(start_time()) {
  auto parsed = asl::parse(definition);
  if (!parsed) {
    ADD_FAILURE() << "invalid definition: " << asl::invalid_definition_message(parsed.error());
    return;
  }
  definition_ = parsed->definition;
  engine::ExecutionIdentity identity;
  identity.name = "run-1";
  identity.state_machine_name = "Machine";
  identity.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Machine";
  identity.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:Machine:run-1";
  identity.role_arn = "arn:aws:iam::123456789012:role/r";
  auto value = json::parse(input);
  EXPECT_TRUE(value) << "bad input";
  send(engine::events::ExecutionStarted{now_, identity, value ? *value : Value(), seed,
                                        max_history_events});
}

void EngineRun::apply(engine::Step& step) {
  state_ = std::move(step.state);
  for (engine::HistoryEvent& e : step.history) history_.push_back(std::move(e));
  for (engine::Command& command : step.commands) {
    if (auto* invoke = std::get_if<engine::commands::InvokeTask>(&command)) {
      open_tasks_.push_back(*invoke);
      all_tasks_.push_back(*invoke);
    } else if (auto* cancel = std::get_if<engine::commands::CancelTask>(&command)) {
      std::erase_if(open_tasks_, [&](const auto& t) { return t.token == cancel->token; });
    } else if (auto* schedule = std::get_if<engine::commands::ScheduleTimer>(&command)) {
      timers_.emplace_back(schedule->at, schedule->id);
      std::sort(timers_.begin(), timers_.end());
    } else if (auto* cancel_timer = std::get_if<engine::commands::CancelTimer>(&command)) {
      std::erase_if(timers_, [&](const auto& t) { return t.second == cancel_timer->id; });
    } else if (auto* child = std::get_if<engine::commands::StartChildExecution>(&command)) {
      children_.push_back(*child);
    }
  }
}

bool EngineRun::send(const engine::Event& event) {
  if (!definition_) return false;
  events_.push_back(event);
  auto step = engine::step(*definition_, std::move(state_), event);
  if (!step) {
    state_ = std::move(step.error().state);
    events_.pop_back();
    return false;
  }
  apply(*step);
  return true;
}

bool EngineRun::succeed(std::string token, std::string_view output_json) {
  std::erase_if(open_tasks_, [&](const auto& t) { return t.token == token; });
  return send(engine::events::TaskSucceeded{now_, token, *json::parse(output_json)});
}

bool EngineRun::fail_task(std::string token, const std::string& error,
                          std::optional<std::string> cause) {
  std::erase_if(open_tasks_, [&](const auto& t) { return t.token == token; });
  return send(engine::events::TaskFailed{now_, token, error, std::move(cause)});
}

bool EngineRun::fire_next_timer() {
  if (timers_.empty()) return false;
  auto [at, id] = timers_.front();
  timers_.erase(timers_.begin());
  if (now_ < at) now_ = at;
  send(engine::events::TimerFired{now_, id});
  return true;
}

void EngineRun::stop(std::optional<std::string> error, std::optional<std::string> cause) {
  send(engine::events::StopRequested{now_, std::move(error), std::move(cause)});
}

std::string EngineRun::status() const {
  return std::string(engine::execution_status_name(state_.status));
}

std::string EngineRun::output() const {
  return state_.output ? json::to_string(*state_.output) : "";
}

std::string event_text(const engine::HistoryEvent& e) {
  std::string line = std::to_string(e.id) + "<" + std::to_string(e.previous_event_id) + " " +
                     std::string(engine::history_event_type_name(e.type));
  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, engine::details::StateEntered> ||
                      std::is_same_v<T, engine::details::StateExited>) {
          line += " " + std::string(d.name.as_string());
        } else if constexpr (std::is_same_v<T, engine::details::MapIteration>) {
          line += " " + std::to_string(d.index);
        } else if constexpr (std::is_same_v<T, engine::details::MapStarted>) {
          line += " " + std::to_string(d.length);
        } else if constexpr (std::is_same_v<T, engine::details::ErrorCause> ||
                             std::is_same_v<T, engine::details::TaskError>) {
          if (d.error.is_string()) line += " " + std::string(d.error.as_string());
        }
      },
      e.details);
  return line;
}

std::string EngineRun::history_text() const {
  std::string text;
  for (const engine::HistoryEvent& e : history_) text += event_text(e) + "\n";
  return text;
}

}  // namespace baton::testing
