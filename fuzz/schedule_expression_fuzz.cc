// Reads a schedule expression and TZif data from arbitrary bytes and asks when the expression
// fires: bad text or data is an error, never a crash, and what reads keeps its promises. Fire
// times rise strictly, and each is the first after the moment just before it (the set of fire
// times does not depend on where the asking starts); every instant is one of the instants its
// local time names.
//
// Input: a flags byte (bit 0: Scheduler rather than a rule), the `after` and anchor instants
// (8 bytes each, little-endian milliseconds), the expression up to a newline, then TZif bytes
// (UTC when they do not read).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "events/schedule_expression.h"
#include "events/time_zone.h"

namespace {

using baton::events::LocalInstants;
using baton::events::ScheduleExpression;
using baton::events::ScheduleFlavour;
using baton::events::TimeZone;

std::int64_t read_int64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8 && i < bytes.size(); ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  }
  return static_cast<std::int64_t>(value);
}

void check_zone(const TimeZone& zone, std::int64_t t) {
  // Within 2^59 seconds of the epoch, so that no reading reaches the bound.
  t %= std::int64_t{1} << 59;
  std::int64_t local = zone.to_local(t);
  LocalInstants instants = zone.from_local(local);
  if (instants.kind == LocalInstants::Kind::Skipped) std::abort();
  if (instants.earlier > t || instants.later < t) std::abort();
  if (zone.latest_local_until(t) < local) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.size() < 17) return 0;
  auto flavour = (input[0] & 1) != 0 ? ScheduleFlavour::Scheduler : ScheduleFlavour::Rule;
  std::int64_t after_ms = read_int64(input.substr(1, 8));
  std::int64_t anchor_ms = read_int64(input.substr(9, 8));
  std::string_view rest = input.substr(17);
  std::size_t newline = rest.find('\n');
  std::string_view text = rest.substr(0, newline);
  std::string_view tzif = newline == std::string_view::npos ? "" : rest.substr(newline + 1);

  auto read = TimeZone::from_tzif("Fuzz/Zone", tzif);
  if (!read && read.error().name != baton::events::kInvalidTimeZoneData) std::abort();
  TimeZone zone = read ? *read : TimeZone::utc();
  for (std::int64_t t : {after_ms / 1000, anchor_ms / 1000, std::int64_t{1711846800},
                         std::int64_t{-2208988800}, std::int64_t{4102444800}}) {
    check_zone(zone, t);
  }

  auto expression = ScheduleExpression::parse(text, flavour);
  if (!expression) {
    if (expression.error().name != baton::events::kInvalidScheduleExpression) std::abort();
    return 0;
  }
  std::int64_t at_ms = after_ms;
  for (int i = 0; i < 4; ++i) {
    std::optional<std::int64_t> next = expression->next_after(at_ms, anchor_ms, zone);
    if (!next) break;
    if (*next <= at_ms) std::abort();
    if (expression->next_after(*next - 1, anchor_ms, zone) != next) std::abort();
    at_ms = *next;
  }
  return 0;
}
