#include "events/posix_time_zone.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/time.h"

namespace baton::events {

namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool is_leap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

std::int64_t year_of(std::int64_t utc_seconds) {
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(floor_div(utc_seconds, kSecondsPerDay), year, month, day);
  return year;
}

}  // namespace

// Reads a TZ string left to right; each read either consumes what it names or fails with the
// reason, leaving `error` set.
class PosixTimeZoneParser {
 public:
  explicit PosixTimeZoneParser(std::string_view text) : text_(text) {}

  Expected<PosixTimeZone, std::string> parse() {
    PosixTimeZone zone;
    std::int32_t west = 0;
    if (!read_name("standard time") || !read_clock("standard offset", 24, west)) return failure();
    zone.standard_ = -west;
    if (at_end()) return zone;
    if (!read_name("daylight saving time")) return failure();
    west = -zone.standard_ - 3600;  // POSIX: one hour ahead of standard time unless given
    if (!at_end() && peek() != ',' && !read_clock("daylight saving offset", 24, west)) {
      return failure();
    }
    zone.daylight_ = -west;
    // A rule is required: RFC 8536 leaves a zone without one undefined.
    if (!expect(',', "a ',' and the date daylight saving time starts") || !read_date(zone.start_) ||
        !expect(',', "a ',' and the date it ends") || !read_date(zone.end_)) {
      return failure();
    }
    if (!at_end()) return fail("unexpected '" + std::string(1, peek()) + "'");
    return zone;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  Unexpected<std::string> failure() { return Unexpected<std::string>(error_); }
  Unexpected<std::string> fail(std::string reason) {
    error_ = std::move(reason);
    return failure();
  }
  bool fail_read(std::string reason) {
    error_ = std::move(reason) + " at character " + std::to_string(pos_ + 1);
    return false;
  }

  bool expect(char c, const char* what) {
    if (at_end() || peek() != c) return fail_read(std::string("expected ") + what);
    ++pos_;
    return true;
  }

  // A designation: three or more letters, or <...> of letters, digits, '+' and '-'.
  bool read_name(const char* what) {
    std::size_t begin = pos_;
    if (!at_end() && peek() == '<') {
      ++pos_;
      while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) != 0 || peek() == '+' ||
                           peek() == '-')) {
        ++pos_;
      }
      if (at_end() || peek() != '>' || pos_ - begin - 1 < 3) {
        pos_ = begin;
        return fail_read(std::string("expected the name of ") + what + " in <>");
      }
      ++pos_;
      return true;
    }
    while (!at_end() && std::isalpha(static_cast<unsigned char>(peek())) != 0) ++pos_;
    if (pos_ - begin < 3) {
      pos_ = begin;
      return fail_read(std::string("expected the name of ") + what);
    }
    return true;
  }

  bool read_number(int digits_max, int& out) {
    int value = 0;
    int digits = 0;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(peek())) != 0 &&
           digits < digits_max) {
      value = value * 10 + (peek() - '0');
      ++pos_;
      ++digits;
    }
    out = value;
    return digits > 0;
  }

  // [+-]hh[:mm[:ss]], hours at most `max_hours`.
  bool read_clock(const char* what, int max_hours, std::int32_t& seconds) {
    int sign = 1;
    if (!at_end() && (peek() == '+' || peek() == '-')) {
      sign = peek() == '-' ? -1 : 1;
      ++pos_;
    }
    int hours = 0;
    int minutes = 0;
    int secs = 0;
    if (!read_number(3, hours) || hours > max_hours) {
      return fail_read(std::string("expected the ") + what + " as hours 0-" +
                       std::to_string(max_hours) + "[:mm[:ss]]");
    }
    if (!at_end() && peek() == ':') {
      ++pos_;
      if (!read_number(2, minutes) || minutes > 59) {
        return fail_read(std::string("expected the minutes of the ") + what);
      }
      if (!at_end() && peek() == ':') {
        ++pos_;
        if (!read_number(2, secs) || secs > 59) {
          return fail_read(std::string("expected the seconds of the ") + what);
        }
      }
    }
    seconds = sign * (hours * 3600 + minutes * 60 + secs);
    return true;
  }

  bool read_date(PosixTimeZone::RuleDate& date) {
    using Form = PosixTimeZone::DateForm;
    if (!at_end() && peek() == 'M') {
      ++pos_;
      date.form = Form::MonthWeekDay;
      if (!read_number(2, date.month) || date.month < 1 || date.month > 12 ||
          !expect('.', "'.' after the month") || !read_number(1, date.week) || date.week < 1 ||
          date.week > 5 || !expect('.', "'.' after the week") || !read_number(1, date.day) ||
          date.day > 6) {
        return error_.empty() ? fail_read("expected Mm.w.d with m 1-12, w 1-5, d 0-6") : false;
      }
    } else if (!at_end() && peek() == 'J') {
      ++pos_;
      date.form = Form::JulianSkippingLeapDay;
      if (!read_number(3, date.day) || date.day < 1 || date.day > 365) {
        return fail_read("expected Jn with n 1-365");
      }
    } else {
      date.form = Form::JulianCountingLeapDay;
      if (!read_number(3, date.day) || date.day > 365) {
        return fail_read("expected a date Jn, n or Mm.w.d");
      }
    }
    if (!at_end() && peek() == '/') {
      ++pos_;
      // Version 3 extension: -167 to 167 hours, so a rule can name "the day after".
      if (!read_clock("transition time", 167, date.time)) return false;
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

Expected<PosixTimeZone, std::string> PosixTimeZone::parse(std::string_view text) {
  return PosixTimeZoneParser(text).parse();
}

std::int64_t PosixTimeZone::day_of(const RuleDate& date, std::int64_t year) {
  std::int64_t january_first = days_from_civil(year, 1, 1);
  switch (date.form) {
    case DateForm::JulianSkippingLeapDay:
      return january_first + date.day - 1 + (is_leap(year) && date.day >= 60 ? 1 : 0);
    case DateForm::JulianCountingLeapDay:
      return january_first + date.day;
    case DateForm::MonthWeekDay: {
      auto month = static_cast<unsigned>(date.month);
      std::int64_t first = days_from_civil(year, month, 1);
      std::int64_t next_month =
          month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, month + 1, 1);
      // 1970-01-01 was a Thursday: weekday 4 counting from Sunday.
      std::int64_t first_weekday = ((first + 4) % 7 + 7) % 7;
      std::int64_t day = first + (date.day - first_weekday + 7) % 7 + 7 * (date.week - 1);
      while (day >= next_month) day -= 7;  // week 5 is the last such weekday
      return day;
    }
  }
  return january_first;
}

void PosixTimeZone::changes_of_year(std::int64_t year, std::vector<OffsetChange>& out) const {
  // Each date is read on the clock in effect before it: standard time for the start, daylight
  // saving time for the end.
  std::int64_t start = day_of(start_, year) * kSecondsPerDay + start_.time - standard_;
  std::int64_t end = day_of(end_, year) * kSecondsPerDay + end_.time - *daylight_;
  out.push_back(OffsetChange{end, standard_});
  out.push_back(OffsetChange{start, *daylight_});
}

std::int32_t PosixTimeZone::offset_at(std::int64_t utc_seconds) const {
  if (!daylight_) return standard_;
  std::vector<OffsetChange> changes;
  std::int64_t year = year_of(utc_seconds);
  // Transition times reach a week past a year's end, so two years back always holds one change
  // before any instant of this year.
  for (std::int64_t y = year - 2; y <= year + 1; ++y) changes_of_year(y, changes);
  // Where an end and the next start coincide (daylight saving time all year), the start is
  // the later: stable_sort keeps each year's end before its start.
  std::stable_sort(changes.begin(), changes.end(),
                   [](const OffsetChange& a, const OffsetChange& b) { return a.at < b.at; });
  std::int32_t offset = standard_;
  for (const OffsetChange& change : changes) {
    if (change.at > utc_seconds) break;
    offset = change.offset;
  }
  return offset;
}

void PosixTimeZone::changes_in(std::int64_t from, std::int64_t to,
                               std::vector<OffsetChange>& out) const {
  if (!daylight_ || to <= from) return;
  std::vector<OffsetChange> changes;
  for (std::int64_t y = year_of(from) - 1; y <= year_of(to) + 1; ++y) changes_of_year(y, changes);
  std::stable_sort(changes.begin(), changes.end(),
                   [](const OffsetChange& a, const OffsetChange& b) { return a.at < b.at; });
  for (const OffsetChange& change : changes) {
    if (change.at > from && change.at <= to) out.push_back(change);
  }
}

}  // namespace baton::events
