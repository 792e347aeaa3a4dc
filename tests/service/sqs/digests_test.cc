#include "service/sqs/digests.h"

#include <gtest/gtest.h>

namespace baton::service::sqs {
namespace {

json::Value attribute(std::string_view type, std::string_view member, std::string_view value) {
  return json::ObjectBuilder()
      .add("DataType", json::Value::string(type))
      .add(member, json::Value::string(value))
      .build();
}

TEST(DigestsTest, BodyIsTheMd5OfItsBytes) {
  EXPECT_EQ(body_md5("héllo"), "be50e8478cf24ff3595bc7307fb91b50");
}

// AWS's own answers, as the aws CLI's examples of receive-message show them (abridged there to
// "9424c491...26bc3ae7" and "b8e89563...e088e74f"): the digest covers the attributes answered.
TEST(DigestsTest, AttributesAsAwsDigestsThem) {
  json::Value both = json::ObjectBuilder()
                         .add("PostalCode", attribute("String", "StringValue", "ABC123"))
                         .add("City", attribute("String", "StringValue", "Any City"))
                         .build();
  EXPECT_EQ(attributes_md5(both), "9424c491ff2bbec06ecbc9d226bc3ae7");
  json::Value one =
      json::ObjectBuilder().add("PostalCode", attribute("String", "StringValue", "ABC123")).build();
  EXPECT_EQ(attributes_md5(one), "b8e89563a83b6381835710c1e088e74f");
}

// Binary values carry transport type 2 and their raw bytes.
TEST(DigestsTest, BinaryAttributesAreDigestedAsBytes) {
  json::Value attributes =
      json::ObjectBuilder()
          .add("raw", attribute("Binary", "BinaryValue", std::string("\x00\x01\xff", 3)))
          .add("count", attribute("Number", "StringValue", "3"))
          .add("colour", attribute("String", "StringValue", "blue"))
          .build();
  EXPECT_EQ(attributes_md5(attributes), "49961657142ddf3f225bf4fad79ce3b1");
}

TEST(DigestsTest, SystemAttributesUseTheSameDigest) {
  json::Value trace =
      json::ObjectBuilder()
          .add("AWSTraceHeader",
               attribute("String", "StringValue", "Root=1-5759e988-bd862e3fe1be46a994272793"))
          .build();
  EXPECT_EQ(attributes_md5(trace), "62a56dd927315f2b2e12832b84617ea5");
}

TEST(DigestsTest, NoAttributesNoDigest) {
  EXPECT_EQ(attributes_md5(json::Value()), "");
  EXPECT_EQ(attributes_md5(json::Value::object({})), "");
}

}  // namespace
}  // namespace baton::service::sqs
