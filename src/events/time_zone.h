#pragma once

// Time zones of the IANA database, read from the TZif files (RFC 8536) of /usr/share/zoneinfo:
// for any instant, how far the zone's clocks are from UTC; for any reading of its clocks, the
// instants that show it: none in a spring-forward gap, two in a fall-back overlap. EventBridge
// Scheduler reads cron() and at() expressions in such a zone (ScheduleExpressionTimezone).
//
// Times are whole seconds since 1970-01-01T00:00:00Z; a "local" time counts a clock reading the
// same way, as if the clock were on UTC (2024-03-10T02:30 local is 1710037800 in any zone).
// Instants beyond 2^60 seconds either side of the epoch are read as that bound.
//
// Pure: the caller reads the file and passes its bytes. Immutable and safe to share between
// threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "events/posix_time_zone.h"

namespace baton::events {

// The error name of TZif data that cannot be read. Not AWS's: a zone AWS knows whose file is
// damaged is the installation's fault, and the caller decides what its client sees.
inline constexpr std::string_view kInvalidTimeZoneData = "InvalidTimeZoneData";

// The instants at which a zone's clocks show one local time.
struct LocalInstants {
  enum class Kind {
    Unique,    // shown once: earlier == later
    Skipped,   // never shown: the clocks jumped over it (spring forward)
    Repeated,  // shown twice (or more): the clocks went back over it (fall back)
  };
  Kind kind = Kind::Unique;
  // Unique: the instant. Repeated: the first instant that shows the time. Skipped: the instant
  // the clocks jump, the first after the time would have been.
  std::int64_t earlier = 0;
  // Unique: the instant. Repeated: the last instant that shows the time. Skipped: the time read
  // with the offset in effect before the jump, so as far past the jump as the time is past its
  // start (02:30 in a 02:00-03:00 gap is 03:30), which is java.time's reading.
  std::int64_t later = 0;
};

class TimeZone {
 public:
  // Reads TZif data of version 1, 2, 3 or 4: from version 2 on, the 64-bit block, and the TZ
  // string of the footer for instants after the last transition (or all instants, when there
  // are none). Before the first transition, the first time type applies. Data with leap-second
  // records (the right/ zones) is refused, as are offsets beyond 26 hours and transitions
  // beyond 2^59 seconds either side of the epoch. Error: InvalidTimeZoneData, saying what is
  // wrong and where.
  [[nodiscard]] static Result<TimeZone> from_tzif(std::string_view name, std::string_view bytes);

  // Coordinated Universal Time: offset 0 at every instant.
  static TimeZone utc();

  const std::string& name() const { return name_; }

  // Seconds east of UTC at `utc_seconds`.
  std::int32_t offset_at(std::int64_t utc_seconds) const;

  // The local time the zone's clocks show at `utc_seconds`.
  std::int64_t to_local(std::int64_t utc_seconds) const;

  // The instants at which the zone's clocks show `local_seconds`.
  LocalInstants from_local(std::int64_t local_seconds) const;

  // The latest local time the zone's clocks have shown at or before `utc_seconds`: to_local,
  // unless the clocks went back shortly before and have not yet caught up with where they were.
  // A local time after it is shown for the first time after `utc_seconds`, so a schedule that
  // fires once per local time (EventBridge Scheduler's fall-back rule) looks on from here.
  std::int64_t latest_local_until(std::int64_t utc_seconds) const;

 private:
  TimeZone(std::string name, std::int32_t initial_offset)
      : name_(std::move(name)), initial_offset_(initial_offset) {}

  // The offset at `from`, and in `changes` those at instants in (from, to], in order.
  std::int32_t changes_in(std::int64_t from, std::int64_t to,
                          std::vector<OffsetChange>& changes) const;

  std::string name_;
  std::vector<std::int64_t> transitions_;         // strictly ascending
  std::vector<std::int32_t> transition_offsets_;  // the offset from each transition on
  std::int32_t initial_offset_ = 0;               // before the first transition
  std::optional<PosixTimeZone> rule_;             // after the last transition

  friend class TzifReader;
};

}  // namespace baton::events
