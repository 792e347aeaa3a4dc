// Schedule expressions: the grammar of rate(), cron() and at() as scheduled rules and EventBridge
// Scheduler read it (the cases AWS refuses, recorded against AWS by LocalStack's validated
// tests, and each field's errors), when each fires (leap years, L, LW, W at a month's edges, #5
// in months without one, the end of the years), rate() anchors, and Scheduler's daylight saving
// rules in New York and on Lord Howe Island.

#include "events/schedule_expression.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/zoneinfo.h"

namespace baton::events {
namespace {

using testing::civil;
using testing::iso;
using testing::zone;

constexpr auto kRule = ScheduleFlavour::Rule;
constexpr auto kScheduler = ScheduleFlavour::Scheduler;

ScheduleExpression parse(std::string_view text, ScheduleFlavour flavour = kScheduler) {
  auto parsed = ScheduleExpression::parse(text, flavour);
  if (!parsed) {
    ADD_FAILURE() << text << ": " << parsed.error().cause;
    return *ScheduleExpression::parse("rate(1 minute)", kRule);
  }
  return *parsed;
}

// The cause of refusing `text`, or "" when it parses.
std::string refusal(std::string_view text, ScheduleFlavour flavour = kScheduler) {
  auto parsed = ScheduleExpression::parse(text, flavour);
  if (parsed) return "";
  EXPECT_EQ(parsed.error().name, kInvalidScheduleExpression);
  return parsed.error().cause;
}

// The next `count` times `text` fires after `after` (seconds), in `zone`, as ISO text; "none"
// where it fires no more.
std::string fires(std::string_view text, std::int64_t after, const TimeZone& zone, int count = 3,
                  std::int64_t anchor_ms = 0) {
  ScheduleExpression expression = parse(text);
  std::string out;
  std::int64_t at_ms = after * 1000;
  for (int i = 0; i < count; ++i) {
    std::optional<std::int64_t> next = expression.next_after(at_ms, anchor_ms, zone);
    if (!out.empty()) out += ' ';
    if (!next) return out + "none";
    EXPECT_GT(*next, at_ms);
    out += iso(*next / 1000);
    at_ms = *next;
  }
  return out;
}

std::string fires_utc(std::string_view text, std::int64_t after, int count = 3) {
  return fires(text, after, TimeZone::utc(), count);
}

TEST(ScheduleGrammarTest, RulesTakeAwsDocumentedExpressions) {
  for (const char* text : {"rate(1 minute)",
                           "rate(5 minutes)",
                           "rate(1 hour)",
                           "rate(12 hours)",
                           "rate(1 day)",
                           "rate(7 days)",
                           "cron(0 2 ? * SAT *)",
                           "cron(0 12 * * ? *)",
                           "cron(5,35 14 * * ? *)",
                           "cron(15 10 ? * 6L 2002-2005)",
                           "cron(0 2 ? * SAT#3 *)",
                           "cron(* * ? * SAT#3 *)",
                           "cron(0/5 5 ? JAN 1-5 2022)",
                           "cron(0 18 ? * MON-FRI *)",
                           "cron(0 8 1 * ? *)",
                           "cron(0/15 * * * ? *)",
                           "cron(0/10 * ? * MON-FRI *)",
                           "cron(0/5 8-17 ? * MON-FRI *)",
                           "cron(0/30 20-23 ? * MON-FRI *)",
                           "cron(0 11-23/2 * * ? *)",
                           "cron(0 0 1 1-12/3 ? *)",
                           "cron(0 9 LW * ? *)",
                           "cron(0 9 15W * ? *)",
                           "cron(0 9 L * ? *)",
                           "cron(0 9 L-3 * ? *)",
                           "cron(0 9 ? * L *)",
                           "cron(0 9 ? * 2#1 *)",
                           "cron(0 9 ? * mOn *)",
                           "cron(0 9 lw * ? *)",
                           "cron(0 9 ? * 5l *)",
                           "cron(0 0 ? * FRI-MON *)",
                           "cron(0 22-2 * * ? *)",
                           "cron(59 23 31 12 ? 2199)",
                           "cron(0 0 1 1 ? 1970)",
                           "cron(00 09 01 * ? *)"}) {
    auto parsed = ScheduleExpression::parse(text, kRule);
    EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().cause);
  }
  EXPECT_EQ(parse("rate(5 minutes)", kRule).kind(), ScheduleKind::Rate);
  EXPECT_EQ(parse("cron(0 12 * * ? *)", kRule).kind(), ScheduleKind::Cron);
  EXPECT_EQ(parse("at(2024-05-01T13:00:00)").kind(), ScheduleKind::At);
  EXPECT_EQ(parse("cron(0 12 * * ? *)", kRule).text(), "cron(0 12 * * ? *)");
  EXPECT_EQ(parse("cron(0 12 * * ? *)", kRule).flavour(), kRule);
}

// Each refused by PutRule with "Parameter ScheduleExpression is not valid." and by
// CreateSchedule with "Invalid Schedule Expression <text>." (LocalStack's AWS-validated tests).
TEST(ScheduleGrammarTest, AwsRefusesTheseInBothServices) {
  for (const char* text :
       {"rate(10 seconds)", "rate(10 years)", "rate()", "rate(10)", "rate(10 minutess)",
        "rate(foo minutes)", "rate(-10 minutes)", "rate( 10 minutes )", " rate(10 minutes)",
        "cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(INVALID)", "cron(0 dummy ? * MON-FRI *)",
        "cron(71 8 1 * ? *)", "cron()"}) {
    EXPECT_TRUE(refusal(text, kRule).starts_with("Parameter ScheduleExpression is not valid. "))
        << text << ": " << refusal(text, kRule);
    EXPECT_TRUE(refusal(text, kScheduler)
                    .starts_with("Invalid Schedule Expression " + std::string(text) + ". "))
        << text << ": " << refusal(text, kScheduler);
  }
  for (const char* text : {"at(2021-12-31T23:59:59Z)", "at(2021-12-31)"}) {
    EXPECT_NE(refusal(text, kScheduler), "") << text;
  }
}

TEST(ScheduleGrammarTest, RulesWantTheUnitSingularForOneAndPluralOtherwise) {
  for (const char* text :
       {"rate(1 minutes)", "rate(1 hours)", "rate(1 days)", "rate(10 minute)", "rate(10 hour)",
        "rate(10 day)", "rate(0 minutes)", "rate(10 MINUTES)"}) {
    EXPECT_NE(refusal(text, kRule), "") << text;
  }
  EXPECT_EQ(refusal("rate(1 minutes)", kRule),
            "Parameter ScheduleExpression is not valid. A value of 1 takes the unit 'minute', "
            "not 'minutes'.");
  EXPECT_EQ(refusal("rate(10 day)", kRule),
            "Parameter ScheduleExpression is not valid. A value other than 1 takes the unit "
            "'days', not 'day'.");
  // Scheduler's guide writes rate(1 days): it takes either form.
  EXPECT_EQ(refusal("rate(1 days)", kScheduler), "");
  EXPECT_EQ(refusal("rate(10 minute)", kScheduler), "");
  EXPECT_NE(refusal("rate(0 minutes)", kScheduler), "");
  EXPECT_EQ(refusal("rate(2147483647 minutes)", kScheduler), "");
  EXPECT_NE(refusal("rate(2147483648 minutes)", kScheduler), "");
}

TEST(ScheduleGrammarTest, AtIsScheduleOnlyAndALocalDateAndTime) {
  EXPECT_EQ(refusal("at(2024-05-01T13:00:00)", kRule),
            "Parameter ScheduleExpression is not valid. A rule's schedule expression is "
            "rate(value unit) or cron(fields).");
  EXPECT_EQ(refusal("at(2024-02-29T23:59:59)"), "");
  for (const char* text :
       {"at(2023-02-29T00:00:00)", "at(2024-13-01T00:00:00)", "at(2024-01-01T24:00:00)",
        "at(2024-01-01 00:00:00)", "at(2024-01-01T00:00:00.000)", "at(2024-01-01T00:00)",
        "at(2024-01-01T00:00:00+01:00)", "at()"}) {
    EXPECT_TRUE(refusal(text).starts_with("Invalid Schedule Expression " + std::string(text) +
                                          ". An at() expression is"))
        << text << ": " << refusal(text);
  }
}

TEST(ScheduleGrammarTest, YearIsOptionalOnlyForScheduler) {
  EXPECT_EQ(refusal("cron(0 12 * * ?)", kScheduler), "");
  EXPECT_EQ(refusal("cron(0 12 * * ?)", kRule),
            "Parameter ScheduleExpression is not valid. A cron expression has six fields "
            "(Minutes Hours Day-of-month Month Day-of-week Year) separated by single spaces; "
            "this one has 5.");
  EXPECT_EQ(fires_utc("cron(0 12 * * ?)", civil(2024, 1, 1), 2),
            "2024-01-01T12:00:00Z 2024-01-02T12:00:00Z");
}

// Each fault, and the field it is in.
TEST(ScheduleGrammarTest, CronErrorsSayWhatIsWrongAndInWhichField) {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"cron(0 1 * * * *)",
       "Day-of-month ('*') and Day-of-week ('*') both name days: one of them must be '?'."},
      {"cron(0 1 ? * ? *)",
       "Day-of-month and Day-of-week are both '?': one of them must name the days."},
      {"cron(60 * * * ? *)", "Field 1 (Minutes): 60 is not in 0-59."},
      {"cron(0 24 * * ? *)", "Field 2 (Hours): 24 is not in 0-23."},
      {"cron(0 0 0 * ? *)", "Field 3 (Day-of-month): 0 is not in 1-31."},
      {"cron(0 0 32 * ? *)", "Field 3 (Day-of-month): 32 is not in 1-31."},
      {"cron(0 0 1 13 ? *)", "Field 4 (Month): 13 is not in 1-12 or JAN-DEC."},
      {"cron(0 0 1 JANUARY ? *)", "Field 4 (Month): 'JANUARY' is not 1-12 or JAN-DEC."},
      {"cron(0 0 ? * 8 *)", "Field 5 (Day-of-week): 8 is not in 1-7 or SUN-SAT."},
      {"cron(0 0 ? * 0 *)", "Field 5 (Day-of-week): 0 is not in 1-7 or SUN-SAT."},
      {"cron(0 0 * * ? 1969)", "Field 6 (Year): 1969 is not in 1970-2199."},
      {"cron(0 0 * * ? 2200)", "Field 6 (Year): 2200 is not in 1970-2199."},
      {"cron(0 0 * * ? 2022-2020)", "Field 6 (Year): the range 2022-2020 runs backwards."},
      {"cron(0/60 * * * ? *)", "Field 1 (Minutes): the increment 60 is not in 1-59."},
      {"cron(0/0 * * * ? *)", "Field 1 (Minutes): the increment 0 is not in 1-59."},
      {"cron(*/x * * * ? *)", "Field 1 (Minutes): the increment 'x' is not a whole number."},
      {"cron(0 0 ? * 1/2 *)", "Field 5 (Day-of-week): it takes no increments ('/')."},
      {"cron(1,,2 * * * ? *)", "Field 1 (Minutes): an empty item in '1,,2'."},
      {"cron(-5 * * * ? *)", "Field 1 (Minutes): '-5' is missing a value."},
      {"cron(? * * * ? *)",
       "Field 1 (Minutes): '?' stands alone, and only in Day-of-month or Day-of-week."},
      {"cron(0 0 L * ? L)", "Field 6 (Year): 'L' is not 1970-2199."},
      {"cron(0 0 1 * L *)",
       "Day-of-month ('1') and Day-of-week ('L') both name days: one of "
       "them must be '?'."},
      {"cron(0 0 1W,15W * ? *)",
       "Field 3 (Day-of-month): '1W,15W': L and W stand alone, as L, L-n, LW or nW."},
      {"cron(0 0 32W * ? *)", "Field 3 (Day-of-month): 32 is not in 1-31."},
      {"cron(0 0 L-31 * ? *)", "Field 3 (Day-of-month): L-n takes n in 0-30, not L-31."},
      {"cron(0 0 ? * 3#1,6#3 *)",
       "Field 5 (Day-of-week): '3#1,6#3': '#' takes one weekday, alone, as 6#3."},
      {"cron(0 0 ? * 6#6 *)", "Field 5 (Day-of-week): '6#6': the week after '#' is not in 1-5."},
      {"cron(0 0 ? * 6#0 *)", "Field 5 (Day-of-week): '6#0': the week after '#' is not in 1-5."},
      {"cron(0 0 ? * 1-3L *)",
       "Field 5 (Day-of-week): '1-3L': dL takes one weekday, alone, as 6L."},
      {"cron(0  0 * * ? *)", "Field 2 is empty: fields are separated by single spaces."},
      {"cron(0 0 * * ? * *)",
       "A cron expression has six fields (Minutes Hours Day-of-month Month Day-of-week Year) "
       "separated by single spaces; this one has 7."},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(refusal(c.text, kRule),
              "Parameter ScheduleExpression is not valid. " + std::string(c.reason));
  }
}

