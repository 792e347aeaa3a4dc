// Time zones from TZif data: offsets of real zones (/usr/share/zoneinfo) against known history,
// the footer's POSIX TZ rules on hand-built files (Jn, n, Mm.w.d, negative and past-24h times,
// daylight saving time all year), local times in gaps and overlaps, and every way a file can be
// malformed refused as an error.

#include "events/time_zone.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support/zoneinfo.h"

namespace baton::events {
namespace {

using testing::civil;
using testing::iso;
using testing::zone;
using testing::zoneinfo_bytes;
using Kind = LocalInstants::Kind;

constexpr std::int32_t kHour = 3600;

// A TZif file built byte by byte: the transitions, the types' offsets (with isdst), and the
// footer's TZ string. Version 1 files carry 32-bit times and no footer; later versions carry an
// empty version 1 block, the 64-bit block and the footer.
struct Tzif {
  char version = '2';
  std::vector<std::pair<std::int64_t, std::uint8_t>> transitions;
  std::vector<std::pair<std::int32_t, std::uint8_t>> types = {{0, 0}};
  std::string footer;
  std::uint32_t leap_count = 0;

  static void put(std::string& out, std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>(value >> (8 * i) & 0xff);
  }
  static void header(std::string& out, char version, std::uint32_t times, std::uint32_t types,
                     std::uint32_t leaps) {
    out += "TZif";
    out += version;
    out += std::string(15, '\0');
    for (std::uint32_t count : {0u, 0u, leaps, times, types, 4u}) put(out, count, 4);
  }
  void block(std::string& out, int time_size) const {
    for (const auto& [at, type] : transitions) put(out, static_cast<std::uint64_t>(at), time_size);
    for (const auto& [at, type] : transitions) out += static_cast<char>(type);
    for (const auto& [offset, dst] : types) {
      put(out, static_cast<std::uint32_t>(offset), 4);
      out += static_cast<char>(dst);
      out += '\0';
    }
    out += std::string("XXX\0", 4);
    for (std::uint32_t i = 0; i < leap_count; ++i) {
      put(out, 0, time_size);
      put(out, 1, 4);
    }
  }
  std::string bytes() const {
    std::string out;
    auto times = static_cast<std::uint32_t>(transitions.size());
    auto type_count = static_cast<std::uint32_t>(types.size());
    if (version == '\0') {
      header(out, version, times, type_count, leap_count);
      block(out, 4);
      return out;
    }
    header(out, version, 0, 1, 0);
    out += std::string(6, '\0') + std::string("XXX\0", 4);
    header(out, version, times, type_count, leap_count);
    block(out, 8);
    out += "\n" + footer + "\n";
    return out;
  }
};

TimeZone from(const Tzif& tzif) {
  auto zone = TimeZone::from_tzif("Test/Zone", tzif.bytes());
  if (!zone) {
    ADD_FAILURE() << zone.error().cause;
    return TimeZone::utc();
  }
  return *zone;
}

TimeZone footer_only(const std::string& footer) {
  Tzif tzif;
  tzif.footer = footer;
  return from(tzif);
}

// The cause of the error reading `bytes`, or "" when they read.
std::string refusal(std::string_view bytes) {
  auto zone = TimeZone::from_tzif("Test/Zone", bytes);
  if (zone) return "";
  EXPECT_EQ(zone.error().name, kInvalidTimeZoneData);
  return zone.error().cause;
}

TEST(TimeZoneTest, NewYorkKeepsItsHistoryAndTheFooterRule) {
  TimeZone ny = zone("America/New_York");
  EXPECT_EQ(ny.name(), "America/New_York");
  EXPECT_EQ(ny.offset_at(civil(1883, 1, 1)), -17762);  // local mean time before standard time
  EXPECT_EQ(ny.offset_at(civil(1970, 7, 1)), -4 * kHour);
  EXPECT_EQ(ny.offset_at(civil(1974, 1, 15)), -4 * kHour);  // the energy crisis: DST in January
  EXPECT_EQ(ny.offset_at(civil(2024, 1, 15)), -5 * kHour);
  EXPECT_EQ(ny.offset_at(civil(2024, 7, 1)), -4 * kHour);
  // 2024-03-10 02:00 EST and 2024-11-03 02:00 EDT, to the second.
  EXPECT_EQ(ny.offset_at(civil(2024, 3, 10, 6, 59, 59)), -5 * kHour);
  EXPECT_EQ(ny.offset_at(civil(2024, 3, 10, 7)), -4 * kHour);
  EXPECT_EQ(ny.offset_at(civil(2024, 11, 3, 5, 59, 59)), -4 * kHour);
  EXPECT_EQ(ny.offset_at(civil(2024, 11, 3, 6)), -5 * kHour);
  // Past the file's transitions, EST5EDT,M3.2.0,M11.1.0 rules.
  EXPECT_EQ(ny.offset_at(civil(2100, 3, 14, 6, 59, 59)), -5 * kHour);
  EXPECT_EQ(ny.offset_at(civil(2100, 3, 14, 7)), -4 * kHour);
  EXPECT_EQ(ny.offset_at(civil(2100, 11, 7, 6)), -5 * kHour);
  EXPECT_EQ(ny.offset_at(civil(2399, 7, 1)), -4 * kHour);
}

TEST(TimeZoneTest, LondonKeptSummerTimeAllYearAround1970) {
  TimeZone london = zone("Europe/London");
  EXPECT_EQ(london.offset_at(civil(1970, 1, 1)), kHour);  // British Standard Time, 1968-71
  EXPECT_EQ(london.offset_at(civil(1972, 1, 1)), 0);
  EXPECT_EQ(london.offset_at(civil(2024, 3, 31, 0, 59, 59)), 0);
  EXPECT_EQ(london.offset_at(civil(2024, 3, 31, 1)), kHour);
  EXPECT_EQ(london.offset_at(civil(2024, 10, 27, 1)), 0);
  EXPECT_EQ(london.offset_at(civil(2150, 6, 1)), kHour);
}

TEST(TimeZoneTest, LordHoweMovesItsClocksByHalfAnHour) {
  TimeZone lord_howe = zone("Australia/Lord_Howe");
  EXPECT_EQ(lord_howe.offset_at(civil(2024, 1, 15)), 11 * kHour);
  EXPECT_EQ(lord_howe.offset_at(civil(2024, 7, 1)), 10 * kHour + 1800);
  // Ends 2024-04-07 02:00 +11, starts 2024-10-06 02:00 +10:30.
  EXPECT_EQ(lord_howe.offset_at(civil(2024, 4, 6, 14, 59, 59)), 11 * kHour);
  EXPECT_EQ(lord_howe.offset_at(civil(2024, 4, 6, 15)), 10 * kHour + 1800);
  EXPECT_EQ(lord_howe.offset_at(civil(2024, 10, 5, 15, 29, 59)), 10 * kHour + 1800);
  EXPECT_EQ(lord_howe.offset_at(civil(2024, 10, 5, 15, 30)), 11 * kHour);
  EXPECT_EQ(lord_howe.offset_at(civil(2160, 1, 1)), 11 * kHour);

  LocalInstants gap = lord_howe.from_local(civil(2024, 10, 6, 2, 15));
  EXPECT_EQ(gap.kind, Kind::Skipped);
  EXPECT_EQ(iso(gap.earlier), "2024-10-05T15:30:00Z");
  EXPECT_EQ(iso(gap.later), "2024-10-05T15:45:00Z");  // 02:45 +11
  LocalInstants twice = lord_howe.from_local(civil(2024, 4, 7, 1, 45));
  EXPECT_EQ(twice.kind, Kind::Repeated);
  EXPECT_EQ(iso(twice.earlier), "2024-04-06T14:45:00Z");
  EXPECT_EQ(iso(twice.later), "2024-04-06T15:15:00Z");
  EXPECT_EQ(lord_howe.from_local(civil(2024, 4, 7, 2, 0)).kind, Kind::Unique);
}

TEST(TimeZoneTest, KolkataKeptWarTimeAndNoDaylightSavingSince) {
  TimeZone kolkata = zone("Asia/Kolkata");
  EXPECT_EQ(kolkata.offset_at(civil(1944, 1, 1)), 6 * kHour + 1800);
  EXPECT_EQ(kolkata.offset_at(civil(1950, 1, 1)), 5 * kHour + 1800);
  EXPECT_EQ(kolkata.offset_at(civil(2024, 7, 1)), 5 * kHour + 1800);
  EXPECT_EQ(kolkata.offset_at(civil(2300, 1, 1)), 5 * kHour + 1800);
  EXPECT_EQ(kolkata.from_local(civil(2024, 3, 10, 2, 30)).kind, Kind::Unique);
}

TEST(TimeZoneTest, ChathamChangesAtQuarterPastTheHour) {
  TimeZone chatham = zone("Pacific/Chatham");
  EXPECT_EQ(chatham.offset_at(civil(2024, 1, 15)), 13 * kHour + 2700);
  EXPECT_EQ(chatham.offset_at(civil(2024, 7, 1)), 12 * kHour + 2700);
  // Starts 2024-09-29 02:45 +12:45, ends 2024-04-07 03:45 +13:45: both 14:00 UTC.
  EXPECT_EQ(chatham.offset_at(civil(2024, 9, 28, 13, 59, 59)), 12 * kHour + 2700);
  EXPECT_EQ(chatham.offset_at(civil(2024, 9, 28, 14)), 13 * kHour + 2700);
  EXPECT_EQ(chatham.offset_at(civil(2024, 4, 6, 13, 59, 59)), 13 * kHour + 2700);
  EXPECT_EQ(chatham.offset_at(civil(2024, 4, 6, 14)), 12 * kHour + 2700);
  EXPECT_EQ(chatham.offset_at(civil(2190, 9, 30)), 13 * kHour + 2700);
}

TEST(TimeZoneTest, SaoPauloNoLongerKeepsDaylightSavingTime) {
  TimeZone sao_paulo = zone("America/Sao_Paulo");
  EXPECT_EQ(sao_paulo.offset_at(civil(2018, 1, 15)), -2 * kHour);
  EXPECT_EQ(sao_paulo.offset_at(civil(2018, 7, 1)), -3 * kHour);
  EXPECT_EQ(sao_paulo.offset_at(civil(2020, 1, 15)), -3 * kHour);
  EXPECT_EQ(sao_paulo.offset_at(civil(2035, 1, 15)), -3 * kHour);
  EXPECT_EQ(sao_paulo.from_local(civil(2030, 11, 3, 0, 30)).kind, Kind::Unique);
}

TEST(TimeZoneTest, UtcHasNoOffset) {
  TimeZone file = zone("UTC");
  TimeZone built = TimeZone::utc();
  EXPECT_EQ(built.name(), "UTC");
  for (std::int64_t t : {civil(1900, 1, 1), civil(2024, 7, 1), civil(2199, 12, 31)}) {
    EXPECT_EQ(file.offset_at(t), 0);
    EXPECT_EQ(built.offset_at(t), 0);
    EXPECT_EQ(built.from_local(t).earlier, t);
    EXPECT_EQ(built.latest_local_until(t), t);
  }
}

TEST(TimeZoneTest, LocalTimesInTheGapAreSkippedAndInTheOverlapRepeated) {
  TimeZone ny = zone("America/New_York");
  LocalInstants gap = ny.from_local(civil(2024, 3, 10, 2, 30));
  EXPECT_EQ(gap.kind, Kind::Skipped);
  EXPECT_EQ(iso(gap.earlier), "2024-03-10T07:00:00Z");  // 03:00 EDT
  EXPECT_EQ(iso(gap.later), "2024-03-10T07:30:00Z");    // 03:30 EDT
  EXPECT_EQ(ny.from_local(civil(2024, 3, 10, 2, 0)).kind, Kind::Skipped);
  EXPECT_EQ(ny.from_local(civil(2024, 3, 10, 3, 0)).kind, Kind::Unique);
  EXPECT_EQ(ny.from_local(civil(2024, 3, 10, 1, 59, 59)).kind, Kind::Unique);

  LocalInstants twice = ny.from_local(civil(2024, 11, 3, 1, 30));
  EXPECT_EQ(twice.kind, Kind::Repeated);
  EXPECT_EQ(iso(twice.earlier), "2024-11-03T05:30:00Z");  // EDT
  EXPECT_EQ(iso(twice.later), "2024-11-03T06:30:00Z");    // EST
  EXPECT_EQ(ny.from_local(civil(2024, 11, 3, 2, 0)).kind, Kind::Unique);

  LocalInstants once = ny.from_local(civil(2024, 7, 1, 12));
  EXPECT_EQ(once.kind, Kind::Unique);
  EXPECT_EQ(iso(once.earlier), "2024-07-01T16:00:00Z");
  EXPECT_EQ(once.later, once.earlier);
}

TEST(TimeZoneTest, TheLatestLocalTimeStaysAheadUntilTheClocksCatchUp) {
  TimeZone ny = zone("America/New_York");
  EXPECT_EQ(ny.latest_local_until(civil(2024, 11, 3, 5, 10)), civil(2024, 11, 3, 1, 10));
  // 01:10 EST, after the clocks went back from 02:00 EDT.
  EXPECT_EQ(ny.to_local(civil(2024, 11, 3, 6, 10)), civil(2024, 11, 3, 1, 10));
  EXPECT_EQ(ny.latest_local_until(civil(2024, 11, 3, 6, 10)), civil(2024, 11, 3, 1, 59, 59));
  EXPECT_EQ(ny.latest_local_until(civil(2024, 11, 3, 7, 0)), civil(2024, 11, 3, 2, 0));
}

TEST(TimeZoneTest, EveryInstantIsOneOfItsLocalTimesInstants) {
  for (const char* name : {"America/New_York", "Europe/London", "Australia/Lord_Howe",
                           "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo"}) {
    TimeZone z = zone(name);
    for (std::int64_t t = civil(1850, 1, 1); t < civil(2250, 1, 1); t += 86400 * 3 + 3607) {
      std::int64_t local = z.to_local(t);
      LocalInstants instants = z.from_local(local);
      ASSERT_NE(instants.kind, Kind::Skipped) << name << " " << iso(t);
      ASSERT_LE(instants.earlier, t) << name << " " << iso(t);
      ASSERT_GE(instants.later, t) << name << " " << iso(t);
      ASSERT_GE(z.latest_local_until(t), local) << name << " " << iso(t);
    }
  }
}

TEST(TimeZoneTest, FarInstantsAreReadAtTheBound) {
  TimeZone ny = zone("America/New_York");
  EXPECT_EQ(ny.offset_at(INT64_MAX), ny.offset_at(std::int64_t{1} << 60));
  EXPECT_EQ(ny.offset_at(INT64_MIN), -17762);
  EXPECT_EQ(ny.from_local(INT64_MAX).kind, Kind::Unique);
  EXPECT_EQ(ny.from_local(INT64_MIN).kind, Kind::Unique);
  EXPECT_GT(ny.latest_local_until(INT64_MAX), std::int64_t{1} << 59);
}

TEST(TimeZoneFooterTest, WithNoTransitionsTheFooterRulesEveryInstant) {
  TimeZone z = footer_only("EST5EDT,M3.2.0,M11.1.0");
  EXPECT_EQ(z.name(), "Test/Zone");
  EXPECT_EQ(z.offset_at(civil(2024, 3, 10, 6, 59, 59)), -5 * kHour);
  EXPECT_EQ(z.offset_at(civil(2024, 3, 10, 7)), -4 * kHour);
  EXPECT_EQ(z.offset_at(civil(2024, 11, 3, 6)), -5 * kHour);
  EXPECT_EQ(z.offset_at(civil(1900, 7, 1)), -4 * kHour);
  EXPECT_EQ(z.from_local(civil(2024, 3, 10, 2, 30)).kind, Kind::Skipped);
  EXPECT_EQ(z.from_local(civil(2024, 11, 3, 1, 30)).kind, Kind::Repeated);
}

TEST(TimeZoneFooterTest, AZoneWithoutDaylightSavingHasOneOffset) {
  TimeZone tehran = footer_only("<+0330>-3:30");
  EXPECT_EQ(tehran.offset_at(civil(2024, 6, 1)), 3 * kHour + 1800);
  EXPECT_EQ(footer_only("<-03>3").offset_at(civil(2024, 1, 1)), -3 * kHour);
  EXPECT_EQ(footer_only("UTC0").offset_at(civil(2024, 1, 1)), 0);
  EXPECT_EQ(footer_only("XXX-24").offset_at(civil(2024, 1, 1)), 24 * kHour);
}

TEST(TimeZoneFooterTest, VersionThreeTimesMayBeNegativeOrPast24Hours) {
  // Greenland: the last Sunday of March at -1:00 local standard time, the Saturday before.
  TimeZone nuuk = footer_only("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  EXPECT_EQ(nuuk.offset_at(civil(2024, 3, 31, 0, 59, 59)), -2 * kHour);
  EXPECT_EQ(nuuk.offset_at(civil(2024, 3, 31, 1)), -kHour);
  EXPECT_EQ(nuuk.offset_at(civil(2024, 10, 27, 0, 59, 59)), -kHour);
  EXPECT_EQ(nuuk.offset_at(civil(2024, 10, 27, 1)), -2 * kHour);
  // Israel: Thursday 26:00 of the fourth week of March is the Friday at 02:00.
  TimeZone jerusalem = footer_only("IST-2IDT,M3.4.4/26,M10.5.0");
  EXPECT_EQ(jerusalem.offset_at(civil(2024, 3, 28, 23, 59, 59)), 2 * kHour);
  EXPECT_EQ(jerusalem.offset_at(civil(2024, 3, 29, 0)), 3 * kHour);
  EXPECT_EQ(jerusalem.offset_at(civil(2024, 10, 26, 22, 59, 59)), 3 * kHour);
  EXPECT_EQ(jerusalem.offset_at(civil(2024, 10, 26, 23)), 2 * kHour);
}

TEST(TimeZoneFooterTest, JulianDaysCountOrSkipTheLeapDay) {
  // Jn never counts February 29: J60 is March 1 in any year.
  TimeZone skipping = footer_only("AAA3BBB,J60/0,J300/0");
  EXPECT_EQ(skipping.offset_at(civil(2024, 3, 1, 2, 59, 59)), -3 * kHour);
  EXPECT_EQ(skipping.offset_at(civil(2024, 3, 1, 3)), -2 * kHour);
  EXPECT_EQ(skipping.offset_at(civil(2023, 3, 1, 3)), -2 * kHour);
  // n counts from 0 and counts February 29: day 59 is February 29 in 2024, March 1 in 2023.
  TimeZone counting = footer_only("AAA3BBB,59/0,300/0");
  EXPECT_EQ(counting.offset_at(civil(2024, 2, 29, 3)), -2 * kHour);
  EXPECT_EQ(counting.offset_at(civil(2023, 2, 28, 23)), -3 * kHour);
  EXPECT_EQ(counting.offset_at(civil(2023, 3, 1, 3)), -2 * kHour);
}

TEST(TimeZoneFooterTest, DaylightSavingTimeAllYearNeverChanges) {
  TimeZone z = footer_only("EST5EDT,0/0,J365/25");
  for (std::int64_t t : {civil(2024, 1, 1), civil(2024, 1, 1, 5), civil(2024, 7, 1),
                         civil(2024, 12, 31, 23, 59, 59), civil(2025, 1, 1, 5)}) {
    EXPECT_EQ(z.offset_at(t), -4 * kHour) << iso(t);
  }
  EXPECT_EQ(z.from_local(civil(2025, 1, 1, 0, 30)).kind, Kind::Unique);
}

// Daylight saving time here starts (to +0) the instant it ends (to +1): the clocks never show +1.
TEST(TimeZoneFooterTest, TwoChangesAtOneInstantLeaveNothingBetween) {
  TimeZone z = footer_only("AAA-1BBB0,J100/1,J100/0");
  std::int64_t change = civil(2023, 4, 10);  // J100, at 01:00 +1 and at 00:00 +0
  EXPECT_EQ(z.offset_at(change - 1), 0);
  EXPECT_EQ(z.offset_at(change), 0);
  EXPECT_EQ(z.latest_local_until(change + 600), change + 600);
  EXPECT_EQ(z.from_local(change + 600).kind, Kind::Unique);
}

TEST(TimeZoneFooterTest, SouthernZonesKeepDaylightSavingTimeOverNewYear) {
  TimeZone z = footer_only("AEST-10AEDT,M10.1.0,M4.1.0/3");  // Sydney
  EXPECT_EQ(z.offset_at(civil(2024, 1, 1)), 11 * kHour);
  EXPECT_EQ(z.offset_at(civil(2024, 7, 1)), 10 * kHour);
  EXPECT_EQ(z.offset_at(civil(2024, 12, 31, 23)), 11 * kHour);
}

TEST(TimeZoneFooterTest, TransitionsHandOverToTheFooter) {
  Tzif tzif;
  tzif.types = {{-5 * kHour, 0}, {-4 * kHour, 1}};
  tzif.transitions = {{civil(2000, 4, 2, 7), 1}, {civil(2000, 10, 29, 6), 0}};
  tzif.footer = "EST5EDT,M3.2.0,M11.1.0";
  TimeZone z = from(tzif);
  EXPECT_EQ(z.offset_at(civil(1999, 7, 1)), -5 * kHour);  // before the first: type 0
  EXPECT_EQ(z.offset_at(civil(2000, 7, 1)), -4 * kHour);
  EXPECT_EQ(z.offset_at(civil(2000, 12, 1)), -5 * kHour);
  EXPECT_EQ(z.offset_at(civil(2024, 7, 1)), -4 * kHour);
  EXPECT_EQ(z.offset_at(civil(2024, 12, 1)), -5 * kHour);
}

TEST(TimeZoneFooterTest, VersionOneFilesHave32BitTimesAndNoFooter) {
  Tzif tzif;
  tzif.version = '\0';
  tzif.types = {{kHour, 0}, {2 * kHour, 1}};
  tzif.transitions = {{-1000000000, 1}, {civil(2001, 1, 1), 0}};
  TimeZone z = from(tzif);
  EXPECT_EQ(z.offset_at(civil(1900, 1, 1)), kHour);
  EXPECT_EQ(z.offset_at(civil(1990, 1, 1)), 2 * kHour);
  EXPECT_EQ(z.offset_at(civil(2100, 1, 1)), kHour);  // the last type, for ever
}

TEST(TimeZoneMalformedTest, EachFaultIsRefused) {
  Tzif good;
  good.types = {{-5 * kHour, 0}, {-4 * kHour, 1}};
  good.transitions = {{civil(2000, 4, 2, 7), 1}, {civil(2000, 10, 29, 6), 0}};
  good.footer = "EST5EDT,M3.2.0,M11.1.0";
  ASSERT_EQ(refusal(good.bytes()), "");

  EXPECT_NE(refusal("").find("header at byte 0 is truncated"), std::string::npos);
  EXPECT_NE(refusal(std::string(60, 'x')).find("no \"TZif\" at byte 0"), std::string::npos);
  std::string bytes = good.bytes();
  bytes[4] = '5';
  EXPECT_NE(refusal(bytes).find("version at byte 4 is not 1 to 4"), std::string::npos);

  Tzif unordered = good;
  std::swap(unordered.transitions[0].first, unordered.transitions[1].first);
  EXPECT_NE(refusal(unordered.bytes()).find("transition 1 is not after the one before it"),
            std::string::npos);
  Tzif bad_type = good;
  bad_type.transitions[1].second = 2;
  EXPECT_NE(refusal(bad_type.bytes()).find("transition 1 names time type 2 of 2"),
            std::string::npos);
  Tzif far_offset = good;
  far_offset.types[1].first = 27 * kHour;
  EXPECT_NE(refusal(far_offset.bytes()).find("beyond 26 hours"), std::string::npos);
  Tzif far_transition = good;
  far_transition.transitions[0].first = -(std::int64_t{1} << 62);
  EXPECT_NE(refusal(far_transition.bytes()).find("beyond 2^59"), std::string::npos);
  Tzif leaps = good;
  leaps.leap_count = 1;
  EXPECT_NE(refusal(leaps.bytes()).find("leap-second records"), std::string::npos);
  Tzif bad_footer = good;
  bad_footer.footer = "EST5EDT";
  EXPECT_NE(refusal(bad_footer.bytes())
                .find("TZ string \"EST5EDT\" is not valid: expected a ',' and the date"),
            std::string::npos);
  bytes = good.bytes();
  bytes.pop_back();
  EXPECT_NE(refusal(bytes).find("does not end with a newline"), std::string::npos);
  EXPECT_NE(refusal(good.bytes() + "x").find("1 bytes after the end"), std::string::npos);
  bytes = good.bytes();
  bytes[44 + 10 + 20 + 3] = 9;  // the second header's isutcnt
  EXPECT_NE(refusal(bytes).find("one per time type"), std::string::npos);
  bytes = good.bytes();
  bytes[44 + 10 + 36 + 3] = 0;  // the second header's typecnt
  EXPECT_NE(refusal(bytes).find("no time types"), std::string::npos);
  bytes = good.bytes();
  bytes[44 + 10 + 32] = 0x7f;  // a huge timecnt
  EXPECT_NE(refusal(bytes).find("counts more data than there is"), std::string::npos);
}

TEST(TimeZoneMalformedTest, FooterStringsOutsideTheGrammarAreRefused) {
  for (const char* footer :
       {"EST", "ES5", "<AB>5", "EST25", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0",
        "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,M3.2.0/168,M11.1.0",
        "EST5EDT,J0,J100", "EST5EDT,366,J100", "EST5EDT,M3.2.0,M11.1.0,", "EST5:60", "<EST5",
        "EST5EDT,M3.2.0/2:60,M11.1.0"}) {
    Tzif tzif;
    tzif.footer = footer;
    EXPECT_NE(refusal(tzif.bytes()).find("is not valid:"), std::string::npos) << footer;
  }
}

TEST(TimeZoneMalformedTest, EveryTruncationOfARealFileIsRefused) {
  std::string bytes = zoneinfo_bytes("America/New_York");
  ASSERT_GT(bytes.size(), 100u);
  ASSERT_EQ(refusal(bytes), "");
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_NE(refusal(std::string_view(bytes).substr(0, size)), "") << size;
  }
}

TEST(TimeZoneMalformedTest, CorruptBytesReadOrAreRefusedButNeverCrash) {
  std::string bytes = zoneinfo_bytes("Australia/Lord_Howe");
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string corrupt = bytes;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0xa5);
    auto z = TimeZone::from_tzif("Australia/Lord_Howe", corrupt);
    if (!z) continue;
    std::int64_t t = civil(2024, 4, 6, 15);
    LocalInstants instants = z->from_local(z->to_local(t));
    EXPECT_LE(instants.earlier, t) << i;
    EXPECT_GE(instants.later, t) << i;
  }
}

}  // namespace
}  // namespace baton::events
