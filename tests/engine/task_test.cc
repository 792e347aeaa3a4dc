// Task states: resources and their events, results, failures, timeouts, Retry and Catch.

#include <gtest/gtest.h>

#include "support/engine_run.h"

namespace baton::engine {
namespace {

using testing::EngineRun;

const char* kLambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:f";

std::string task_definition(std::string_view resource, std::string_view extra = "") {
  return std::string(R"({"StartAt":"T","States":{"T":{"Type":"Task","Resource":")") +
         std::string(resource) + "\"" + std::string(extra) + R"(,"End":true}}})";
}

TEST(TaskTest, LambdaArnRecordsLambdaEvents) {
  EngineRun run(task_definition(kLambdaArn), R"({"x":1})");
  ASSERT_EQ(run.open_tasks().size(), 1u);
  const auto& task = run.open_tasks()[0];
  EXPECT_EQ(task.resource.kind, asl::ResourceKind::LambdaFunction);
  EXPECT_EQ(json::to_string(task.payload), R"({"x":1})");
  ASSERT_TRUE(run.succeed(task.token, R"({"ok":true})"));
  EXPECT_EQ(run.output(), R"({"ok":true})");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 TaskStateEntered T\n3<2 LambdaFunctionScheduled\n"
            "4<3 LambdaFunctionStarted\n5<4 LambdaFunctionSucceeded\n6<5 TaskStateExited T\n"
            "7<6 ExecutionSucceeded\n");
}

TEST(TaskTest, IntegrationRecordsTaskEventsAndParameters) {
  EngineRun run(task_definition("arn:aws:states:::lambda:invoke",
                                R"(,"Parameters":{"FunctionName":"f","Payload.$":"$"},
                                    "ResultSelector":{"p.$":"$.Payload"},"ResultPath":"$.r")"),
                R"({"x":1})");
  ASSERT_EQ(run.open_tasks().size(), 1u);
  EXPECT_EQ(json::to_string(run.open_tasks()[0].payload),
            R"({"FunctionName":"f","Payload":{"x":1}})");
  ASSERT_TRUE(run.succeed(run.open_tasks()[0].token, R"({"Payload":7,"StatusCode":200})"));
  EXPECT_EQ(run.output(), R"({"x":1,"r":{"p":7}})");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 TaskStateEntered T\n3<2 TaskScheduled\n4<3 TaskStarted\n"
            "5<4 TaskSucceeded\n6<5 TaskStateExited T\n7<6 ExecutionSucceeded\n");
  const auto& scheduled = std::get<details::TaskScheduled>(run.history()[2].details);
  EXPECT_EQ(scheduled.resource_type.as_string(), "lambda");
  EXPECT_EQ(scheduled.resource.as_string(), "invoke");
}

TEST(TaskTest, ActivityWaitsForAWorker) {
  EngineRun run(task_definition("arn:aws:states:us-east-1:123456789012:activity:a"));
  std::string token = run.open_tasks()[0].token;
  ASSERT_TRUE(run.send(events::TaskStarted{run.now(), token, "worker-1"}));
  ASSERT_TRUE(run.succeed(token, "{}"));
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 TaskStateEntered T\n3<2 ActivityScheduled\n"
            "4<3 ActivityStarted\n5<4 ActivitySucceeded\n6<5 TaskStateExited T\n"
            "7<6 ExecutionSucceeded\n");
}

TEST(TaskTest, WaitForTaskTokenPutsTheTokenInTheContext) {
  EngineRun run(task_definition("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                R"(,"Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}})"));
  const auto& task = run.open_tasks()[0];
  EXPECT_EQ(task.payload.find("MessageBody")->find("token")->as_string(), task.token);
  std::string token = task.token;
  ASSERT_TRUE(run.send(events::TaskSubmitted{run.now(), token, json::Value::object({})}));
  ASSERT_TRUE(run.succeed(token, R"("done")"));
  EXPECT_EQ(
      run.history_text(),
      "1<0 ExecutionStarted\n2<0 TaskStateEntered T\n3<2 TaskScheduled\n4<3 TaskStarted\n"
      "5<4 TaskSubmitted\n6<5 TaskSucceeded\n7<6 TaskStateExited T\n8<7 ExecutionSucceeded\n");
}

TEST(TaskTest, UnknownOrFinishedTokensAreRejected) {
  EngineRun run(task_definition(kLambdaArn));
  EXPECT_FALSE(run.succeed("no-such-token", "{}"));
  std::string token = run.open_tasks()[0].token;
  ASSERT_TRUE(run.succeed(token, "{}"));
  EXPECT_FALSE(run.succeed(token, "{}"));
}

TEST(TaskTest, FailureWithoutHandlerFailsTheExecution) {
  EngineRun run(task_definition(kLambdaArn));
  ASSERT_TRUE(run.fail_task(run.open_tasks()[0].token, "CustomError", "it broke"));
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "CustomError");
  EXPECT_EQ(*run.state().cause, "it broke");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 TaskStateEntered T\n3<2 LambdaFunctionScheduled\n"
            "4<3 LambdaFunctionStarted\n5<4 LambdaFunctionFailed CustomError\n"
            "6<5 ExecutionFailed CustomError\n");
}

