// Determinism and durability: the same events give the same state and history, and the state
// survives a trip through JSON at every step.

#include <gtest/gtest.h>

#include "engine/history_json.h"
#include "engine/state_codec.h"
#include "support/engine_run.h"

namespace baton::engine {
namespace {

using testing::EngineRun;

const char* kBusyDefinition = R"j({"StartAt":"Setup","States":{
  "Setup":{"Type":"Pass","Parameters":{"id.$":"States.UUID()","r.$":"States.MathRandom(1, 1000)"},
           "Assign":{"runId.$":"$.id"},"ResultPath":"$.meta","Next":"Fan"},
  "Fan":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ResultPath":"$.results","Next":"Both",
    "ItemProcessor":{"StartAt":"Work","States":{"Work":{"Type":"Task",
      "Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},
      "Retry":[{"ErrorEquals":["Flaky"],"JitterStrategy":"FULL","IntervalSeconds":3}],"End":true}}}},
  "Both":{"Type":"Parallel","ResultPath":"$.both","Next":"Done","Branches":[
    {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}},
    {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:a",
      "HeartbeatSeconds":60,"End":true}}}]},
  "Done":{"Type":"Succeed"}}})j";

// Drives the busy workflow to its end, answering tasks in a fixed order.
void drive(EngineRun& run) {
  int answered = 0;
  while (run.status() == "RUNNING") {
    if (!run.open_tasks().empty()) {
      std::string token = run.open_tasks()[0].token;
      bool retriable = run.open_tasks()[0].resource.kind == asl::ResourceKind::Integration;
      if (retriable && answered++ % 3 == 1) {
        run.fail_task(token, "Flaky", "try again");
      } else {
        run.succeed(token, R"({"done":true})");
      }
    } else if (!run.fire_next_timer()) {
      break;
    }
  }
}

TEST(ReplayTest, SameEventsGiveTheSameStateAndHistory) {
  EngineRun original(kBusyDefinition, R"({"items":[1,2,3]})", 42);
  drive(original);
  ASSERT_EQ(original.status(), "SUCCEEDED");

  // Replay the recorded events into a fresh state.
  ExecutionState state;
  History history;
  for (const Event& event : original.events()) {
    auto next = step(original.definition(), std::move(state), event);
    ASSERT_TRUE(next.has_value());
    state = std::move(next->state);
    for (HistoryEvent& e : next->history) history.push_back(std::move(e));
  }
  EXPECT_EQ(json::to_string(encode_state(state)), json::to_string(encode_state(original.state())));
  EXPECT_EQ(json::to_string(history_json(history)),
            json::to_string(history_json(original.history())));
}

TEST(ReplayTest, DifferentSeedsGiveDifferentRandomValues) {
  EngineRun a(kBusyDefinition, R"({"items":[]})", 1);
  EngineRun b(kBusyDefinition, R"({"items":[]})", 2);
  EXPECT_NE(json::to_string(*a.state().frames[0].input.find("meta")),
            json::to_string(*b.state().frames[0].input.find("meta")));
}

TEST(StateCodecTest, RoundTripsAtEveryStepAndStepsOnIdentically) {
  EngineRun original(kBusyDefinition, R"({"items":[1,2,3]})", 42);
  drive(original);
  ExecutionState state;
  History history;
  for (const Event& event : original.events()) {
    // Through JSON text and back before every step, as a store would keep it.
    json::Value encoded = encode_state(state);
    auto reparsed = json::parse(json::to_string(encoded));
    ASSERT_TRUE(reparsed);
    auto decoded = decode_state(*reparsed);
    ASSERT_TRUE(decoded) << decoded.error().cause;
    EXPECT_EQ(json::to_string(encode_state(*decoded)), json::to_string(encoded));
    auto next = step(original.definition(), std::move(*decoded), event);
    ASSERT_TRUE(next.has_value());
    state = std::move(next->state);
    for (HistoryEvent& e : next->history) history.push_back(std::move(e));
  }
  EXPECT_EQ(json::to_string(history_json(history)),
            json::to_string(history_json(original.history())));
  EXPECT_EQ(state.status, ExecutionStatus::SUCCEEDED);
}

TEST(StateCodecTest, ReportsWhatIsWrong) {
  auto bad = decode_state(*json::parse(R"({"version":1,"status":"RUNNING"})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().name, "InvalidExecutionState");
  EXPECT_NE(bad.error().cause.find("state.identity"), std::string::npos) << bad.error().cause;
}

TEST(HistoryJsonTest, EventsAreRenderedAsTheApiReturnsThem) {
  EngineRun run(R"({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},
      "TimeoutSeconds":5,"End":true}}})",
                R"({"a":1})");
  json::Value events = history_json(run.history());
  EXPECT_EQ(
      json::to_string(events[0]),
      R"({"timestamp":1704067200,"type":"ExecutionStarted","id":1,"previousEventId":0,)"
      R"("executionStartedEventDetails":{"input":"{\"a\":1}","inputDetails":{"truncated":false},)"
      R"("roleArn":"arn:aws:iam::123456789012:role/r"}})");
  EXPECT_EQ(json::to_string(*events[2].find("taskScheduledEventDetails")),
            R"({"resourceType":"lambda","resource":"invoke","region":"us-east-1",)"
            R"("parameters":"{\"FunctionName\":\"f\"}","timeoutInSeconds":5})");
  HistoryOptions no_data;
  no_data.include_execution_data = false;
  EXPECT_EQ(json::to_string(
                *history_event_json(run.history()[1], no_data).find("stateEnteredEventDetails")),
            R"({"name":"T"})");
}

}  // namespace
}  // namespace baton::engine
