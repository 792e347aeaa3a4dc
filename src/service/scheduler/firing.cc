// When schedules fire and what a fire does: the next time of each enabled schedule, in its
// time zone, between StartDate and EndDate, shifted within its flexible time window; the call of
// its target with the context attributes put into its Input; the dead-letter queue of a call
// that fails. A one-time schedule, or one past its EndDate, is deleted after its last fire when
// its ActionAfterCompletion is DELETE.
//
// Fires that came due while baton was not running: the latest of them is delivered at once if
// it is younger than the target's MaximumEventAgeInSeconds (86400 unless set), the others are
// counted in the log; then the schedule goes on.

#include "core/time.h"
#include "service/arn.h"
#include "service/dead_letters.h"
#include "service/scheduler/scheduler_service.h"

namespace baton::service::scheduler {

using json::Value;

namespace {

std::int64_t integer_member(const Value* object, std::string_view name, std::int64_t fallback) {
  const Value* v = object != nullptr ? object->find(name) : nullptr;
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

constexpr int kMaxMissedCounted = 100000;

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) {
    s.replace(at, from.size(), to);
  }
}

// "2026-12-05T18:00:00Z".
std::string scheduled_time(std::int64_t ms) {
  std::string full = format_rfc3339_millis(Timestamp::from_millis(ms - ms % 1000));
  return full.substr(0, full.size() - 5) + "Z";
}

// An AWS SDK service name as baton's services are named (their signing names).
std::string served_name(std::string_view sdk_service) {
  if (sdk_service == "sfn") return "states";
  if (sdk_service == "eventbridge") return "events";
  return std::string(sdk_service);
}

}  // namespace

bool Scheduler::arm(Schedule& s) {
  ++s.generation;
  if (!s.enabled || !s.expression) return true;
  bool once = s.expression->kind() == baton::events::ScheduleKind::At;
  std::optional<std::int64_t> next;
  if (once) {
    // An at() fires once, even when its time had passed when it was made.
    if (s.fired_through_ms != 0) return false;
    next = s.expression->next_after(std::numeric_limits<std::int64_t>::min() / 2, 0, *s.zone);
  } else {
    std::int64_t after = std::max(s.fired_through_ms, s.start_ms.value_or(s.anchor_ms) - 1);
    next = s.expression->next_after(after, s.anchor_ms, *s.zone);
  }
  if (!next || (!once && s.end_ms && *next > *s.end_ms)) return false;
  std::int64_t now = core.now_ms();
  if (!once && *next <= now) {
    // Missed while baton was not running: the latest missed fire is delivered now.
    std::int64_t latest = *next;
    int missed = 0;
    while (missed < kMaxMissedCounted) {
      auto following = s.expression->next_after(latest, s.anchor_ms, *s.zone);
      if (!following || *following > now || (s.end_ms && *following > *s.end_ms)) break;
      latest = *following;
      ++missed;
    }
    if (missed > 0) {
      core.warn("Scheduler: schedule " + s.arn + " missed " + std::to_string(missed) +
                " fires while baton was not running; the latest is delivered now");
    }
    next = latest;
  }
  const Value* target = s.spec.find("Target");
  std::int64_t max_age_ms =
      integer_member(target != nullptr ? target->find("RetryPolicy") : nullptr,
                     "MaximumEventAgeInSeconds", 86400) *
      1000;
  if (now - *next > max_age_ms) {
    core.warn("Scheduler: schedule " + s.arn + ": the fire of " + scheduled_time(*next) +
              " is older than its MaximumEventAgeInSeconds and is not delivered");
    s.fired_through_ms = *next;
    if (once) return false;
    return arm(s);
  }
  // FLEXIBLE: a time within the window after the scheduled one, the same after a restart.
  std::int64_t delay = 0;
  if (const Value* window = s.spec.find("FlexibleTimeWindow");
      window != nullptr && member(*window, "Mode") == "FLEXIBLE") {
    std::int64_t width = integer_member(window, "MaximumWindowInMinutes", 1) * 60000;
    delay = static_cast<std::int64_t>(
        mix64(std::hash<std::string>{}(s.arn) ^ static_cast<std::uint64_t>(*next)) %
        static_cast<std::uint64_t>(width));
  }
  core.at(*next + delay, [this, group = s.group, name = s.name, generation = s.generation,
                          scheduled = *next] { fire(group, name, generation, scheduled); });
  return true;
}

void Scheduler::fire(const std::string& group, const std::string& name, std::uint64_t generation,
                     std::int64_t scheduled_ms) {
  auto g = schedules.find(group);
  if (g == schedules.end()) return;
  auto it = g->second.find(name);
  if (it == g->second.end() || it->second.generation != generation) return;
  Schedule& s = it->second;
  invoke_target(s, scheduled_ms);
  s.fired_through_ms = scheduled_ms;
  bool more = arm(s);
  if (!more && member(s.spec, "ActionAfterCompletion") == "DELETE") return remove(s);
  save(s);
}

