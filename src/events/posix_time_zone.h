#pragma once

// The POSIX TZ string a TZif file ends with ("EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30"): the rule
// for instants after the file's last transition, as RFC 8536 section 3.3 reads it, with the
// version 3 extension of transition times from -167 to 167 hours. A zone without daylight
// saving time has one offset; one with it changes twice a year, on dates given as Jn (day 1-365,
// February 29 never counted), n (day 0-365, February 29 counted) or Mm.w.d (weekday d, 0 =
// Sunday, of week w, 5 = last, of month m), each at a local time (02:00 unless given).
//
// Offsets here are seconds east of UTC, although the string writes them west of it ("EST5" is
// UTC-5). A plain value; immutable once parsed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace baton::events {

// The offset a zone's clocks keep from an instant on.
struct OffsetChange {
  std::int64_t at = 0;      // seconds since the epoch, UTC
  std::int32_t offset = 0;  // seconds east of UTC
};

class PosixTimeZone {
 public:
  // Reads a TZ string. The error says what is wrong and at which character.
  [[nodiscard]] static Expected<PosixTimeZone, std::string> parse(std::string_view text);

  std::int32_t offset_at(std::int64_t utc_seconds) const;

  // Appends to `out` the changes at instants in (from, to], in order. A zone without daylight
  // saving time has none. Callers keep the span to days: each year in it costs two dates.
  void changes_in(std::int64_t from, std::int64_t to, std::vector<OffsetChange>& out) const;

 private:
  enum class DateForm { JulianSkippingLeapDay, JulianCountingLeapDay, MonthWeekDay };
  struct RuleDate {
    DateForm form = DateForm::MonthWeekDay;
    int day = 0;  // Jn: 1-365; n: 0-365; Mm.w.d: the weekday, 0 = Sunday
    int week = 0;
    int month = 0;
    std::int32_t time = 7200;  // local seconds after midnight, -167h to 167h
  };

  // The year's changes into and out of daylight saving time.
  void changes_of_year(std::int64_t year, std::vector<OffsetChange>& out) const;
  static std::int64_t day_of(const RuleDate& date, std::int64_t year);

  std::int32_t standard_ = 0;
  std::optional<std::int32_t> daylight_;  // set when the zone keeps daylight saving time
  RuleDate start_;
  RuleDate end_;

  friend class PosixTimeZoneParser;
};

}  // namespace baton::events
