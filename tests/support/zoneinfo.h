#pragma once

// What the time zone and schedule tests share: the system's TZif files and civil times.

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "core/time.h"
#include "events/time_zone.h"

namespace baton::events::testing {

// The bytes of /usr/share/zoneinfo/<name>, or "" (and a failure) when it cannot be read.
inline std::string zoneinfo_bytes(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read /usr/share/zoneinfo/" << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline TimeZone zone(const std::string& name) {
  auto zone = TimeZone::from_tzif(name, zoneinfo_bytes(name));
  if (!zone) {
    ADD_FAILURE() << zone.error().cause;
    return TimeZone::utc();
  }
  return *zone;
}

// Seconds since the epoch of a civil date and time (UTC, or a local time counted as if UTC).
inline std::int64_t civil(std::int64_t year, unsigned month, unsigned day, int hour = 0,
                          int minute = 0, int second = 0) {
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

// "2024-03-10T07:00:00Z" for seconds since the epoch.
inline std::string iso(std::int64_t seconds) {
  std::string text = format_rfc3339_millis(Timestamp{seconds, 0});
  return text.substr(0, 19) + "Z";
}

}  // namespace baton::events::testing
