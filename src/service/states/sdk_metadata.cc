// The HTTP metadata Step Functions adds to an optimized integration's result.

#include "service/states/sdk_metadata.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"

namespace baton::service::states {

using json::Value;

std::string http_date(Timestamp t) {
  static const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t days = t.seconds / 86400;
  std::int64_t rest = t.seconds % 86400;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04lld %02d:%02d:%02d GMT",
                kDays[((days % 7) + 7) % 7], day, kMonths[month - 1], static_cast<long long>(year),
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return buffer;
}

Value sdk_http_metadata(const std::vector<std::pair<std::string, std::string>>& headers) {
  json::ObjectBuilder all;
  for (const auto& [name, value] : headers) all.add(name, Value::array({Value::string(value)}));
  auto sorted = headers;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return ascii_lower(a.first) < ascii_lower(b.first);
  });
  json::ObjectBuilder by_name;
  for (const auto& [name, value] : sorted) by_name.add(name, Value::string(value));
  return json::ObjectBuilder()
      .add("AllHttpHeaders", all.build())
      .add("HttpHeaders", by_name.build())
      .add("HttpStatusCode", Value::integer(200))
      .build();
}

Value sdk_response_metadata(const std::string& request_id) {
  return json::ObjectBuilder().add("RequestId", Value::string(request_id)).build();
}

}  // namespace baton::service::states