TEST(ScheduleFiresTest, CronFiresStrictlyAfterAndInOrder) {
  std::int64_t new_year = civil(2024, 1, 1);
  EXPECT_EQ(fires_utc("cron(0 10 * * ? *)", new_year),
            "2024-01-01T10:00:00Z 2024-01-02T10:00:00Z 2024-01-03T10:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 10 * * ? *)", civil(2024, 1, 1, 10), 1), "2024-01-02T10:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 10 * * ? *)", civil(2024, 1, 1, 9, 59, 59), 1),
            "2024-01-01T10:00:00Z");
  EXPECT_EQ(fires_utc("cron(0/15 * * * ? *)", civil(2024, 1, 1, 0, 7), 4),
            "2024-01-01T00:15:00Z 2024-01-01T00:30:00Z 2024-01-01T00:45:00Z "
            "2024-01-01T01:00:00Z");
  // AWS's example: 1/10 is the 1st, 11th, 21st ... minute.
  EXPECT_EQ(fires_utc("cron(1/10 * * * ? *)", civil(2024, 1, 1, 0, 45), 3),
            "2024-01-01T00:51:00Z 2024-01-01T01:01:00Z 2024-01-01T01:11:00Z");
  EXPECT_EQ(fires_utc("cron(0 11-23/4 * * ? *)", new_year, 5),
            "2024-01-01T11:00:00Z 2024-01-01T15:00:00Z 2024-01-01T19:00:00Z "
            "2024-01-01T23:00:00Z 2024-01-02T11:00:00Z");
  EXPECT_EQ(fires_utc("cron(5,35 14 * * ? *)", new_year, 3),
            "2024-01-01T14:05:00Z 2024-01-01T14:35:00Z 2024-01-02T14:05:00Z");
  // 2024-01-05 is a Friday.
  EXPECT_EQ(fires_utc("cron(0 18 ? * MON-FRI *)", civil(2024, 1, 5, 19), 2),
            "2024-01-08T18:00:00Z 2024-01-09T18:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 8 1 * ? *)", new_year, 3),
            "2024-01-01T08:00:00Z 2024-02-01T08:00:00Z 2024-03-01T08:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 1 JAN,JUL ? *)", new_year, 3),
            "2024-07-01T00:00:00Z 2025-01-01T00:00:00Z 2025-07-01T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 9 ? jan mon *)", new_year, 2),
            fires_utc("cron(0 9 ? 1 2 *)", new_year, 2));
}

