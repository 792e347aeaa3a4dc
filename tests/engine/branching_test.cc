// Parallel and Map: children, their order, their failures, and the history AWS records.

#include <gtest/gtest.h>

#include "support/engine_run.h"

namespace baton::engine {
namespace {

using testing::EngineRun;

TEST(ParallelTest, ResultsInBranchOrderWithAwsEventIds) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
      {"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
      {"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}]}}})");
  EXPECT_EQ(run.output(), R"(["a","b"])");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 ParallelStateEntered P\n3<2 ParallelStateStarted\n"
            "4<3 PassStateEntered A\n5<4 PassStateExited A\n6<3 PassStateEntered B\n"
            "7<6 PassStateExited B\n8<7 ParallelStateSucceeded\n9<7 ParallelStateExited P\n"
            "10<9 ExecutionSucceeded\n");
}

TEST(ParallelTest, BranchFailureAbortsTheOthersAndIsCaught) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Done",
      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"Branches":[
      {"StartAt":"T","States":{"T":{"Type":"Task",
        "Resource":"arn:aws:states:::sqs:sendMessage","End":true}}},
      {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}]},
      "Done":{"Type":"Pass","End":true}}})");
  ASSERT_EQ(run.open_tasks().size(), 1u);
  ASSERT_TRUE(run.fail_task(run.open_tasks()[0].token, "SQS.Boom", "no queue"));
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.output(), R"({"Error":"SQS.Boom","Cause":"no queue"})");
  EXPECT_TRUE(run.timers().empty());
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 ParallelStateEntered P\n3<2 ParallelStateStarted\n"
            "4<3 TaskStateEntered T\n5<4 TaskScheduled\n6<5 TaskStarted\n"
            "7<3 WaitStateEntered W\n8<6 TaskFailed SQS.Boom\n9<8 TaskStateAborted\n"
            "10<8 WaitStateAborted\n11<8 ParallelStateFailed\n12<11 ParallelStateExited P\n"
            "13<12 PassStateEntered Done\n14<13 PassStateExited Done\n15<14 ExecutionSucceeded\n");
}

TEST(ParallelTest, RuntimeErrorInABranchFailsTheExecutionAtOnce) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"Branches":[
      {"StartAt":"Fast","States":{"Fast":{"Type":"Pass","Parameters":{"m.$":"$.nope"},
       "End":true}}}]},"C":{"Type":"Succeed"}}})",
                R"({"x":"a"})");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().cause,
            "An error occurred while executing the state 'Fast' (entered at the event id #4). The "
            "JSONPath '$.nope' specified for the field 'm.$' could not be found in the input "
            "'{\"x\":\"a\"}'");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 ParallelStateEntered P\n3<2 ParallelStateStarted\n"
            "4<3 PassStateEntered Fast\n5<4 ExecutionFailed States.Runtime\n");
}

TEST(MapTest, SequentialMapRecordsAwsEventIds) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
      "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}})",
                R"(["a","b"])");
  EXPECT_EQ(run.output(), R"(["a","b"])");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 MapStateEntered M\n3<2 MapStateStarted 2\n"
            "4<3 MapIterationStarted 0\n5<4 PassStateEntered I\n6<5 PassStateExited I\n"
            "7<6 MapIterationSucceeded 0\n8<6 MapIterationStarted 1\n9<8 PassStateEntered I\n"
            "10<9 PassStateExited I\n11<10 MapIterationSucceeded 1\n12<11 MapStateSucceeded\n"
            "13<11 MapStateExited M\n14<13 ExecutionSucceeded\n");
}

TEST(MapTest, ItemSelectorSeesTheMapItemAndResultsKeepItemOrder) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
      "ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
      "ResultPath":"$.out","End":true,
      "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
        "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}})",
                R"({"items":[10,20,30],"k":"K"})");
  ASSERT_EQ(run.open_tasks().size(), 3u);
  EXPECT_EQ(json::to_string(run.open_tasks()[1].payload), R"({"i":1,"v":20,"k":"K"})");
  // Answered out of order, still in item order.
  std::vector<std::string> tokens;
  for (const auto& t : run.open_tasks()) tokens.push_back(t.token);
  run.succeed(tokens[2], "3");
  run.succeed(tokens[0], "1");
  run.succeed(tokens[1], "2");
  EXPECT_EQ(run.output(), R"({"items":[10,20,30],"k":"K","out":[1,2,3]})");
}

TEST(MapTest, MaxConcurrencyLimitsIterationsInFlight) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
      "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
        "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}})",
                "[1,2,3,4,5]");
  for (int round = 0; round < 3; ++round) {
    ASSERT_LE(run.open_tasks().size(), 2u);
    ASSERT_FALSE(run.open_tasks().empty());
    run.succeed(run.open_tasks()[0].token, "0");
  }
  while (!run.open_tasks().empty()) run.succeed(run.open_tasks()[0].token, "0");
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.all_tasks().size(), 5u);
}

TEST(MapTest, EmptyItemsSucceedAtOnce) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","End":true,
      "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}})",
                "[]");
  EXPECT_EQ(run.output(), "[]");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 MapStateEntered M\n3<2 MapStateStarted 0\n"
            "4<3 MapStateSucceeded\n5<3 MapStateExited M\n6<5 ExecutionSucceeded\n");
}

