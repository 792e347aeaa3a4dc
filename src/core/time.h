#pragma once

// Instants and their RFC 3339 text, as Step Functions reads and writes them.
// A Timestamp is an instant in UTC with nanosecond precision; plain value, no time zone.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baton {

struct Timestamp {
  std::int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  std::int32_t nanos = 0;    // 0 .. 999,999,999

  static Timestamp from_millis(std::int64_t millis);
  std::int64_t millis() const { return seconds * 1000 + nanos / 1000000; }

  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// Parses an RFC 3339 date-time as AWS accepts it:
// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`. The `T` and `Z` are upper case and the offset
// is required; anything else is nullopt.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// "2024-01-31T12:00:00.123Z": UTC, milliseconds always shown.
std::string format_rfc3339_millis(Timestamp t);
// "2024-01-31T12:00:00.12Z": UTC, the fraction without trailing zeros (none when zero), as
// Step Functions writes the context object's times.
std::string format_rfc3339_trimmed(Timestamp t);

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day);

}  // namespace baton
