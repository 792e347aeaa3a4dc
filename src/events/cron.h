#pragma once

// The six fields of an EventBridge cron() expression, as AWS documents them for scheduled rules
// and for EventBridge Scheduler: Minutes (0-59), Hours (0-23), Day-of-month (1-31), Month (1-12
// or JAN-DEC), Day-of-week (1-7 or SUN-SAT, 1 = Sunday), Year (1970-2199). Every field takes
// `*`, a value, a range `a-b`, an increment `a/n`, `*/n` or `a-b/n`, and lists of these joined
// by `,`; a range whose end comes before its start wraps around (FRI-MON, 22-2), except in Year.
// One of Day-of-month and Day-of-week is `?` and the other names the days. Alone in its field,
// Day-of-month also takes L (the last day), L-n (n days before it), LW (the last weekday) and nW
// (the weekday nearest day n, within the month); Day-of-week takes L (Saturday), dL (the last
// weekday d of the month) and d#n (the nth weekday d, n 1-5). Names and letters are read in any
// case, as Quartz reads them. A day that a month lacks (31, 5#5, 30W in February) is no day of
// that month.
//
// Compiled once into sets of values; finding the next time skips whole years, months, days and
// hours that cannot match, so it costs the same for a far year as for the next minute.
// Immutable.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.h"

namespace baton::events {

class Cron {
 public:
  // Reads the fields between "cron(" and ")", separated by single spaces; with `year_optional`
  // five fields mean every year. The error says what is wrong and in which field, as "field 3
  // (Day-of-month): 32 is not in 1-31".
  [[nodiscard]] static Expected<Cron, std::string> parse(std::string_view fields,
                                                         bool year_optional);

  // The first whole minute at or after `local_seconds` (a clock reading counted as if on UTC,
  // see events/time_zone.h) that the expression names, or nullopt when there is none by the end
  // of 2199.
  std::optional<std::int64_t> next_at_or_after(std::int64_t local_seconds) const;

 private:
  // How the expression picks days: the spec's forms of Day-of-month and Day-of-week.
  enum class DayRule {
    DaysOfMonth,         // a set of days 1-31
    LastDayOfMonth,      // L, L-n: day_ days before the last
    LastWeekdayOfMonth,  // LW
    NearestWeekday,      // nW: day_ is n
    DaysOfWeek,          // a set of weekdays 1-7
    LastWeekdayOf,       // dL: day_ is the weekday
    NthWeekdayOf,        // d#n: day_ is the weekday, nth_ the n
  };

  // The day of `month` (1-12) of `year` at or after `from` that the expression names, or 0.
  unsigned day_at_or_after(std::int64_t year, unsigned month, unsigned from) const;
  bool names_day(std::int64_t days_since_epoch, unsigned day, unsigned month_days) const;

  std::uint64_t minutes_ = 0;  // bit m for minute m
  std::uint64_t hours_ = 0;
  std::uint64_t months_ = 0;              // bits 1-12
  std::array<std::uint64_t, 4> years_{};  // bit y - 1970
  DayRule day_rule_ = DayRule::DaysOfMonth;
  std::uint64_t days_ = 0;  // DaysOfMonth: bits 1-31; DaysOfWeek: bits 1-7
  unsigned day_ = 0;
  unsigned nth_ = 0;

  friend class CronParser;
};

}  // namespace baton::events