TEST(TaskTest, RetryBacksOffThenCatchHandsOnTheError) {
  EngineRun run(R"({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
           "Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":2,"MaxAttempts":2,"BackoffRate":3}],
           "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Handled"}],
           "End":true},
      "Handled":{"Type":"Pass","End":true}}})",
                R"({"in":1})");
  Timestamp start = EngineRun::start_time();
  ASSERT_TRUE(run.fail_task(run.open_tasks()[0].token, "Flaky", "1"));
  ASSERT_EQ(run.timers().size(), 1u);
  EXPECT_EQ(run.timers()[0].first.seconds - start.seconds, 2);
  ASSERT_TRUE(run.fire_next_timer());
  ASSERT_TRUE(run.fail_task(run.open_tasks()[0].token, "Flaky", "2"));
  EXPECT_EQ(run.timers()[0].first.seconds - start.seconds, 2 + 6);
  ASSERT_TRUE(run.fire_next_timer());
  EXPECT_EQ(run.state().frames[0].retry_count, 2);
  ASSERT_TRUE(run.fail_task(run.open_tasks()[0].token, "Flaky", "3"));
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.output(), R"({"in":1,"error":{"Error":"Flaky","Cause":"3"}})");
  EXPECT_EQ(
      run.history_text(),
      "1<0 ExecutionStarted\n2<0 TaskStateEntered T\n"
      "3<2 LambdaFunctionScheduled\n4<3 LambdaFunctionStarted\n5<4 LambdaFunctionFailed Flaky\n"
      "6<5 LambdaFunctionScheduled\n7<6 LambdaFunctionStarted\n8<7 LambdaFunctionFailed Flaky\n"
      "9<8 LambdaFunctionScheduled\n10<9 LambdaFunctionStarted\n11<10 LambdaFunctionFailed Flaky\n"
      "12<11 TaskStateExited T\n13<12 PassStateEntered Handled\n14<13 PassStateExited Handled\n"
      "15<14 ExecutionSucceeded\n");
}

TEST(TaskTest, EachRetrierCountsItsOwnAttempts) {
  // The developer guide's "complex retry scenario": ErrorA, ErrorB, ErrorC, then ErrorB, which
  // finds its retrier spent and goes to Catch.
  EngineRun run(R"({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
      "Retry":[{"ErrorEquals":["ErrorA","ErrorB"],"IntervalSeconds":1,"BackoffRate":2,"MaxAttempts":2},
               {"ErrorEquals":["ErrorC"],"IntervalSeconds":5}],
      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
      "Caught":{"Type":"Succeed"}}})");
  std::vector<std::int64_t> waits;
  for (const char* error : {"ErrorA", "ErrorB", "ErrorC"}) {
    Timestamp before = run.now();
    ASSERT_TRUE(run.fail_task(run.open_tasks()[0].token, error));
    ASSERT_EQ(run.timers().size(), 1u) << error;
    waits.push_back(run.timers()[0].first.seconds - before.seconds);
    run.fire_next_timer();
  }
  EXPECT_EQ(waits, (std::vector<std::int64_t>{1, 2, 5}));
  ASSERT_TRUE(run.fail_task(run.open_tasks()[0].token, "ErrorB"));
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.history()[run.history().size() - 4].type, HistoryEventType::TaskStateExited);
}

TEST(TaskTest, MaxDelayCapsAndFullJitterIsSeeded) {
  const char* definition = R"({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
      "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":10,"BackoffRate":10,"MaxAttempts":5,
                "MaxDelaySeconds":50,"JitterStrategy":"FULL"}],"End":true}}})";
  auto delays = [&](std::uint64_t seed) {
    EngineRun run(definition, "{}", seed);
    std::vector<std::int64_t> out;
    for (int i = 0; i < 4; ++i) {
      Timestamp before = run.now();
      run.fail_task(run.open_tasks()[0].token, "E");
      out.push_back(run.timers()[0].first.millis() - before.millis());
      run.fire_next_timer();
    }
    return out;
  };
  std::vector<std::int64_t> a = delays(7);
  EXPECT_EQ(a, delays(7));
  EXPECT_NE(a, delays(8));
  for (std::int64_t d : a) {
    EXPECT_GE(d, 0);
    EXPECT_LE(d, 50000);
  }
}

TEST(TaskTest, StatesRuntimeIsNeverRetriedOrCaught) {
  EngineRun run(R"({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
      "Parameters":{"x.$":"$.missing"},
      "Retry":[{"ErrorEquals":["States.ALL"]}],
      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},
      "C":{"Type":"Succeed"}}})");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.Runtime");
  EXPECT_TRUE(run.all_tasks().empty());
}

