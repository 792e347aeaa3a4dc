// Scheduled rules: a rule with a ScheduleExpression (default bus only, as on AWS) sends its
// targets a "Scheduled Event" from source aws.events each time the expression fires, in UTC.
// Each fire commits with the deliveries it makes and the rule's record of it, so that a
// restart neither repeats a fire nor forgets one. Fires that came due while baton was not
// running: the latest of them is delivered at once (late, as AWS delivers an event it could
// not deliver on time, within the 24 hours an event may wait), the others are counted in the
// log; then the schedule goes on.

#include "core/time.h"
#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

namespace {

// How long a fire may wait and still be delivered: AWS's default MaximumEventAgeInSeconds.
constexpr std::int64_t kMaxEventAgeMs = 24LL * 3600 * 1000;
// The most missed fires counted after a restart: past it, the schedule resumes from now.
constexpr int kMaxMissedCounted = 100000;

}  // namespace

void EventBridge::arm(Rule& rule) {
  ++rule.generation;
  if (!rule.enabled || !rule.schedule) return;
  const auto& zone = baton::events::TimeZone::utc();
  // A rule's rate() first fires one period after the rule is put.
  std::int64_t after = std::max(rule.fired_through_ms, rule.schedule_from_ms);
  std::optional<std::int64_t> next = rule.schedule->next_after(after, rule.schedule_from_ms, zone);
  if (!next) return;
  std::int64_t now = core.now_ms();
  if (*next <= now) {
    // Missed while baton was not running: the latest missed fire is delivered now.
    std::int64_t latest = *next;
    int missed = 0;
    while (missed < kMaxMissedCounted) {
      auto following = rule.schedule->next_after(latest, rule.schedule_from_ms, zone);
      if (!following || *following > now) break;
      latest = *following;
      ++missed;
    }
    if (missed > 0) {
      core.warn("EventBridge: rule " + rule.arn + " missed " + std::to_string(missed) +
                " scheduled fires while baton was not running; the latest is delivered now");
    }
    if (now - latest > kMaxEventAgeMs) {
      core.warn("EventBridge: rule " + rule.arn + ": its last missed fire is older than 24 hours " +
                "and is not delivered");
      rule.fired_through_ms = latest;
      next = rule.schedule->next_after(latest, rule.schedule_from_ms, zone);
      if (!next) return;
    } else {
      next = latest;
    }
  }
  core.at(*next, [this, bus = rule.bus, name = rule.name, generation = rule.generation,
                  at = *next] { fire(bus, name, generation, at); });
}

void EventBridge::fire(const std::string& bus, const std::string& name, std::uint64_t generation,
                       std::int64_t at_ms) {
  auto b = buses.find(bus);
  if (b == buses.end()) return;
  auto it = b->second.rules.find(name);
  if (it == b->second.rules.end() || it->second.generation != generation) return;
  Rule& rule = it->second;
  Value event = envelope("aws.events", "Scheduled Event", Value::object({}),
                         {Value::string(rule.arn)}, at_ms);
  for (const Target& target : rule.targets) deliver(rule, target, event, 0);
  rule.fired_through_ms = at_ms;
  save_rule(rule);
  arm(rule);
}

}  // namespace baton::service::events