TEST(ScheduleFiresTest, BackwardsRangesWrapAround) {
  EXPECT_EQ(fires_utc("cron(0 22-1 * * ? *)", civil(2024, 1, 1, 12), 5),
            "2024-01-01T22:00:00Z 2024-01-01T23:00:00Z 2024-01-02T00:00:00Z "
            "2024-01-02T01:00:00Z 2024-01-02T22:00:00Z");
  // Friday 2024-01-05 to Monday.
  EXPECT_EQ(fires_utc("cron(0 0 ? * FRI-MON *)", civil(2024, 1, 3), 5),
            "2024-01-05T00:00:00Z 2024-01-06T00:00:00Z 2024-01-07T00:00:00Z "
            "2024-01-08T00:00:00Z 2024-01-12T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(50-10/10 0 * * ? *)", civil(2024, 1, 1), 4),
            "2024-01-01T00:10:00Z 2024-01-01T00:50:00Z 2024-01-02T00:00:00Z "
            "2024-01-02T00:10:00Z");
}

TEST(ScheduleFiresTest, FebruaryTwentyNinthWaitsForLeapYears) {
  EXPECT_EQ(fires_utc("cron(0 0 29 2 ? *)", civil(2024, 3, 1), 2),
            "2028-02-29T00:00:00Z 2032-02-29T00:00:00Z");
  // 2100 is no leap year.
  EXPECT_EQ(fires_utc("cron(0 0 29 2 ? *)", civil(2096, 3, 1), 1), "2104-02-29T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 29 FEB ? 2100-2103)", civil(2024, 1, 1), 1), "none");
  EXPECT_EQ(fires_utc("cron(0 0 30 2 ? *)", civil(2024, 1, 1), 1), "none");
}

