#include "events/cron.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <vector>

#include "core/time.h"

namespace baton::events {

namespace {

constexpr std::int64_t kFirstYear = 1970;
constexpr std::int64_t kLastYear = 2199;

const char* const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// One field of the six, as AWS's table lists it.
struct Field {
  int number;  // 1-6, as a person counts them
  const char* name;
  int min;
  int max;
  const char* const* names;  // for min..max, or null
  const char* values;        // how an error names the values
  int max_increment;         // Quartz's bound: "0/60" is refused; 0 where AWS lists no '/'
  bool cyclic;               // whether a backwards range wraps around
};

constexpr Field kMinutes{1, "Minutes", 0, 59, nullptr, "0-59", 59, true};
constexpr Field kHours{2, "Hours", 0, 23, nullptr, "0-23", 23, true};
constexpr Field kDayOfMonth{3, "Day-of-month", 1, 31, nullptr, "1-31", 31, true};
constexpr Field kMonth{4, "Month", 1, 12, kMonthNames, "1-12 or JAN-DEC", 12, true};
constexpr Field kDayOfWeek{5, "Day-of-week", 1, 7, kDayNames, "1-7 or SUN-SAT", 0, true};
constexpr Field kYear{6, "Year", 1970, 2199, nullptr, "1970-2199", 229, false};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool is_leap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// AWS's weekday of a day since the epoch: 1 = Sunday ... 7 = Saturday (1970-01-01, a Thursday,
// is 5).
unsigned weekday(std::int64_t days_since_epoch) {
  return static_cast<unsigned>(((days_since_epoch + 4) % 7 + 7) % 7) + 1;
}

// The lowest set bit of `mask` at or above `from`, or 64.
unsigned next_bit(std::uint64_t mask, unsigned from) {
  if (from >= 64) return 64;
  return static_cast<unsigned>(std::countr_zero(mask & (~std::uint64_t{0} << from)));
}

// Names and letters read in any case, as Quartz reads them.
std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

// Reads the fields one by one into a Cron, stopping at the first error.
class CronParser {
 public:
  Expected<Cron, std::string> parse(std::string_view text, bool year_optional) {
    std::vector<std::string> fields;
    std::size_t begin = 0;
    while (!text.empty()) {
      std::size_t space = text.find(' ', begin);
      fields.emplace_back(
          text.substr(begin, space == std::string_view::npos ? text.npos : space - begin));
      if (space == std::string_view::npos) break;
      begin = space + 1;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].empty()) {
        return fail("Field " + std::to_string(i + 1) +
                    " is empty: fields are separated by single spaces");
      }
    }
    if (fields.size() == 5 && year_optional) fields.emplace_back("*");
    if (fields.size() != 6) {
      return fail(std::string("A cron expression has six fields (Minutes Hours Day-of-month Month "
                              "Day-of-week Year") +
                  (year_optional ? ", Year optional" : "") + ") separated by single spaces; " +
                  "this one has " + std::to_string(fields.size()));
    }
    bool any_day_of_month = fields[2] == "?";
    bool any_day_of_week = fields[4] == "?";
    if (any_day_of_month && any_day_of_week) {
      return fail("Day-of-month and Day-of-week are both '?': one of them must name the days");
    }
    if (!any_day_of_month && !any_day_of_week) {
      return fail("Day-of-month ('" + fields[2] + "') and Day-of-week ('" + fields[4] +
                  "') both name days: one of them must be '?'");
    }
    if (!read_list(kMinutes, fields[0], cron_.minutes_) ||
        !read_list(kHours, fields[1], cron_.hours_) ||
        (!any_day_of_month && !read_day_of_month(fields[2])) ||
        !read_list(kMonth, fields[3], cron_.months_) ||
        (!any_day_of_week && !read_day_of_week(fields[4]))) {
      return fail(error_);
    }
    if (!read_years(fields[5], cron_.years_)) return fail(error_);
    return cron_;
  }

 private:
  using DayRule = Cron::DayRule;

