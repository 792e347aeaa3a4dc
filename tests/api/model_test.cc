// AWS's own service models, as baton embeds them, read into operations and shapes.

#include "api/model.h"

#include <gtest/gtest.h>

#include "api/test_models.h"

namespace baton::api {
namespace {

using testing::model;

TEST(ModelTest, StepFunctionsSpeaksJsonUnderItsTargetPrefix) {
  const Model& sfn = model("stepfunctions");
  EXPECT_EQ(sfn.protocol(), Protocol::Json);
  EXPECT_EQ(sfn.target_prefix(), "AWSStepFunctions");
  EXPECT_EQ(sfn.json_version(), "1.0");
  EXPECT_EQ(sfn.signing_name(), "states");
  const Operation* start = sfn.operation("StartExecution");
  ASSERT_NE(start, nullptr);
  ASSERT_NE(start->input, nullptr);
  EXPECT_EQ(start->input->name, "StartExecutionInput");
  EXPECT_TRUE(start->input->is_required("stateMachineArn"));
  EXPECT_FALSE(start->input->is_required("name"));
  EXPECT_EQ(sfn.operation("StartExecutions"), nullptr);
}

TEST(ModelTest, LambdaOperationsCarryTheirHttpBindings) {
  const Model& lambda = model("lambda");
  EXPECT_EQ(lambda.protocol(), Protocol::RestJson);
  const Operation* create = lambda.operation("CreateFunction");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->method, "POST");
  EXPECT_EQ(create->request_uri, "/2015-03-31/functions");
  EXPECT_EQ(create->response_code, 201);

  const Operation* invoke = lambda.operation("Invoke");
  ASSERT_NE(invoke, nullptr);
  ASSERT_EQ(invoke->path.size(), 3u);
  EXPECT_EQ(invoke->path[0].text, "/2015-03-31/functions/");
  EXPECT_TRUE(invoke->path[1].label);
  EXPECT_EQ(invoke->path[1].text, "FunctionName");
  EXPECT_EQ(invoke->path[2].text, "/invocations");
  const Member* type = invoke->input->find("InvocationType");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->location, Location::Header);
  EXPECT_EQ(type->location_name, "X-Amz-Invocation-Type");
  EXPECT_EQ(invoke->input->payload, "Payload");
}

TEST(ModelTest, SqsSpeaksJsonAndQueryWithQueryTraits) {
  const Model& sqs = model("sqs");
  EXPECT_EQ(sqs.protocol(), Protocol::Json);
  EXPECT_TRUE(sqs.speaks_query());
  EXPECT_TRUE(sqs.query_compatible());
  EXPECT_EQ(sqs.xml_namespace(), "http://queue.amazonaws.com/doc/2012-11-05/");
  const Operation* send = sqs.operation("SendMessage");
  ASSERT_NE(send, nullptr);
  EXPECT_EQ(send->result_wrapper, "SendMessageResult");
  const Member* attributes = send->input->find("MessageAttributes");
  ASSERT_NE(attributes, nullptr);
  EXPECT_EQ(attributes->location_name, "MessageAttribute");
  EXPECT_EQ(attributes->shape->type, ShapeType::Map);
  EXPECT_TRUE(attributes->shape->flattened);
  EXPECT_EQ(attributes->shape->key.location_name, "Name");
  EXPECT_EQ(attributes->shape->value.location_name, "Value");
  EXPECT_EQ(send->input->find_serialized("MessageAttribute"), attributes);
}

TEST(ModelTest, S3KeysAreGreedyLabelsAndQueryKeysSelectOperations) {
  const Model& s3 = model("s3");
  EXPECT_EQ(s3.protocol(), Protocol::RestXml);
  const Operation* get = s3.operation("GetObject");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->method, "GET");
  ASSERT_EQ(get->path.size(), 4u);
  EXPECT_FALSE(get->path[1].greedy);
  EXPECT_EQ(get->path[3].text, "Key");
  EXPECT_TRUE(get->path[3].greedy);
  EXPECT_EQ(get->output->payload, "Body");

  const Operation* list = s3.operation("ListObjectsV2");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->fixed_query.size(), 1u);
  EXPECT_EQ(list->fixed_query[0].first, "list-type");
  EXPECT_EQ(list->fixed_query[0].second, "2");

  const Shape* missing = s3.exception("NoSuchKey");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->error_status, 404);
  EXPECT_EQ(s3.exception("GetObjectOutput"), nullptr);
}

TEST(ModelTest, ConstraintsAreLengthsForStringsAndValuesForNumbers) {
  const Model& sfn = model("stepfunctions");
  const Shape* name = sfn.shape("Name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->min, 1);
  EXPECT_EQ(name->max, 80);
  EXPECT_FALSE(name->max_value.has_value());
  const Shape* page = sfn.shape("PageSize");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->max_value, 1000.0);
  EXPECT_FALSE(page->max.has_value());
  EXPECT_TRUE(sfn.shape("SensitiveData")->sensitive);
}

TEST(ModelTest, OverridesReorderAnEnum) {
  const Shape* status = model("stepfunctions").shape("ExecutionStatus");
  ASSERT_NE(status, nullptr);
  std::vector<std::string> expected = {"SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE",
                                       "ABORTED",   "FAILED",    "RUNNING"};
  EXPECT_EQ(status->enum_values, expected);
}

TEST(ModelTest, BlobsAreMarkedWhereverTheyNest) {
  const Model& lambda = model("lambda");
  EXPECT_TRUE(lambda.shape("CreateFunctionRequest")->holds_blob);  // Code.ZipFile
  EXPECT_FALSE(lambda.shape("GetFunctionRequest")->holds_blob);
  EXPECT_TRUE(model("sqs").shape("SendMessageRequest")->holds_blob);  // attribute BinaryValue
}

TEST(ModelTest, MalformedModelsAreErrors) {
  struct Case {
    const char* text;
    const char* cause;
  };
  const Case cases[] = {
      {"not json", "The model is not JSON"},
      {R"({"metadata":{}})", "A model needs metadata, operations and shapes"},
      {R"({"metadata":{"protocol":"ec2"},"operations":{},"shapes":{}})",
       "The protocol 'ec2' is not one baton speaks"},
      {R"({"metadata":{"protocol":"json"},"operations":{},"shapes":{"S":{"type":"set"}}})",
       "Shape S has an unknown type 'set'"},
      {R"({"metadata":{"protocol":"json"},"operations":{},
           "shapes":{"S":{"type":"structure","members":{"A":{"shape":"Nope"}}}}})",
       "No shape Nope for A"},
  };
  for (const Case& c : cases) {
    auto parsed = Model::parse(c.text);
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_EQ(parsed.error().name, "InvalidModel");
    EXPECT_TRUE(parsed.error().cause.starts_with(c.cause)) << parsed.error().cause;
  }
}

TEST(ModelTest, EveryEmbeddedModelParses) {
  for (const char* name : {"stepfunctions", "lambda", "sqs", "s3"}) {
    EXPECT_FALSE(model(name).operations().empty()) << name;
  }
  EXPECT_FALSE(embedded_model("dynamodb").has_value());
}

}  // namespace
}  // namespace baton::api
