// Pass, Choice, Wait, Succeed, Fail, and the data flow every state shares.

#include <gtest/gtest.h>

#include "support/engine_run.h"

namespace baton::engine {
namespace {

using testing::EngineRun;

TEST(FlowTest, PassChainRecordsAwsEventSequence) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Pass","Next":"S"},
                   "S":{"Type":"Succeed"}}})",
                R"({"a":1})");
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.output(), R"({"a":1})");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n"
            "2<0 PassStateEntered P\n"
            "3<2 PassStateExited P\n"
            "4<3 SucceedStateEntered S\n"
            "5<4 SucceedStateExited S\n"
            "6<5 ExecutionSucceeded\n");
}

TEST(FlowTest, InputParametersResultPathOutputPath) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Pass",
      "InputPath":"$.order","Parameters":{"id.$":"$.id","fixed":1,"ctx.$":"$$.State.Name"},
      "ResultPath":"$.shaped","OutputPath":"$.shaped","End":true}}})",
                R"({"order":{"id":"o-1"},"other":true})");
  EXPECT_EQ(run.output(), R"({"id":"o-1","fixed":1,"ctx":"P"})");
}

TEST(FlowTest, ResultPathMergesIntoTheRawInput) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a",
      "Result":{"x":1},"ResultPath":"$.b.c","End":true}}})",
                R"({"a":{"k":2}})");
  EXPECT_EQ(run.output(), R"({"a":{"k":2},"b":{"c":{"x":1}}})");
}

TEST(FlowTest, NullPathsGiveEmptyObjectsOrDiscard) {
  EngineRun input_null(R"({"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":null,
      "Parameters":{"in.$":"$"},"End":true}}})",
                       R"({"a":1})");
  EXPECT_EQ(input_null.output(), R"({"in":{}})");
  EngineRun result_null(R"({"StartAt":"P","States":{"P":{"Type":"Pass","Result":"x",
      "ResultPath":null,"End":true}}})",
                        R"({"a":1})");
  EXPECT_EQ(result_null.output(), R"({"a":1})");
  EngineRun output_null(R"({"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":null,
      "End":true}}})",
                        R"({"a":1})");
  EXPECT_EQ(output_null.output(), "{}");
}

TEST(FlowTest, MissingInputPathIsARuntimeErrorNamingTheState) {
  EngineRun run(R"({"StartAt":"pass","States":{"pass":{"Type":"Pass",
      "InputPath":"$.NoSuchInputPath","End":true}}})");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.Runtime");
  EXPECT_EQ(*run.state().cause,
            "An error occurred while executing the state 'pass' (entered at the event id #2). "
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 PassStateEntered pass\n3<2 ExecutionFailed "
            "States.Runtime\n");
}

TEST(FlowTest, ResultPathOntoANonObjectFails) {
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,
      "ResultPath":"$.x","End":true}}})",
                R"("text")");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_NE(run.state().cause->find("Unable to apply ReferencePath $.x to input \"\\\"text\\\"\""),
            std::string::npos)
      << *run.state().cause;
}

TEST(FlowTest, ChoiceTakesTheFirstMatchingRuleOrDefault) {
  const char* definition = R"({"StartAt":"C","States":{
      "C":{"Type":"Choice","Choices":[
        {"Variable":"$.n","NumericGreaterThan":10,"Next":"Big"},
        {"Variable":"$.n","NumericGreaterThan":5,"Next":"Medium"}],"Default":"Small"},
      "Big":{"Type":"Pass","Result":"big","End":true},
      "Medium":{"Type":"Pass","Result":"medium","End":true},
      "Small":{"Type":"Pass","Result":"small","End":true}}})";
  EXPECT_EQ(EngineRun(definition, R"({"n":11})").output(), R"("big")");
  EXPECT_EQ(EngineRun(definition, R"({"n":6})").output(), R"("medium")");
  EXPECT_EQ(EngineRun(definition, R"({"n":1})").output(), R"("small")");
}