TEST(ScheduleFiresTest, LIsTheLastDayOfTheMonthOrASaturday) {
  EXPECT_EQ(fires_utc("cron(0 0 L * ? *)", civil(2024, 1, 15), 4),
            "2024-01-31T00:00:00Z 2024-02-29T00:00:00Z 2024-03-31T00:00:00Z "
            "2024-04-30T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 L 2 ? *)", civil(2023, 1, 1), 2),
            "2023-02-28T00:00:00Z 2024-02-29T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 L-2 * ? *)", civil(2024, 1, 1), 3),
            "2024-01-29T00:00:00Z 2024-02-27T00:00:00Z 2024-03-29T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 L-30 * ? *)", civil(2024, 1, 2), 2),
            "2024-03-01T00:00:00Z 2024-05-01T00:00:00Z");
  // Alone in Day-of-week, L is the week's last day: Saturday (2024-01-06).
  EXPECT_EQ(fires_utc("cron(0 0 ? * L *)", civil(2024, 1, 1), 2),
            "2024-01-06T00:00:00Z 2024-01-13T00:00:00Z");
  // 6L: the last Friday.
  EXPECT_EQ(fires_utc("cron(15 10 ? * 6L 2019-2024)", civil(2024, 1, 1), 3),
            "2024-01-26T10:15:00Z 2024-02-23T10:15:00Z 2024-03-29T10:15:00Z");
  EXPECT_EQ(fires_utc("cron(15 10 ? * FRIL *)", civil(2024, 1, 1), 1), "2024-01-26T10:15:00Z");
}

