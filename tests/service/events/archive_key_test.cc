// The keys archived events are kept under: ordered by event time, then by sequence, so that a
// replay reads a time range in order.

#include <gtest/gtest.h>

#include "service/events/eventbridge.h"

namespace baton::service::events {
namespace {

TEST(ArchiveKeyTest, OrdersByTimeThenSequence) {
  EXPECT_LT(archive_key(1000, 9), archive_key(1001, 1));
  EXPECT_LT(archive_key(1000, 1), archive_key(1000, 2));
  EXPECT_LT(archive_key(255, 1), archive_key(256, 1));
  EXPECT_LT(archive_key(1764957600000, 1), archive_key(1764957600000 + 1, 0));
}

TEST(ArchiveKeyTest, StartOfARangeComesBeforeEveryEventAtThatTime) {
  // A replay reads the entries after archive_key(start, 0); sequences start at 1.
  EXPECT_LT(archive_key(5000, 0), archive_key(5000, 1));
  EXPECT_GT(archive_key(5000, 0), archive_key(4999, ~0ULL));
}

TEST(ArchiveKeyTest, TimeReadsBack) {
  for (std::int64_t t : {0LL, 1LL, 999LL, 1764957600000LL}) {
    EXPECT_EQ(time_of_archive_key(archive_key(t, 42)), t);
  }
}

TEST(ArchiveKeyTest, TimesBeforeTheEpochCountAsTheEpoch) {
  EXPECT_EQ(time_of_archive_key(archive_key(-5000, 1)), 0);
}

}  // namespace
}  // namespace baton::service::events
