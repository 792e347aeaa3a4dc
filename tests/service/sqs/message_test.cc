#include "service/sqs/message.h"

#include <gtest/gtest.h>

namespace baton::service::sqs {
namespace {

TEST(MessageTest, KeysSortInSequenceOrder) {
  EXPECT_LT(message_key(255), message_key(256));
  EXPECT_LT(message_key(1), message_key(1ull << 40));
  EXPECT_EQ(sequence_of_key(message_key(123456789)), 123456789u);
  EXPECT_FALSE(sequence_of_key("short"));
}

TEST(MessageTest, EncodingKeepsEverything) {
  Message m;
  m.id = "0b6f1f5c-7a1e-4c57-9c55-7c8a0c3f1b2a";
  m.body = std::string("body with \0 and é", 18);
  m.attributes =
      json::ObjectBuilder()
          .add("raw", json::ObjectBuilder()
                          .add("DataType", json::Value::string("Binary"))
                          .add("BinaryValue", json::Value::string(std::string("\0\1", 2)))
                          .build())
          .build();
  m.group_id = "g";
  m.deduplication_id = "d";
  m.dead_letter_source = "arn:aws:sqs:us-east-1:123456789012:source";
  m.sent_ms = 1764921600123;
  m.first_receive_ms = 1764921600456;
  m.visible_ms = 1764921630456;
  m.receive_count = 3;
  m.receipt = 0xfedcba9876543211ull;
  auto back = decode_message(42, encode_message(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sequence, 42u);
  EXPECT_EQ(back->id, m.id);
  EXPECT_EQ(back->body, m.body);
  EXPECT_EQ(back->attributes, m.attributes);
  EXPECT_EQ(back->group_id, "g");
  EXPECT_EQ(back->deduplication_id, "d");
  EXPECT_EQ(back->dead_letter_source, m.dead_letter_source);
  EXPECT_EQ(back->sent_ms, m.sent_ms);
  EXPECT_EQ(back->first_receive_ms, m.first_receive_ms);
  EXPECT_EQ(back->visible_ms, m.visible_ms);
  EXPECT_EQ(back->receive_count, 3u);
  EXPECT_EQ(back->receipt, m.receipt);
  EXPECT_EQ(back->size, message_size(m.body, m.attributes));
}

TEST(MessageTest, TruncatedValuesAreRefused) {
  Message m;
  m.id = "id";
  m.body = "body";
  std::string encoded = encode_message(m);
  for (std::size_t n = 0; n < encoded.size(); ++n) {
    EXPECT_FALSE(decode_message(1, encoded.substr(0, n))) << n;
  }
}

}  // namespace
}  // namespace baton::service::sqs