TEST(ScheduleFiresTest, WeekdaysNearestStayWithinTheMonth) {
  // LW: 2024-03-31 is a Sunday, 2024-08-31 a Saturday.
  EXPECT_EQ(fires_utc("cron(0 0 LW * ? *)", civil(2024, 1, 1), 3),
            "2024-01-31T00:00:00Z 2024-02-29T00:00:00Z 2024-03-29T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 LW 8 ? *)", civil(2024, 1, 1), 1), "2024-08-30T00:00:00Z");
  // 1W on Saturday 2024-06-01 is Monday the 3rd, not Friday May 31; on Sunday 2024-09-01 the 2nd.
  EXPECT_EQ(fires_utc("cron(0 0 1W 6 ? *)", civil(2024, 1, 1), 1), "2024-06-03T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 1W 9 ? *)", civil(2024, 1, 1), 1), "2024-09-02T00:00:00Z");
  // 15W on Saturday 2024-06-15 is the Friday; on Sunday 2024-09-15 the Monday.
  EXPECT_EQ(fires_utc("cron(0 0 15W 6 ? *)", civil(2024, 1, 1), 1), "2024-06-14T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 15W 9 ? *)", civil(2024, 1, 1), 1), "2024-09-16T00:00:00Z");
  // 30W on Sunday 2024-06-30, the month's last day, is Friday the 28th.
  EXPECT_EQ(fires_utc("cron(0 0 30W 6 ? *)", civil(2024, 1, 1), 1), "2024-06-28T00:00:00Z");
  // 31W: no day in 30-day months; Saturday 2024-08-31 is Friday the 30th.
  EXPECT_EQ(fires_utc("cron(0 0 31W * ? *)", civil(2024, 4, 1), 3),
            "2024-05-31T00:00:00Z 2024-07-31T00:00:00Z 2024-08-30T00:00:00Z");
  // Asked after 2024's fire on the 14th: 2025-06-15 is a Sunday.
  EXPECT_EQ(fires_utc("cron(0 12 15W 6 ? *)", civil(2024, 6, 14, 13), 1), "2025-06-16T12:00:00Z");
}

