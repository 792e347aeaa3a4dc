// Schedules: CreateSchedule, UpdateSchedule (which replaces everything it is given), GetSchedule,
// DeleteSchedule, ListSchedules; and the reading of a schedule's settings, which AWS checks when
// the schedule is made rather than when it fires.

#include <cmath>

#include "service/scheduler/scheduler_service.h"

namespace baton::service::scheduler {

using json::Value;

namespace {

std::optional<std::int64_t> date_ms(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(v->as_double() * 1000));
}

Expected<void, Error> check_window(const Value* window) {
  if (window == nullptr || !window->is_object()) {
    return validation("FlexibleTimeWindow is required: {\"Mode\": \"OFF\"} fires on time.");
  }
  std::string mode = member(*window, "Mode");
  bool has_window = window->find("MaximumWindowInMinutes") != nullptr;
  if (mode == "FLEXIBLE" && !has_window) {
    return validation(
        "FlexibleTimeWindow: MaximumWindowInMinutes is required when Mode is "
        "FLEXIBLE.");
  }
  if (mode == "OFF" && has_window) {
    return validation(
        "FlexibleTimeWindow: MaximumWindowInMinutes must not be given when Mode "
        "is OFF.");
  }
  return {};
}

// What AWS checks of a target when the schedule is made.
Expected<void, Error> check_target(const Value* target) {
  if (target == nullptr || !target->is_object()) return validation("Target is required.");
  std::string arn = member(*target, "Arn");
  if (arn.empty() || member(*target, "RoleArn").empty()) {
    return validation("Target: Arn and RoleArn are required.");
  }
  if (arn.starts_with("arn:aws:scheduler:::aws-sdk:")) {
    std::string_view rest = std::string_view(arn).substr(28);
    if (rest.find(':') == std::string_view::npos || rest.ends_with(':')) {
      return validation("Target.Arn " + arn +
                        ": a universal target is arn:aws:scheduler:::aws-sdk:SERVICE:ACTION.");
    }
    auto input = json::parse(member(*target, "Input").empty() ? "{}" : member(*target, "Input"));
    if (!input || !input->is_object()) {
      return validation(
          "Target.Input of a universal target must be the action's request, a "
          "JSON object.");
    }
  }
  if (arn.starts_with("arn:aws:events:") && target->find("EventBridgeParameters") == nullptr) {
    return validation(
        "Target: EventBridgeParameters (DetailType, Source) is required for an "
        "event bus target.");
  }
  if (const Value* dlq = target->find("DeadLetterConfig"); dlq != nullptr) {
    if (!member(*dlq, "Arn").starts_with("arn:aws:sqs:")) {
      return validation("Target.DeadLetterConfig.Arn must be the ARN of an SQS queue.");
    }
  }
  return {};
}

}  // namespace

Expected<void, Error> Scheduler::read_spec(const Request& r, Schedule& s) {
  auto expression_text = r.required("ScheduleExpression");
  if (!expression_text) return Unexpected<Error>(expression_text.error());
  auto expression = baton::events::ScheduleExpression::parse(
      *expression_text, baton::events::ScheduleFlavour::Scheduler);
  if (!expression) return Unexpected<Error>(expression.error());
  auto zone = zone_named(member(r.body(), "ScheduleExpressionTimezone"));
  if (!zone) return Unexpected<Error>(zone.error());
  if (auto ok = check_window(r.field("FlexibleTimeWindow")); !ok) return ok;
  if (auto ok = check_target(r.field("Target")); !ok) return ok;
  std::optional<std::int64_t> start = date_ms(r.body(), "StartDate");
  std::optional<std::int64_t> end = date_ms(r.body(), "EndDate");
  if (start && end && *end <= *start) {
    return validation("The StartDate must come before the EndDate.");
  }
  json::ObjectBuilder spec;
  for (const json::Member& m : r.body().members()) {
    std::string_view key = m.name();
    if (key == "Name" || key == "GroupName" || key == "ClientToken") continue;
    spec.add(key, m.value);
  }
  s.spec = spec.build();
  s.expression = std::move(*expression);
  s.zone = std::move(*zone);
  s.start_ms = start;
  s.end_ms = end;
  s.enabled = member(r.body(), "State") != "DISABLED";
  return {};
}

Value Scheduler::describe(const Schedule& s) const {
  json::ObjectBuilder out;
  out.add("Arn", text(s.arn));
  out.add("CreationDate", epoch(s.created_ms));
  out.add("GroupName", text(s.group));
  out.add("LastModificationDate", epoch(s.modified_ms));
  out.add("Name", text(s.name));
  bool has_state = false;
  bool has_action = false;
  for (const json::Member& m : s.spec.members()) {
    has_state = has_state || m.name() == "State";
    has_action = has_action || m.name() == "ActionAfterCompletion";
    out.add(m.name(), m.value);
  }
  if (!has_state) out.add("State", text("ENABLED"));
  if (!has_action) out.add("ActionAfterCompletion", text("NONE"));
  return out.build();
}

