#include "service/sqs/queue_attributes.h"

#include <gtest/gtest.h>

namespace baton::service::sqs {
namespace {

json::Value given(std::string_view name, std::string_view value) {
  return json::ObjectBuilder().add(name, json::Value::string(value)).build();
}

Result<Attributes> apply(std::string_view name, std::string_view value, bool fifo = false) {
  return apply_attributes(default_attributes(fifo), given(name, value), fifo, false);
}

TEST(QueueAttributesTest, DefaultsAreAwsDefaults) {
  QueueSettings s = settings_of(default_attributes(false));
  EXPECT_EQ(s.delay_seconds, 0);
  EXPECT_EQ(s.maximum_message_size, 1048576);
  EXPECT_EQ(s.message_retention_period, 345600);
  EXPECT_EQ(s.receive_message_wait_time_seconds, 0);
  EXPECT_EQ(s.visibility_timeout, 30);
  EXPECT_FALSE(s.fifo);
  EXPECT_TRUE(settings_of(default_attributes(true)).fifo);
}

struct Range {
  const char* name;
  const char* lowest;
  const char* highest;
  const char* below;
  const char* above;
};

TEST(QueueAttributesTest, RangesAreAwsRanges) {
  const Range ranges[] = {
      {"DelaySeconds", "0", "900", "-1", "901"},
      {"MaximumMessageSize", "1024", "1048576", "1023", "1048577"},
      {"MessageRetentionPeriod", "60", "1209600", "59", "1209601"},
      {"ReceiveMessageWaitTimeSeconds", "0", "20", "-1", "21"},
      {"VisibilityTimeout", "0", "43200", "-1", "43201"},
      {"KmsDataKeyReusePeriodSeconds", "60", "86400", "59", "86401"},
  };
  for (const Range& r : ranges) {
    EXPECT_TRUE(apply(r.name, r.lowest)) << r.name;
    EXPECT_TRUE(apply(r.name, r.highest)) << r.name;
    for (const char* bad : {r.below, r.above, "ten", ""}) {
      auto refused = apply(r.name, bad);
      ASSERT_FALSE(refused) << r.name << " " << bad;
      EXPECT_EQ(refused.error().name, "InvalidAttributeValue");
      EXPECT_EQ(refused.error().cause,
                "Invalid value for the parameter " + std::string(r.name) + ".");
    }
  }
}

TEST(QueueAttributesTest, UnknownNamesAndFifoAttributesOfStandardQueues) {
  auto unknown = apply("Colour", "blue");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().name, "InvalidAttributeName");
  EXPECT_EQ(unknown.error().cause, "Unknown Attribute Colour.");
  EXPECT_FALSE(apply("ContentBasedDeduplication", "true"));
  EXPECT_TRUE(apply("ContentBasedDeduplication", "true", true));
  EXPECT_FALSE(apply("DeduplicationScope", "everywhere", true));
}

TEST(QueueAttributesTest, FifoQueueOnlyAtCreation) {
  EXPECT_FALSE(apply("FifoQueue", "true", true));
  EXPECT_TRUE(apply_attributes(default_attributes(true), given("FifoQueue", "true"), true, true));
  EXPECT_FALSE(
      apply_attributes(default_attributes(false), given("FifoQueue", "true"), false, true));
}

TEST(QueueAttributesTest, RedrivePolicyIsRead) {
  auto ok =
      apply("RedrivePolicy", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq",)"
                             R"("maxReceiveCount":"5"})");
  ASSERT_TRUE(ok);
  QueueSettings s = settings_of(*ok);
  ASSERT_TRUE(s.redrive);
  EXPECT_EQ(s.redrive->max_receive_count, 5);
  EXPECT_EQ(s.redrive->dead_letter_target_arn, "arn:aws:sqs:us-east-1:123456789012:dlq");
  for (const char* bad : {"not json", R"({"maxReceiveCount":5})",
                          R"({"deadLetterTargetArn":"a","maxReceiveCount":0})",
                          R"({"deadLetterTargetArn":"a","maxReceiveCount":1001})"}) {
    auto refused = apply("RedrivePolicy", bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().name, "InvalidParameterValue");
  }
  auto removed = apply_attributes(*ok, given("RedrivePolicy", ""), false, false);
  ASSERT_TRUE(removed);
  EXPECT_FALSE(removed->contains("RedrivePolicy"));
}

TEST(QueueAttributesTest, RedriveAllowPolicyNeedsSourcesByQueue) {
  EXPECT_TRUE(apply("RedriveAllowPolicy", R"({"redrivePermission":"allowAll"})"));
  EXPECT_FALSE(apply("RedriveAllowPolicy", R"({"redrivePermission":"byQueue"})"));
  EXPECT_FALSE(apply("RedriveAllowPolicy", R"({"redrivePermission":"sometimes"})"));
  auto ok =
      apply("RedriveAllowPolicy", R"({"redrivePermission":"byQueue","sourceQueueArns":["arn:a"]})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(settings_of(*ok).redrive_allow.source_queue_arns, std::vector<std::string>{"arn:a"});
}

TEST(QueueAttributesTest, KmsKeyTurnsManagedEncryptionOff) {
  auto ok = apply("KmsMasterKeyId", "alias/aws/sqs");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->at("SqsManagedSseEnabled"), "false");
  EXPECT_EQ(ok->at("KmsDataKeyReusePeriodSeconds"), "300");
}

}  // namespace
}  // namespace baton::service::sqs