TEST(TaskTest, TaskFailedMatchesAllButTimeout) {
  const char* definition = R"({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","TimeoutSeconds":10,
      "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"C"}],"End":true},
      "C":{"Type":"Succeed"}}})";
  EngineRun failed(definition);
  failed.fail_task(failed.open_tasks()[0].token, "Anything");
  EXPECT_EQ(failed.status(), "SUCCEEDED");
  EngineRun timed_out(definition);
  ASSERT_TRUE(timed_out.fire_next_timer());
  EXPECT_EQ(timed_out.status(), "FAILED");
  EXPECT_EQ(*timed_out.state().error, "States.Timeout");
  EXPECT_FALSE(timed_out.state().cause.has_value());
  EXPECT_EQ(timed_out.history_text(),
            "1<0 ExecutionStarted\n2<0 TaskStateEntered T\n3<2 LambdaFunctionScheduled\n"
            "4<3 LambdaFunctionStarted\n5<4 LambdaFunctionTimedOut States.Timeout\n"
            "6<5 ExecutionFailed States.Timeout\n");
}

TEST(TaskTest, HeartbeatsKeepATaskAlive) {
  EngineRun run(task_definition("arn:aws:states:us-east-1:123456789012:activity:a",
                                R"(,"TimeoutSeconds":100,"HeartbeatSeconds":10)"));
  std::string token = run.open_tasks()[0].token;
  ASSERT_EQ(run.timers().size(), 2u);
  ASSERT_TRUE(run.send(events::HeartbeatReceived{run.now(), token}));
  ASSERT_EQ(run.timers().size(), 2u);
  ASSERT_TRUE(run.fire_next_timer());  // the heartbeat timer goes first
  EXPECT_EQ(run.status(), "FAILED");
  // AWS records a missed heartbeat as States.Timeout.
  EXPECT_EQ(*run.state().error, "States.Timeout");
}

TEST(TaskTest, OnlyAMissedHeartbeatMatchesStatesHeartbeatTimeout) {
  auto definition = [](std::string_view seconds) {
    return std::string(R"({"StartAt":"T","States":{"T":{"Type":"Task",)"
                       R"("Resource":"arn:aws:states:us-east-1:123456789012:activity:a",)") +
           std::string(seconds) +
           R"(,"Catch":[{"ErrorEquals":["States.HeartbeatTimeout"],"Next":"Caught"}],)"
           R"("End":true},"Caught":{"Type":"Pass","End":true}}})";
  };
  EngineRun missed(definition(R"("TimeoutSeconds":100,"HeartbeatSeconds":10)"));
  ASSERT_TRUE(missed.fire_next_timer());
  EXPECT_EQ(missed.status(), "SUCCEEDED");
  EXPECT_NE(missed.output().find("States.Timeout"), std::string::npos) << missed.output();
  EngineRun timed_out(definition(R"("TimeoutSeconds":10)"));
  ASSERT_TRUE(timed_out.fire_next_timer());
  EXPECT_EQ(timed_out.status(), "FAILED");
  EXPECT_EQ(*timed_out.state().error, "States.Timeout");
}

TEST(TaskTest, TimeoutSecondsPathIsResolvedFromTheInput) {
  EngineRun run(task_definition(kLambdaArn, R"(,"TimeoutSecondsPath":"$.t")"), R"({"t":7})");
  ASSERT_EQ(run.timers().size(), 1u);
  EXPECT_EQ(run.timers()[0].first.seconds - EngineRun::start_time().seconds, 7);
  EXPECT_EQ(run.open_tasks()[0].timeout_seconds, 7);
  EngineRun bad(task_definition(kLambdaArn, R"(,"TimeoutSecondsPath":"$.t")"), R"({"t":-1})");
  EXPECT_EQ(*bad.state().error, "States.Runtime");
}

TEST(TaskTest, OversizedResultIsDataLimitExceeded) {
  EngineRun run(task_definition(kLambdaArn));
  std::string big = "\"" + std::string(262144, 'x') + "\"";
  ASSERT_TRUE(run.succeed(run.open_tasks()[0].token, big));
  EXPECT_EQ(*run.state().error, "States.DataLimitExceeded");
  EXPECT_EQ(*run.state().cause,
            "The state/task 'arn:aws:lambda:us-east-1:123456789012:function:f' returned a "
            "result with a size exceeding the maximum number of bytes service limit.");
}

TEST(Issue9, AHeartbeatReArmsTheHeartbeatTimerFromItsOwnTime) {
  EngineRun run(task_definition("arn:aws:states:us-east-1:123456789012:activity:a",
                                R"(,"TimeoutSeconds":100,"HeartbeatSeconds":10)"));
  std::string token = run.open_tasks()[0].token;
  Timestamp later{run.now().seconds + 8, run.now().nanos};
  ASSERT_TRUE(run.send(events::HeartbeatReceived{later, token}));
  ASSERT_EQ(run.timers().size(), 2u);
  // The heartbeat timer now ends 10 s after the heartbeat, not 10 s after the task began.
  EXPECT_EQ(run.timers()[0].first.seconds, EngineRun::start_time().seconds + 18);
  ASSERT_TRUE(run.fire_next_timer());
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(run.now().seconds, EngineRun::start_time().seconds + 18);
}

}  // namespace
}  // namespace baton::engine
