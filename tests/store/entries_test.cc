// The store's keyed entries, on a real SQLite file: order, replacement, deletion, and keys and
// values that are bytes rather than text.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "store/sqlite_store.h"

namespace baton::store {
namespace {

class EntriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = std::filesystem::temp_directory_path() /
           ("baton-entries-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    auto opened = SqliteStore::open(path.string());
    ASSERT_TRUE(opened) << opened.error().cause;
    store = std::move(*opened);
  }
  void TearDown() override {
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path.string() + suffix);
    }
  }
  void commit(std::vector<Op> ops) {
    WriteBatch batch;
    batch.ops = std::move(ops);
    auto r = store->commit(batch);
    ASSERT_TRUE(r) << r.error().cause;
  }
  std::vector<std::string> keys(const std::string& space, const std::string& after = "",
                                std::size_t limit = 100) {
    auto rows = store->entries(space, after, limit);
    EXPECT_TRUE(rows);
    std::vector<std::string> out;
    for (const Entry& e : *rows) out.push_back(e.key);
    return out;
  }

  std::filesystem::path path;
  std::unique_ptr<SqliteStore> store;
};

TEST_F(EntriesTest, ListsInByteOrderWithinItsSpaceOnly) {
  commit({ops::PutEntry{"q1", "b", "2"}, ops::PutEntry{"q1", "a", "1"},
          ops::PutEntry{"q1", "\xff", "3"}, ops::PutEntry{"q2", "a", "other"}});
  EXPECT_EQ(keys("q1"), (std::vector<std::string>{"a", "b", "\xff"}));
  EXPECT_EQ(keys("q1", "a"), (std::vector<std::string>{"b", "\xff"}));
  EXPECT_EQ(keys("q1", "", 2), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(keys("q2"), (std::vector<std::string>{"a"}));
}

TEST_F(EntriesTest, KeepsBytesWithNulsAndReplacesByKey) {
  std::string key("k\0ey", 4);
  std::string value("v\0\x01", 3);
  commit({ops::PutEntry{"s", key, "old"}, ops::PutEntry{"s", key, value}});
  auto read = store->entry("s", key);
  ASSERT_TRUE(read && *read);
  EXPECT_EQ(**read, value);
  auto missing = store->entry("s", "k");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(EntriesTest, DeletesOneOrAWholeSpace) {
  commit(
      {ops::PutEntry{"s", "a", "1"}, ops::PutEntry{"s", "b", "2"}, ops::PutEntry{"t", "a", "1"}});
  commit({ops::DeleteEntry{"s", "a"}});
  EXPECT_EQ(keys("s"), (std::vector<std::string>{"b"}));
  commit({ops::DeleteSpace{"s"}});
  EXPECT_TRUE(keys("s").empty());
  EXPECT_EQ(keys("t"), (std::vector<std::string>{"a"}));
}

TEST_F(EntriesTest, SurvivesReopening) {
  commit({ops::PutEntry{"s", "a", "1"}});
  store.reset();
  auto opened = SqliteStore::open(path.string());
  ASSERT_TRUE(opened);
  store = std::move(*opened);
  EXPECT_EQ(keys("s"), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace baton::store