TEST(ScheduleFiresTest, TheNthWeekdayIsSkippedInMonthsWithoutOne) {
  EXPECT_EQ(fires_utc("cron(0 2 ? * SAT#3 *)", civil(2024, 1, 1), 2),
            "2024-01-20T02:00:00Z 2024-02-17T02:00:00Z");
  // Fifth Mondays of 2024: January, April, July.
  EXPECT_EQ(fires_utc("cron(0 0 ? * 2#5 *)", civil(2024, 1, 1), 3),
            "2024-01-29T00:00:00Z 2024-04-29T00:00:00Z 2024-07-29T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 ? 2 2#5 *)", civil(2024, 1, 1), 1), "2044-02-29T00:00:00Z");
}

TEST(ScheduleFiresTest, CronStopsWhenItsYearsAreOver) {
  EXPECT_EQ(fires_utc("cron(0 0 1 1 ? 2199)", civil(1970, 1, 1), 2), "2199-01-01T00:00:00Z none");
  EXPECT_EQ(fires_utc("cron(59 23 31 12 ? *)", civil(2199, 12, 31, 23, 59), 1), "none");
  EXPECT_EQ(fires_utc("cron(15 10 ? * 6L 2019-2022)", civil(2022, 12, 30, 10, 15), 1), "none");
  EXPECT_EQ(fires_utc("cron(0 0 * * ? 2022)", civil(2024, 1, 1), 1), "none");
  EXPECT_EQ(fires_utc("cron(0 0 * * ? *)", INT64_MAX / 1000, 1), "none");
  EXPECT_EQ(fires_utc("cron(0 0 * * ? 1970)", INT64_MIN / 1000, 1), "1970-01-01T00:00:00Z");
  EXPECT_EQ(fires_utc("cron(0 0 1 1 ? 2020/50)", civil(1970, 1, 1), 5),
            "2020-01-01T00:00:00Z 2070-01-01T00:00:00Z 2120-01-01T00:00:00Z "
            "2170-01-01T00:00:00Z none");
}

TEST(ScheduleFiresTest, FarAndRareTimesCostNoScan) {
  // February has a fifth Monday when the 29th is one: in 2196, of the years 2190-2199.
  ScheduleExpression rare = parse("cron(59 23 ? 2 2#5 2190-2199)");
  TimeZone ny = zone("America/New_York");
  for (int i = 0; i < 2000; ++i) {
    EXPECT_EQ(rare.next_after(civil(1970, 1, 1) * 1000 + i, 0, ny),
              civil(2196, 3, 1, 4, 59) * 1000);
  }
  ScheduleExpression never = parse("cron(0 0 31 2,4,6,9,11 ? *)");
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(never.next_after(i, 0, ny));
}

TEST(ScheduleRateTest, RateFiresEveryPeriodFromItsAnchor) {
  ScheduleExpression every5 = parse("rate(5 minutes)", kRule);
  TimeZone utc = TimeZone::utc();
  std::int64_t anchor = civil(2024, 1, 1, 0, 0, 30) * 1000;
  // The anchor itself is the first fire: StartDate, or the moment of creation.
  EXPECT_EQ(every5.next_after(anchor - 1, anchor, utc), anchor);
  EXPECT_EQ(every5.next_after(civil(2020, 1, 1) * 1000, anchor, utc), anchor);
  EXPECT_EQ(every5.next_after(anchor, anchor, utc), anchor + 300000);
  EXPECT_EQ(every5.next_after(anchor + 7 * 60000, anchor, utc), anchor + 600000);
  EXPECT_EQ(every5.next_after(anchor + 600000, anchor, utc), anchor + 900000);
  EXPECT_EQ(parse("rate(1 hour)", kRule).next_after(anchor, anchor, utc), anchor + 3600000);
  EXPECT_EQ(parse("rate(2 days)", kRule).next_after(anchor, anchor, utc), anchor + 172800000);
  // Far ends: no overflow.
  EXPECT_EQ(every5.next_after(INT64_MAX - 10, 0, utc), std::nullopt);
  EXPECT_EQ(every5.next_after(INT64_MAX - 1, INT64_MIN, utc), std::nullopt);
  EXPECT_EQ(every5.next_after(INT64_MIN, INT64_MIN, utc), INT64_MIN + 300000);
  EXPECT_EQ(parse("rate(2147483647 days)").next_after(0, 0, utc), 2147483647LL * 86400000);
}