  static Unexpected<std::string> fail(std::string reason) {
    return Unexpected<std::string>(std::move(reason));
  }

  bool fail_field(const Field& field, const std::string& reason) {
    error_ = "Field " + std::to_string(field.number) + " (" + field.name + "): " + reason;
    return false;
  }

  // A number or a name of `field`, within its values.
  bool read_value(const Field& field, std::string_view text, int& value) {
    if (text.empty()) return fail_field(field, "a value is missing");
    if (all_digits(text) && text.size() <= 4) {
      value = 0;
      for (char c : text) value = value * 10 + (c - '0');
    } else {
      value = -1;
      std::string name = upper(text);
      for (int i = 0; field.names != nullptr && i <= field.max - field.min; ++i) {
        if (name == field.names[i]) value = field.min + i;
      }
      if (value < 0) {
        return fail_field(field, "'" + std::string(text) + "' is not " + field.values);
      }
    }
    if (value < field.min || value > field.max) {
      return fail_field(field, std::string(text) + " is not in " + field.values);
    }
    return true;
  }

  // *, a, a-b, each optionally /n, joined by commas: appends each value named to `values`.
  bool read_list_values(const Field& field, std::string_view text, std::vector<int>& values) {
    if (text.find('?') != std::string_view::npos) {
      return fail_field(field, "'?' stands alone, and only in Day-of-month or Day-of-week");
    }
    std::size_t begin = 0;
    while (true) {
      std::size_t comma = text.find(',', begin);
      std::string_view item =
          text.substr(begin, comma == std::string_view::npos ? text.npos : comma - begin);
      if (item.empty()) return fail_field(field, "an empty item in '" + std::string(text) + "'");
      if (!read_item(field, item, values)) return false;
      if (comma == std::string_view::npos) return true;
      begin = comma + 1;
    }
  }

  bool read_item(const Field& field, std::string_view item, std::vector<int>& values) {
    int step = 1;
    std::size_t slash = item.find('/');
    std::string_view base = item.substr(0, slash);
    if (slash != std::string_view::npos) {
      if (field.max_increment == 0) return fail_field(field, "it takes no increments ('/')");
      std::string_view increment = item.substr(slash + 1);
      if (!all_digits(increment) || increment.size() > 4) {
        return fail_field(field,
                          "the increment '" + std::string(increment) + "' is not a whole number");
      }
      step = 0;
      for (char c : increment) step = step * 10 + (c - '0');
      if (step < 1 || step > field.max_increment) {
        return fail_field(field, "the increment " + std::string(increment) + " is not in 1-" +
                                     std::to_string(field.max_increment));
      }
    }
    int first = field.min;
    int last = field.max;
    if (base.empty() || base.front() == '-' || base.back() == '-') {
      return fail_field(field, "'" + std::string(item) + "' is missing a value");
    }
    if (base != "*") {
      std::size_t dash = base.find('-');
      if (!read_value(field, base.substr(0, dash), first)) return false;
      if (dash != std::string_view::npos) {
        if (!read_value(field, base.substr(dash + 1), last)) return false;
      } else if (slash == std::string_view::npos) {
        last = first;  // a plain value; a/n runs to the field's end
      }
    }
    if (last < first && !field.cyclic) {
      return fail_field(field, "the range " + std::string(base) + " runs backwards");
    }
    int span = field.max - field.min + 1;
    int length = ((last - first) % span + span) % span + 1;
    for (int k = 0; k < length; k += step) {
      values.push_back(field.min + (first - field.min + k) % span);
    }
    return true;
  }

  bool read_list(const Field& field, std::string_view text, std::uint64_t& bits) {
    std::vector<int> values;
    if (!read_list_values(field, text, values)) return false;
    for (int v : values) bits |= std::uint64_t{1} << v;
    return true;
  }

  bool read_years(std::string_view text, std::array<std::uint64_t, 4>& bits) {
    std::vector<int> values;
    if (!read_list_values(kYear, text, values)) return false;
    for (int v : values) {
      auto offset = static_cast<unsigned>(v - kYear.min);
      bits[offset / 64] |= std::uint64_t{1} << (offset % 64);
    }
    return true;
  }