void Scheduler::invoke_target(const Schedule& s, std::int64_t scheduled_ms) {
  const Value& target = *s.spec.find("Target");
  std::string arn = member(target, "Arn");
  std::string input = member(target, "Input");
  if (input.empty()) input = "{}";
  // The context attributes AWS puts into a target's input.
  replace_all(input, "<aws.scheduler.schedule-arn>", s.arn);
  replace_all(input, "<aws.scheduler.scheduled-time>", scheduled_time(scheduled_ms));
  replace_all(input, "<aws.scheduler.execution-id>", uuid_v4(random));
  replace_all(input, "<aws.scheduler.attempt-number>", "1");
  // The answer may come after the schedule changed: what a dead letter needs is copied.
  auto done = [this, copy = s, input](Result<Value> answer) {
    if (answer) {
      const Value* failed = answer->find("FailedEntryCount");
      if (failed == nullptr || !failed->is_int64() || failed->as_int64() == 0) return;
      answer = Unexpected<Error>(Error{"FailedEntry", json::to_string(*answer)});
    }
    to_dead_letter(copy, input, answer.error());
  };
  auto call = [&](std::string_view service, std::string_view operation, Value request) {
    core.call(service, operation, std::move(request), done);
  };
  if (arn.starts_with("arn:aws:scheduler:::aws-sdk:")) {
    std::string_view rest = std::string_view(arn).substr(28);
    std::string service = served_name(rest.substr(0, rest.find(':')));
    std::string operation(rest.substr(rest.find(':') + 1));
    operation[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(operation[0])));
    auto request = json::parse(input);
    if (!request || !request->is_object()) {
      return done(Unexpected<Error>(
          Error{"ValidationException", "the input is not a JSON request: " + input}));
    }
    return call(service, operation, std::move(*request));
  }
  if (arn.starts_with("arn:aws:lambda:")) {
    return call("lambda", "Invoke",
                json::ObjectBuilder()
                    .add("FunctionName", text(arn))
                    .add("InvocationType", text("Event"))
                    .add("Payload", text(input))
                    .build());
  }
  if (arn.starts_with("arn:aws:states:")) {
    return call(
        "states", "StartExecution",
        json::ObjectBuilder().add("stateMachineArn", text(arn)).add("input", text(input)).build());
  }
  if (arn.starts_with("arn:aws:sqs:")) {
    json::ObjectBuilder request;
    request.add("QueueUrl", text(queue_url(arn)));
    request.add("MessageBody", text(input));
    if (const Value* sqs = target.find("SqsParameters"); sqs != nullptr) {
      if (std::string group_id = member(*sqs, "MessageGroupId"); !group_id.empty()) {
        request.add("MessageGroupId", text(group_id));
      }
    }
    return call("sqs", "SendMessage", request.build());
  }
  if (arn.starts_with("arn:aws:sns:")) {
    return call(
        "sns", "Publish",
        json::ObjectBuilder().add("TopicArn", text(arn)).add("Message", text(input)).build());
  }
  if (arn.starts_with("arn:aws:events:")) {
    const Value* parameters = target.find("EventBridgeParameters");
    Value entry = json::ObjectBuilder()
                      .add("Source", text(member(*parameters, "Source")))
                      .add("DetailType", text(member(*parameters, "DetailType")))
                      .add("Detail", text(input))
                      .add("EventBusName", text(arn))
                      .add("Resources", Value::array({text(s.arn)}))
                      .build();
    return call("events", "PutEvents",
                json::ObjectBuilder().add("Entries", Value::array({std::move(entry)})).build());
  }
  done(Unexpected<Error>(Error{"UnsupportedTarget", "baton does not call targets such as " + arn}));
}

void Scheduler::to_dead_letter(const Schedule& s, const std::string& input, const Error& error) {
  const Value& target = *s.spec.find("Target");
  const Value* dlq = target.find("DeadLetterConfig");
  std::string arn = dlq != nullptr ? member(*dlq, "Arn") : std::string();
  if (arn.empty()) {
    core.warn("Scheduler: schedule " + s.arn + " could not call " + member(target, "Arn") + " (" +
              error.name + ": " + error.cause + "); it has no dead-letter queue");
    return;
  }
  // The attributes AWS puts on what a schedule could not deliver.
  send_dead_letter(core, "Scheduler", arn, input,
                   {{"ERROR_CODE", error.name},
                    {"ERROR_MESSAGE", error.cause},
                    {"EXHAUSTED_RETRY_CONDITION", "MaximumRetryAttempts"},
                    {"RETRY_ATTEMPTS", "0"}});
}

}  // namespace baton::service::scheduler