TEST(ScheduleRateTest, ADayIsTwentyFourHoursAcrossDaylightSavingChanges) {
  TimeZone ny = zone("America/New_York");
  std::int64_t anchor = civil(2024, 3, 9, 12) * 1000;  // 07:00 EST
  EXPECT_EQ(fires("rate(1 day)", civil(2024, 3, 9, 12), ny, 2, anchor),
            "2024-03-10T12:00:00Z 2024-03-11T12:00:00Z");  // 08:00 EDT
}

TEST(ScheduleAtTest, AtFiresOnceAtItsLocalTime) {
  TimeZone los_angeles = zone("America/Los_Angeles");
  EXPECT_EQ(fires("at(2022-11-20T13:00:00)", civil(2022, 1, 1), los_angeles, 2),
            "2022-11-20T21:00:00Z none");
  EXPECT_EQ(fires("at(2024-05-01T13:00:00)", civil(2022, 1, 1), los_angeles, 1),
            "2024-05-01T20:00:00Z");
  EXPECT_EQ(fires("at(2024-05-01T13:00:00)", civil(2024, 5, 1, 20), los_angeles, 1), "none");
  EXPECT_EQ(fires("at(2024-05-01T13:00:00)", civil(2024, 5, 1, 19, 59, 59), los_angeles, 1),
            "2024-05-01T20:00:00Z");
  EXPECT_EQ(fires("at(2024-05-01T13:00:00)", civil(2022, 1, 1), TimeZone::utc(), 1),
            "2024-05-01T13:00:00Z");
  // Scheduler ignores the anchor (StartDate) of an at().
  EXPECT_EQ(parse("at(2024-05-01T13:00:00)").next_after(0, INT64_MAX, TimeZone::utc()),
            civil(2024, 5, 1, 13) * 1000);
}

TEST(ScheduleAtTest, AtInAGapFiresAfterTheJumpAndInAnOverlapAtTheFirst) {
  TimeZone ny = zone("America/New_York");
  EXPECT_EQ(fires("at(2024-03-10T02:30:00)", civil(2024, 1, 1), ny, 1),
            "2024-03-10T07:30:00Z");  // 03:30 EDT
  EXPECT_EQ(fires("at(2024-11-03T01:30:00)", civil(2024, 1, 1), ny, 1),
            "2024-11-03T05:30:00Z");  // 01:30 EDT
  EXPECT_EQ(fires("at(2024-11-03T01:30:00)", civil(2024, 11, 3, 5, 30), ny, 1), "none");
}

TEST(ScheduleDaylightSavingTest, NewYorkSkipsTheGapAndFiresTheOverlapOnce) {
  TimeZone ny = zone("America/New_York");
  // 02:30 does not exist on 2024-03-10: AWS skips that day.
  EXPECT_EQ(fires("cron(30 2 * * ? *)", civil(2024, 3, 9), ny),
            "2024-03-09T07:30:00Z 2024-03-11T06:30:00Z 2024-03-12T06:30:00Z");
  // 01:30 happens twice on 2024-11-03: AWS runs it once, before the shift.
  EXPECT_EQ(fires("cron(30 1 * * ? *)", civil(2024, 11, 2), ny),
            "2024-11-02T05:30:00Z 2024-11-03T05:30:00Z 2024-11-04T06:30:00Z");
  // Asked during the repeated hour, after its first showing.
  EXPECT_EQ(fires("cron(30 1 * * ? *)", civil(2024, 11, 3, 6, 10), ny, 1), "2024-11-04T06:30:00Z");
  EXPECT_EQ(fires("cron(0/30 * * * ? *)", civil(2024, 11, 3, 4, 45), ny, 4),
            "2024-11-03T05:00:00Z 2024-11-03T05:30:00Z 2024-11-03T07:00:00Z "
            "2024-11-03T07:30:00Z");
  EXPECT_EQ(fires("cron(0/30 * * * ? *)", civil(2024, 3, 10, 6, 15), ny, 3),
            "2024-03-10T06:30:00Z 2024-03-10T07:00:00Z 2024-03-10T07:30:00Z");
  // 08:30 every day keeps to the local clock: 13:30 UTC in winter, 12:30 in summer.
  EXPECT_EQ(fires("cron(30 8 * * ? *)", civil(2024, 3, 9, 14), ny, 2),
            "2024-03-10T12:30:00Z 2024-03-11T12:30:00Z");
}