TEST(FlowTest, ChoiceWithoutMatchOrDefaultFailsAsAwsDoes) {
  EngineRun run(R"({"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
      {"Variable":"$.n","NumericEquals":1,"Next":"D"}]},"D":{"Type":"Succeed"}}})",
                R"({"n":2})");
  EXPECT_EQ(*run.state().error, "States.Runtime");
  EXPECT_EQ(*run.state().cause,
            "An error occurred while executing the state 'C' (entered at the event id #2). "
            "Failed to transition out of the state. The state does not point to a next state.");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 ChoiceStateEntered C\n3<2 ExecutionFailed States.Runtime\n");
}

TEST(FlowTest, WaitSchedulesATimerAndExitsWhenItFires) {
  EngineRun run(R"({"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}})");
  EXPECT_EQ(run.status(), "RUNNING");
  ASSERT_EQ(run.timers().size(), 1u);
  EXPECT_EQ(run.timers()[0].first.seconds, EngineRun::start_time().seconds + 30);
  ASSERT_TRUE(run.fire_next_timer());
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 WaitStateEntered W\n3<2 WaitStateExited W\n"
            "4<3 ExecutionSucceeded\n");
  EXPECT_EQ(run.history()[2].timestamp.seconds, EngineRun::start_time().seconds + 30);
}

TEST(FlowTest, WaitPathsAndTimestamps) {
  EngineRun seconds_path(R"({"StartAt":"W","States":{"W":{"Type":"Wait",
      "SecondsPath":"$.s","End":true}}})",
                         R"({"s":5})");
  ASSERT_EQ(seconds_path.timers().size(), 1u);
  EXPECT_EQ(seconds_path.timers()[0].first.seconds, EngineRun::start_time().seconds + 5);
  EngineRun negative(R"({"StartAt":"WaitState","States":{"WaitState":{"Type":"Wait",
      "SecondsPath":"$.input.waitSeconds","End":true}}})",
                     R"({"input":{"waitSeconds":-1}})");
  EXPECT_EQ(*negative.state().cause,
            "An error occurred while executing the state 'WaitState' (entered at the event id "
            "#2). The SecondsPath parameter references a negative value: $.input.waitSeconds == "
            "-1");
  EngineRun past(R"({"StartAt":"W","States":{"W":{"Type":"Wait",
      "Timestamp":"2000-01-01T00:00:00Z","End":true}}})");
  EXPECT_EQ(past.status(), "SUCCEEDED");
  EngineRun bad(R"({"StartAt":"WaitUntil","States":{"WaitUntil":{"Type":"Wait",
      "TimestampPath":"$.TimestampValue","End":true}}})",
                R"({"TimestampValue":"2016-12-05 21:29:29Z"})");
  EXPECT_EQ(*bad.state().cause,
            "An error occurred while executing the state 'WaitUntil' (entered at the event id "
            "#2). The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
            "date-time format string: $.TimestampValue == 2016-12-05 21:29:29Z");
}

TEST(FlowTest, FailUsesErrorAndCausePathsWithoutPrefix) {
  EngineRun run(R"j({"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e",
      "CausePath":"States.Format('because {}', $.c)"}}})j",
                R"({"e":"Boom","c":"reasons"})");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "Boom");
  EXPECT_EQ(*run.state().cause, "because reasons");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 FailStateEntered F\n3<2 ExecutionFailed Boom\n");
  EngineRun bare(R"({"StartAt":"F","States":{"F":{"Type":"Fail"}}})");
  EXPECT_FALSE(bare.state().error.has_value());
  EXPECT_FALSE(bare.state().cause.has_value());
}

TEST(FlowTest, ContextObjectAsAwsPrintsIt) {
  EngineRun run(R"({"StartAt":"TestState","States":{"TestState":{"Type":"Pass",
      "InputPath":"$$","End":true}}})",
                R"({"input-value":0})");
  EXPECT_EQ(
      run.output(),
      R"({"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:Machine:run-1",)"
      R"("Input":{"input-value":0},"StartTime":"2024-01-01T00:00:00.000Z","Name":"run-1",)"
      R"("RoleArn":"arn:aws:iam::123456789012:role/r","RedriveCount":0},)"
      R"("StateMachine":{"Id":"arn:aws:states:us-east-1:123456789012:stateMachine:Machine",)"
      R"("Name":"Machine"},"State":{"Name":"TestState","EnteredTime":"2024-01-01T00:00:00.000Z"}})");
}