void Scheduler::create_schedule(const Request& r, Reply reply) {
  auto group = requested_group(r, "GroupName");
  if (!group) return reply(Unexpected<Error>(group.error()));
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto& in_group = schedules[(*group)->name];
  if (in_group.contains(*name)) {
    return reply(fail("ConflictException", "Schedule " + *name + " already exists."));
  }
  Schedule s;
  s.name = *name;
  s.group = (*group)->name;
  s.arn = schedule_arn(s.group, s.name);
  s.created_ms = s.modified_ms = core.now_ms();
  if (auto read = read_spec(r, s); !read) return reply(Unexpected<Error>(read.error()));
  s.anchor_ms = s.start_ms.value_or(s.created_ms);
  if (s.end_ms && *s.end_ms <= s.created_ms) {
    return reply(validation("The EndDate must be in the future."));
  }
  Schedule& kept = in_group.emplace(s.name, std::move(s)).first->second;
  save(kept);
  arm(kept);
  core.answer(reply, json::ObjectBuilder().add("ScheduleArn", text(kept.arn)).build());
}

void Scheduler::update_schedule(const Request& r, Reply reply) {
  auto found = requested_schedule(r);
  if (!found) return reply(Unexpected<Error>(found.error()));
  Schedule updated = **found;
  if (auto read = read_spec(r, updated); !read) return reply(Unexpected<Error>(read.error()));
  Schedule& s = **found;
  bool was_enabled = s.enabled;
  bool same_when = s.expression->text() == updated.expression->text() && s.zone == updated.zone &&
                   s.start_ms == updated.start_ms;
  updated.modified_ms = core.now_ms();
  // A new schedule counts from now; one enabled again does not catch up on what it missed.
  if (!same_when) {
    updated.fired_through_ms = 0;
    updated.anchor_ms = updated.start_ms.value_or(updated.modified_ms);
  } else if (updated.enabled && !was_enabled) {
    updated.fired_through_ms = std::max(updated.fired_through_ms, core.now_ms());
  }
  updated.generation = s.generation;
  s = std::move(updated);
  save(s);
  arm(s);
  core.answer(reply, json::ObjectBuilder().add("ScheduleArn", text(s.arn)).build());
}

void Scheduler::get_schedule(const Request& r, Reply reply) {
  auto found = requested_schedule(r);
  if (!found) return reply(Unexpected<Error>(found.error()));
  core.answer(reply, describe(**found));
}

void Scheduler::delete_schedule(const Request& r, Reply reply) {
  auto found = requested_schedule(r);
  if (!found) return reply(Unexpected<Error>(found.error()));
  remove(**found);
  core.answer(reply, Value::object({}));
}

void Scheduler::list_schedules(const Request& r, Reply reply) {
  auto prefix = r.string("NamePrefix");
  if (!prefix) return reply(Unexpected<Error>(prefix.error()));
  auto state = r.string("State");
  if (!state) return reply(Unexpected<Error>(state.error()));
  auto most = r.integer("MaxResults");
  if (!most) return reply(Unexpected<Error>(most.error()));
  auto after = r.string("NextToken");
  if (!after) return reply(Unexpected<Error>(after.error()));
  auto only_group = r.string("GroupName");
  if (!only_group) return reply(Unexpected<Error>(only_group.error()));
  if (*only_group && !groups.contains(**only_group)) {
    return reply(not_found("Schedule group " + **only_group + " does not exist."));
  }
  // Listed by group, then name; the token is the last one listed, "group/name".
  std::vector<Value> listed;
  std::string last;
  std::string next;
  std::size_t limit = static_cast<std::size_t>(most->value_or(100));
  for (const auto& [group_name, in_group] : schedules) {
    if (*only_group && group_name != **only_group) continue;
    for (const auto& [name, s] : in_group) {
      std::string key = group_name + "/" + name;
      if (*after && key <= **after) continue;
      if (!name.starts_with(prefix->value_or(""))) continue;
      if (*state && **state != (s.enabled ? "ENABLED" : "DISABLED")) continue;
      if (listed.size() == limit) {
        next = last;
        break;
      }
      listed.push_back(
          json::ObjectBuilder()
              .add("Arn", text(s.arn))
              .add("CreationDate", epoch(s.created_ms))
              .add("GroupName", text(s.group))
              .add("LastModificationDate", epoch(s.modified_ms))
              .add("Name", text(s.name))
              .add("State", text(s.enabled ? "ENABLED" : "DISABLED"))
              .add("Target", json::ObjectBuilder()
                                 .add("Arn", text(member(*s.spec.find("Target"), "Arn")))
                                 .build())
              .build());
      last = key;
    }
    if (!next.empty()) break;
  }
  json::ObjectBuilder out;
  out.add("Schedules", Value::array(std::move(listed)));
  if (!next.empty()) out.add("NextToken", text(next));
  core.answer(reply, out.build());
}

}  // namespace baton::service::scheduler
