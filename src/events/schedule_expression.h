#pragma once

// Schedule expressions: the ScheduleExpression of an EventBridge scheduled rule (PutRule) and of
// an EventBridge Scheduler schedule (CreateSchedule), compiled once and asked when they fire
// next. The grammar and the behaviour are AWS's documented ones:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html and
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
//
// - rate(value unit): every value minutes, hours or days, value a positive whole number (at
//   most 2^31 - 1). Rules want the unit singular when the value is 1 and plural otherwise
//   (rate(1 minute), rate(5 minutes); AWS refuses rate(1 minutes) and rate(5 minute));
//   Scheduler takes either form, its guide writing rate(1 days).
// - cron(Minutes Hours Day-of-month Month Day-of-week Year): see events/cron.h. Scheduler's
//   guide makes Year optional; rules' makes it required.
// - at(yyyy-mm-ddThh:mm:ss): Scheduler only; one local date and time, no offset, no fraction.
// Nothing else: no blanks around the expression or inside the parentheses but the one that
// separates a rate's value and unit (and cron's fields), names of expressions and units in
// lower case.
//
// When they fire:
// - rate: at anchor + k * period for k >= 0, the anchor being the schedule's StartDate, or else
//   the moment it was created ("If you do not provide a StartDate for a rate-based schedule,
//   your schedule starts invoking the target immediately"; a rule's rate "starts when you
//   create the scheduled event rule"). The period is exact: a day is 24 hours across daylight
//   saving time changes, as Scheduler's guide says.
// - cron and at: read in the schedule's time zone (rules: always UTC). Where daylight saving
//   time starts, a cron time the clocks skip does not fire that day; where it ends, a cron time
//   the clocks show twice fires once, at its first showing, and not again after the clocks go
//   back ("When time shifts forward in the Spring, if a cron expression falls on a
//   non-existent date and time, your schedule invocation is skipped. When time shifts backwards
//   in the Fall, your schedule runs only once and does not repeat its invocation."). AWS does
//   not document an at() time in a gap; it fires as far after the jump as it is after the
//   gap's start (at(..T02:30:00) in New York on the spring-forward day fires at 03:30 EDT),
//   which is how java.time reads such a time; an at() time shown twice fires at the first.
// - StartDate and EndDate are the caller's: the first fire of a cron schedule is
//   next_after(StartDate - 1 ms), and none past EndDate. Scheduler ignores both for at().
//
// Pure: no clock, no I/O. Immutable and safe to share between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/error.h"
#include "events/cron.h"
#include "events/time_zone.h"

namespace baton::events {

// Where an expression comes from: the two services read different grammars.
enum class ScheduleFlavour {
  Rule,       // EventBridge PutRule: rate() and cron(), always in UTC
  Scheduler,  // EventBridge Scheduler: rate(), cron() and at(), in the schedule's time zone
};

enum class ScheduleKind { At, Rate, Cron };

// The error name AWS gives an invalid schedule expression, in both services.
inline constexpr std::string_view kInvalidScheduleExpression = "ValidationException";

// AWS's messages: PutRule's, and the start of CreateSchedule's ("Invalid Schedule Expression
// rate(10 seconds).").
inline constexpr std::string_view kRuleScheduleMessage =
    "Parameter ScheduleExpression is not valid.";
inline constexpr std::string_view kSchedulerScheduleMessage = "Invalid Schedule Expression ";

class ScheduleExpression {
 public:
  // Reads `text` as `flavour` reads it. Error: ValidationException whose cause is AWS's message
  // ("Parameter ScheduleExpression is not valid." for a rule, "Invalid Schedule Expression
  // <text>." for Scheduler) followed by what is wrong and where, e.g. "... field 3
  // (Day-of-month): 32 is not in 1-31."
  [[nodiscard]] static Result<ScheduleExpression> parse(std::string_view text,
                                                        ScheduleFlavour flavour);

  ScheduleKind kind() const;
  const std::string& text() const { return text_; }
  ScheduleFlavour flavour() const { return flavour_; }

  // The first time the expression fires strictly after `after_ms` (milliseconds since the
  // epoch, UTC), or nullopt when it fires no more: an at() already past, a cron() whose years
  // are over. `anchor_ms` is where a rate() counts from (see above); cron() and at() ignore it.
  // `zone` is the schedule's time zone; a rule's expression ignores it and reads UTC.
  std::optional<std::int64_t> next_after(std::int64_t after_ms, std::int64_t anchor_ms,
                                         const TimeZone& zone) const;

 private:
  struct At {
    std::int64_t local_seconds;  // the date and time, read in the schedule's zone
  };
  struct Rate {
    std::int64_t period_ms;
  };

  ScheduleExpression(std::string text, ScheduleFlavour flavour, std::variant<At, Rate, Cron> when)
      : text_(std::move(text)), flavour_(flavour), when_(std::move(when)) {}

  std::optional<std::int64_t> next_cron(const Cron& cron, std::int64_t after_ms,
                                        const TimeZone& zone) const;

  std::string text_;
  ScheduleFlavour flavour_;
  std::variant<At, Rate, Cron> when_;
};

}  // namespace baton::events