TEST(ScheduleDaylightSavingTest, LordHoweSkipsAndRepeatsHalfAnHour) {
  TimeZone lord_howe = zone("Australia/Lord_Howe");
  // 02:00-02:30 does not exist on 2024-10-06.
  EXPECT_EQ(fires("cron(15 2 * * ? *)", civil(2024, 10, 4), lord_howe),
            "2024-10-04T15:45:00Z 2024-10-06T15:15:00Z 2024-10-07T15:15:00Z");
  EXPECT_EQ(fires("cron(45 2 * * ? *)", civil(2024, 10, 4), lord_howe, 2),
            "2024-10-04T16:15:00Z 2024-10-05T15:45:00Z");
  // 01:30-02:00 happens twice on 2024-04-07.
  EXPECT_EQ(fires("cron(45 1 * * ? *)", civil(2024, 4, 5), lord_howe),
            "2024-04-05T14:45:00Z 2024-04-06T14:45:00Z 2024-04-07T15:15:00Z");
  EXPECT_EQ(fires("cron(0/15 1-2 7 4 ? 2024)", civil(2024, 4, 6, 14, 20), lord_howe, 6),
            "2024-04-06T14:30:00Z 2024-04-06T14:45:00Z 2024-04-06T15:30:00Z "
            "2024-04-06T15:45:00Z 2024-04-06T16:00:00Z 2024-04-06T16:15:00Z");
}

TEST(ScheduleDaylightSavingTest, RulesReadUtcWhateverZoneIsGiven) {
  TimeZone ny = zone("America/New_York");
  ScheduleExpression rule = parse("cron(0 10 * * ? *)", kRule);
  EXPECT_EQ(rule.next_after(civil(2024, 7, 1) * 1000, 0, ny), civil(2024, 7, 1, 10) * 1000);
  ScheduleExpression schedule = parse("cron(0 10 * * ? *)", kScheduler);
  EXPECT_EQ(schedule.next_after(civil(2024, 7, 1) * 1000, 0, ny), civil(2024, 7, 1, 14) * 1000);
}

TEST(ScheduleDaylightSavingTest, EveryFireShowsItsCronTimeOnTheLocalClock) {
  for (const char* name : {"America/New_York", "Australia/Lord_Howe", "Pacific/Chatham",
                           "Europe/London", "America/Sao_Paulo", "Asia/Kolkata"}) {
    TimeZone z = zone(name);
    ScheduleExpression every = parse("cron(15,45 * * * ? *)");
    std::int64_t at_ms = civil(2017, 1, 1) * 1000;
    std::int64_t previous_local = 0;
    for (int i = 0; i < 20000; ++i) {
      std::optional<std::int64_t> next = every.next_after(at_ms, 0, z);
      ASSERT_TRUE(next) << name;
      ASSERT_GT(*next, at_ms) << name;
      std::int64_t local = z.to_local(*next / 1000);
      ASSERT_TRUE(local % 3600 == 15 * 60 || local % 3600 == 45 * 60) << name << iso(*next / 1000);
      // One fire per local time: never the same reading twice, never backwards.
      ASSERT_GT(local, previous_local) << name << " " << iso(*next / 1000);
      previous_local = local;
      at_ms = *next + 7 * 3600 * 1000 * (i % 2);  // now and then skip ahead
    }
  }
}

}  // namespace
}  // namespace baton::events