  bool read_day_of_month(const std::string& text) {
    std::string t = upper(text);
    if (t.find_first_of("LW") == std::string_view::npos) {
      cron_.day_rule_ = DayRule::DaysOfMonth;
      return read_list(kDayOfMonth, text, cron_.days_);
    }
    if (t == "L" || t == "LW") {
      cron_.day_rule_ = t == "L" ? DayRule::LastDayOfMonth : DayRule::LastWeekdayOfMonth;
      return true;
    }
    if (t.starts_with("L-") && all_digits(t.substr(2)) && t.size() <= 4) {
      unsigned before = 0;
      for (char c : std::string_view(t).substr(2))
        before = before * 10 + static_cast<unsigned>(c - '0');
      if (before > 30) return fail_field(kDayOfMonth, "L-n takes n in 0-30, not " + text);
      cron_.day_rule_ = DayRule::LastDayOfMonth;
      cron_.day_ = before;
      return true;
    }
    if (t.back() == 'W' && all_digits(t.substr(0, t.size() - 1))) {
      int day = 0;
      if (!read_value(kDayOfMonth, std::string_view(text).substr(0, t.size() - 1), day))
        return false;
      cron_.day_rule_ = DayRule::NearestWeekday;
      cron_.day_ = static_cast<unsigned>(day);
      return true;
    }
    return fail_field(kDayOfMonth, "'" + text + "': L and W stand alone, as L, L-n, LW or nW");
  }

  bool read_day_of_week(const std::string& text) {
    std::string t = upper(text);
    std::size_t hash = t.find('#');
    if (hash != std::string_view::npos) {
      int day = 0;
      std::string_view nth = std::string_view(t).substr(hash + 1);
      if (t.find_first_of(",-/*") != std::string_view::npos) {
        return fail_field(kDayOfWeek, "'" + text + "': '#' takes one weekday, alone, as 6#3");
      }
      if (!read_value(kDayOfWeek, std::string_view(text).substr(0, hash), day)) return false;
      if (nth.size() != 1 || nth[0] < '1' || nth[0] > '5') {
        return fail_field(kDayOfWeek, "'" + text + "': the week after '#' is not in 1-5");
      }
      cron_.day_rule_ = DayRule::NthWeekdayOf;
      cron_.day_ = static_cast<unsigned>(day);
      cron_.nth_ = static_cast<unsigned>(nth[0] - '0');
      return true;
    }
    cron_.day_rule_ = DayRule::DaysOfWeek;
    if (t == "L") {
      cron_.days_ = std::uint64_t{1} << 7;  // the last day of the week: Saturday
      return true;
    }
    if (t.size() > 1 && t.back() == 'L') {
      int day = 0;
      if (t.find_first_of(",-/*") != std::string_view::npos) {
        return fail_field(kDayOfWeek, "'" + text + "': dL takes one weekday, alone, as 6L");
      }
      if (!read_value(kDayOfWeek, std::string_view(text).substr(0, t.size() - 1), day))
        return false;
      cron_.day_rule_ = DayRule::LastWeekdayOf;
      cron_.day_ = static_cast<unsigned>(day);
      return true;
    }
    return read_list(kDayOfWeek, text, cron_.days_);
  }

  Cron cron_;
  std::string error_;
};

Expected<Cron, std::string> Cron::parse(std::string_view fields, bool year_optional) {
  return CronParser().parse(fields, year_optional);
}