TEST(MapTest, IterationFailureAbortsTheRestAndRetriesTheMap) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","End":true,
      "Retry":[{"ErrorEquals":["HandleItemFailError"],"MaxAttempts":1}],
      "ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail",
        "Error":"HandleItemFailError","Cause":"HandleItemFailCause"}}}}}})",
                "[1]");
  ASSERT_TRUE(run.fire_next_timer());
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "HandleItemFailError");
  EXPECT_EQ(*run.state().cause, "HandleItemFailCause");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 MapStateEntered M\n3<2 MapStateStarted 1\n"
            "4<3 MapIterationStarted 0\n5<4 FailStateEntered F\n6<5 MapIterationFailed 0\n"
            "7<5 MapStateStarted 1\n8<7 MapIterationStarted 0\n9<8 FailStateEntered F\n"
            "10<9 MapIterationFailed 0\n11<9 MapStateFailed\n12<11 ExecutionFailed "
            "HandleItemFailError\n");
}

TEST(MapTest, InputThatIsNotAnArrayOrObjectIsARuntimeError) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","End":true,
      "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}})",
                R"("text")");
  EXPECT_EQ(*run.state().error, "States.Runtime");
}

TEST(MapTest, AnObjectIsIteratedByItsKeyValuePairs) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","End":true,
      "ItemSelector":{"k.$":"$$.Map.Item.Key","v.$":"$$.Map.Item.Value","s.$":"$$.Map.Item.Source"},
      "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}})",
                R"({"a":1,"b":2})");
  EXPECT_EQ(run.output(), R"([{"k":"a","v":1,"s":"STATE_DATA"},{"k":"b","v":2,"s":"STATE_DATA"}])");
}

TEST(MapTest, IterationsReadOuterVariablesButKeepTheirOwn) {
  EngineRun run(R"j({"StartAt":"Setup","States":{
      "Setup":{"Type":"Pass","Assign":{"bias":100},"Next":"M"},
      "M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"Add","States":{
        "Add":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($, $bias)"},
               "Assign":{"inner.$":"$.v"},"Next":"Show"},
        "Show":{"Type":"Pass","Parameters":{"inner.$":"$inner"},"End":true}}}}}})j",
                "[1,2]");
  EXPECT_EQ(run.output(), R"([{"inner":101},{"inner":102}])");
}

TEST(DistributedMapTest, ChildExecutionsAndTheMapRun) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","Label":"Lbl","End":true,
      "ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"b":1}},
      "ToleratedFailureCount":1,
      "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},
        "StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}})",
                "[1,2,3,4,5]");
  ASSERT_EQ(run.children().size(), 3u);
  const auto& first = run.children()[0];
  EXPECT_EQ(json::to_string(first.input), R"({"BatchInput":{"b":1},"Items":[1,2]})");
  EXPECT_TRUE(first.express);
  EXPECT_NE(first.identity.execution_arn.find(":express:Machine/Lbl:"), std::string::npos)
      << first.identity.execution_arn;
  auto finish = [&](std::size_t i, const char* status) {
    return run.send(
        events::ChildExecutionFinished{run.now(), run.children()[i].identity.execution_arn, status,
                                       *json::parse("\"ok\""), std::string("E"), std::string("c")});
  };
  ASSERT_TRUE(finish(1, "FAILED"));
  ASSERT_TRUE(finish(0, "SUCCEEDED"));
  ASSERT_TRUE(finish(2, "SUCCEEDED"));
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.output(), R"(["ok",{"Error":"E","Cause":"c"},"ok"])");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 MapStateEntered M\n3<2 MapStateStarted 0\n"
            "4<3 MapRunStarted\n5<4 MapRunSucceeded\n6<5 MapStateSucceeded\n7<4 MapStateExited M\n"
            "8<7 ExecutionSucceeded\n");
}

TEST(DistributedMapTest, ExceedingTheToleranceFailsTheMapRun) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","End":true,
      "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
        "StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}})",
                "[1,2]");
  ASSERT_EQ(run.children().size(), 2u);
  ASSERT_TRUE(run.send(
      events::ChildExecutionFinished{run.now(), run.children()[0].identity.execution_arn, "FAILED",
                                     json::Value(), std::string("E"), std::nullopt}));
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.ExceedToleratedFailureThreshold");
  EXPECT_EQ(*run.state().cause, "The specified tolerated failure threshold was exceeded");
}

TEST(Issue9, ParallelResultsKeepBranchOrderWhateverOrderTheBranchesFinish) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
      {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                                   "End":true}}},
      {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                                   "End":true}}},
      {"StartAt":"C","States":{"C":{"Type":"Pass","Result":"c","End":true}}}]}}})");
  ASSERT_EQ(run.open_tasks().size(), 2u);
  std::string first = run.open_tasks()[0].token;
  std::string second = run.open_tasks()[1].token;
  ASSERT_TRUE(run.succeed(second, R"("b")"));
  ASSERT_TRUE(run.succeed(first, R"("a")"));
  EXPECT_EQ(run.output(), R"(["a","b","c"])");
}

TEST(Issue9, MapResultsKeepItemOrderWhateverOrderTheIterationsFinish) {
  EngineRun run(R"({"StartAt":"M","States":{"M":{"Type":"Map","End":true,
      "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
          "Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}})",
                "[1,2,3]");
  ASSERT_EQ(run.open_tasks().size(), 3u);
  std::vector<std::string> tokens;
  for (const auto& task : run.open_tasks()) tokens.push_back(task.token);
  ASSERT_TRUE(run.succeed(tokens[2], "3"));
  ASSERT_TRUE(run.succeed(tokens[0], "1"));
  ASSERT_TRUE(run.succeed(tokens[1], "2"));
  EXPECT_EQ(run.output(), "[1,2,3]");
}

}  // namespace
}  // namespace baton::engine
