#include "core/time.h"

#include <gtest/gtest.h>

namespace baton {
namespace {

TEST(TimeTest, ParsesRfc3339AsAwsAcceptsIt) {
  auto t = parse_rfc3339("2016-03-14T01:59:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->seconds, 1457920740);
  auto offset = parse_rfc3339("2016-03-14T03:59:00+02:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(*offset, *t);
  auto fraction = parse_rfc3339("2016-03-14T01:59:00.123456789Z");
  ASSERT_TRUE(fraction);
  EXPECT_EQ(fraction->nanos, 123456789);
}

TEST(TimeTest, RefusesWhatIsNotRfc3339) {
  for (const char* text : {"05-12-2016T21:29:29Z", "2016-12-05T25:29:29Z", "2016-12-05 21:29:29Z",
                           "2016-12-05T21:29:29", "2016-02-30T00:00:00Z", "2016-12-05t21:29:29z",
                           "2016-12-05T21:29:29.Z", "2016-12-05T21:29:29+0200", ""}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
  EXPECT_TRUE(parse_rfc3339("2016-02-29T00:00:00Z"));
}

TEST(TimeTest, FormatsAsAwsWritesIt) {
  Timestamp t = Timestamp::from_millis(1457920740120);
  EXPECT_EQ(format_rfc3339_millis(t), "2016-03-14T01:59:00.120Z");
  EXPECT_EQ(format_rfc3339_trimmed(t), "2016-03-14T01:59:00.12Z");
  EXPECT_EQ(format_rfc3339_trimmed(Timestamp::from_millis(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339_millis(Timestamp::from_millis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(TimeTest, CivilDaysRoundTrip) {
  for (std::int64_t days : {-719468LL, -1LL, 0LL, 1LL, 11016LL, 2932896LL}) {
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    EXPECT_EQ(days_from_civil(y, m, d), days);
  }
}

}  // namespace
}  // namespace baton