bool Cron::names_day(std::int64_t days_since_epoch, unsigned day, unsigned month_days) const {
  std::int64_t first_of_month = days_since_epoch - (day - 1);
  switch (day_rule_) {
    case DayRule::DaysOfMonth:
      return (days_ >> day & 1) != 0;
    case DayRule::LastDayOfMonth:
      return day + day_ == month_days;
    case DayRule::LastWeekdayOfMonth: {
      unsigned last = month_days;
      unsigned last_weekday = weekday(first_of_month + last - 1);
      if (last_weekday == 7) last -= 1;  // Saturday: the Friday before
      if (last_weekday == 1) last -= 2;  // Sunday: the Friday before
      return day == last;
    }
    case DayRule::NearestWeekday: {
      if (day_ > month_days) return false;
      unsigned target = day_;
      unsigned target_weekday = weekday(first_of_month + target - 1);
      // Quartz's rule: never across the month's edge.
      if (target_weekday == 7) target = target == 1 ? 3 : target - 1;
      if (target_weekday == 1) target = target == month_days ? target - 2 : target + 1;
      return day == target;
    }
    case DayRule::DaysOfWeek:
      return (days_ >> weekday(days_since_epoch) & 1) != 0;
    case DayRule::LastWeekdayOf:
      return weekday(days_since_epoch) == day_ && day + 7 > month_days;
    case DayRule::NthWeekdayOf:
      return weekday(days_since_epoch) == day_ && (day - 1) / 7 + 1 == nth_;
  }
  return false;
}

unsigned Cron::day_at_or_after(std::int64_t year, unsigned month, unsigned from) const {
  unsigned month_days = days_in_month(year, month);
  std::int64_t first = days_from_civil(year, month, 1);
  for (unsigned day = from; day <= month_days; ++day) {
    if (names_day(first + day - 1, day, month_days)) return day;
  }
  return 0;
}

std::optional<std::int64_t> Cron::next_at_or_after(std::int64_t local_seconds) const {
  std::int64_t start_of_first_year = days_from_civil(kFirstYear, 1, 1) * 86400;
  std::int64_t end_of_last_year = days_from_civil(kLastYear + 1, 1, 1) * 86400;
  if (local_seconds >= end_of_last_year) return std::nullopt;
  std::int64_t local = std::max(local_seconds, start_of_first_year);
  std::int64_t minute = floor_div(local + 59, 60);  // rounded up to a whole minute
  std::int64_t days = floor_div(minute, 1440);
  auto minute_of_day = static_cast<unsigned>(minute - days * 1440);
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  unsigned hour = minute_of_day / 60;
  unsigned min = minute_of_day % 60;
  // Each step either settles a field at a value the expression names, or carries into the
  // field above and restarts the fields below at their first values.
  while (year <= kLastYear) {
    auto offset = static_cast<unsigned>(year - kFirstYear);
    unsigned next_year = 230;
    for (unsigned o = offset; o < 230; o = (o / 64 + 1) * 64) {
      unsigned bit = next_bit(years_[o / 64], o % 64);
      if (bit < 64) {
        next_year = o / 64 * 64 + bit;
        break;
      }
    }
    if (next_year >= 230) return std::nullopt;
    if (next_year != offset) {
      year = kFirstYear + next_year;
      month = 1, day = 1, hour = 0, min = 0;
    }
    unsigned next_month = next_bit(months_, month);
    if (next_month > 12) {
      ++year, month = 1, day = 1, hour = 0, min = 0;
      continue;
    }
    if (next_month != month) month = next_month, day = 1, hour = 0, min = 0;
    unsigned next_day = day_at_or_after(year, month, day);
    if (next_day == 0) {
      ++month, day = 1, hour = 0, min = 0;
      if (month > 12) ++year, month = 1;
      continue;
    }
    if (next_day != day) day = next_day, hour = 0, min = 0;
    unsigned next_hour = next_bit(hours_, hour);
    if (next_hour > 23) {
      ++day, hour = 0, min = 0;
      continue;
    }
    if (next_hour != hour) hour = next_hour, min = 0;
    unsigned next_minute = next_bit(minutes_, min);
    if (next_minute > 59) {
      ++hour, min = 0;
      continue;
    }
    return days_from_civil(year, month, day) * 86400 + std::int64_t{hour} * 3600 +
           std::int64_t{next_minute} * 60;
  }
  return std::nullopt;
}

}  // namespace baton::events