TEST(FlowTest, AssignedVariablesBecomeVisibleAfterTheState) {
  EngineRun run(R"({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":{"answer":42},"Assign":{"answer.$":"$.answer","seen":"x"},"Next":"B"},
      "B":{"Type":"Pass","InputPath":"$answer","ResultPath":"$.theAnswer","OutputPath":"$answer",
           "Assign":{"answer":"changed"},"Next":"C"},
      "C":{"Type":"Pass","Parameters":{"now.$":"$answer","seen.$":"$seen"},"End":true}}})");
  EXPECT_EQ(run.output(), R"({"now":"changed","seen":"x"})");
  const auto& exited = std::get<details::StateExited>(run.history()[2].details);
  EXPECT_EQ(json::to_string(exited.assigned_variables), R"({"answer":42,"seen":"x"})");
}

TEST(FlowTest, ChoiceAssignsFromTheTakenRuleOrTheStateOnDefault) {
  const char* definition = R"({"StartAt":"C","States":{
      "C":{"Type":"Choice","Assign":{"result":"DEFAULT"},"Choices":[
        {"Variable":"$.v","StringEquals":"1","Assign":{"result":"ONE"},"Next":"D"}],
       "Default":"D"},
      "D":{"Type":"Pass","Parameters":{"result.$":"$result"},"End":true}}})";
  EXPECT_EQ(EngineRun(definition, R"({"v":"1"})").output(), R"({"result":"ONE"})");
  EXPECT_EQ(EngineRun(definition, R"({"v":"2"})").output(), R"({"result":"DEFAULT"})");
}

TEST(FlowTest, ExecutionTimeoutAndStop) {
  EngineRun timeout(R"({"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait",
      "Seconds":60,"End":true}}})");
  ASSERT_TRUE(timeout.fire_next_timer());
  EXPECT_EQ(timeout.status(), "TIMED_OUT");
  EXPECT_EQ(timeout.history_text(),
            "1<0 ExecutionStarted\n2<0 WaitStateEntered W\n3<0 ExecutionTimedOut States.Timeout\n");
  EXPECT_TRUE(timeout.timers().empty());

  EngineRun stopped(R"({"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}})");
  stopped.stop("Manual", "probe");
  EXPECT_EQ(stopped.status(), "ABORTED");
  EXPECT_EQ(*stopped.state().error, "Manual");
  EXPECT_EQ(stopped.history_text(),
            "1<0 ExecutionStarted\n2<0 WaitStateEntered W\n3<0 ExecutionAborted Manual\n");
  EXPECT_FALSE(stopped.fire_next_timer());
}

TEST(FlowTest, HistoryLimitEndsTheExecutionAtItsLastEvent) {
  EngineRun run(R"({"StartAt":"L","States":{"L":{"Type":"Choice","Choices":[
      {"Variable":"$.spin","BooleanEquals":true,"Next":"L"}],"Default":"D"},
      "D":{"Type":"Succeed"}}})",
                R"({"spin":true})", 1, 25000);
  EXPECT_EQ(run.status(), "FAILED");
  ASSERT_EQ(run.history().size(), 25000u);
  EXPECT_EQ(testing::event_text(run.history().back()),
            "25000<24999 ExecutionFailed States.Runtime");
  EXPECT_EQ(*run.state().cause,
            "The execution reached the maximum number of history events (25000).");
}

TEST(Issue9, ASecondsPathOfZeroWaitsNoTime) {
  EngineRun run(R"({"StartAt":"W","States":{"W":{"Type":"Wait",
      "SecondsPath":"$.s","Next":"P"},"P":{"Type":"Pass","End":true}}})",
                R"({"s":0})");
  EXPECT_EQ(run.status(), "SUCCEEDED");
  EXPECT_EQ(run.history_text(),
            "1<0 ExecutionStarted\n2<0 WaitStateEntered W\n3<2 WaitStateExited W\n"
            "4<3 PassStateEntered P\n5<4 PassStateExited P\n6<5 ExecutionSucceeded\n");
}

}  // namespace
}  // namespace baton::engine
