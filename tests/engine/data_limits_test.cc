// AWS's payload quotas (engine/data_limits.h), wherever a state makes a value: Issue 9.

#include <gtest/gtest.h>

#include "support/engine_run.h"

namespace baton::engine {
namespace {

using testing::EngineRun;

// A Pass state that doubles its input, in a loop the Choice ends only at a size no execution
// may reach.
constexpr const char* kDoublingLoop = R"({"StartAt":"Double","States":{
  "Double":{"Type":"Pass","Parameters":{"a.$":"$","b.$":"$"},"Next":"Again"},
  "Again":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],
           "Default":"Double"},
  "Done":{"Type":"Succeed"}}})";

TEST(Issue9, APassLoopThatDoublesItsPayloadFailsAtTheQuota) {
  EngineRun run(kDoublingLoop, R"({"x":"0123456789"})");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.DataLimitExceeded");
  EXPECT_EQ(*run.state().cause,
            "The state/task 'Double' has an input with a size exceeding the maximum number of "
            "bytes service limit.");
  // It stops at the first doubling past 256 KiB: 15 rounds from 16 bytes.
  EXPECT_LT(run.state().next_event_id, 80);
}

TEST(Issue9, WrappingAValueInALoopFailsAtTheDepthLimitNotTheStack) {
  EngineRun run(R"js({"StartAt":"Wrap","States":{
      "Wrap":{"Type":"Pass","Parameters":{"v.$":"States.Array($)"},"Next":"Again"},
      "Again":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],
               "Default":"Wrap"},
      "Done":{"Type":"Succeed"}}})js",
                "{}", 1, /*max_history_events=*/0);
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.DataLimitExceeded");
  EXPECT_NE(run.state().cause->find("nested deeper than 1000 levels"), std::string::npos)
      << *run.state().cause;
}

TEST(Issue9, AResultSelectorOrOutputPastTheQuotaFailsTheState) {
  std::string big(200000, 'x');
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Pass",
      "Result":{"a":")" +
                    big + R"("},"ResultPath":"$.copy","End":true}}})",
                R"({"b":")" + big + R"("})");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.DataLimitExceeded");
  EXPECT_EQ(*run.state().cause,
            "The state/task 'P' has an output with a size exceeding the maximum number of "
            "bytes service limit.");
  // The state never exited with the oversized output.
  EXPECT_EQ(run.history_text().find("PassStateExited"), std::string::npos);
}

TEST(Issue9, DataLimitExceededIsCaughtOnlyByName) {
  std::string big(150000, 'y');
  auto definition = [&](const std::string& error_equals) {
    return R"({"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
        "Parameters":{"a.$":"$.s","b.$":"$.s"},
        "Catch":[{"ErrorEquals":[)" +
           error_equals + R"(],"ResultPath":"$.error","Next":"Caught"}],"End":true},
        "Caught":{"Type":"Pass","Parameters":{"caught.$":"$.error.Error"},"End":true}}})";
  };
  std::string input = R"({"s":")" + big + R"("})";
  EngineRun by_all(definition(R"("States.ALL")"), input);
  EXPECT_EQ(by_all.status(), "FAILED");
  EXPECT_EQ(*by_all.state().error, "States.DataLimitExceeded");
  // The Task never sent its oversized payload.
  EXPECT_TRUE(by_all.all_tasks().empty());
  EngineRun by_name(definition(R"("States.DataLimitExceeded")"), input);
  EXPECT_EQ(by_name.status(), "SUCCEEDED");
  EXPECT_EQ(by_name.output(), R"({"caught":"States.DataLimitExceeded"})");
}

TEST(Issue9, ACatchWhoseOwnOutputIsTooLargeEndsTheFrameInsteadOfLooping) {
  // 262,100 bytes of input: its two halves together are too large a payload, and the input
  // with the error merged in is too large an output for the Catch.
  std::string input =
      R"({"s":")" + std::string(131100, 's') + R"(","pad":")" + std::string(130983, 'p') + R"("})";
  ASSERT_EQ(input.size(), 262100u);
  EngineRun run(R"({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::lambda:invoke","Parameters":{"a.$":"$.s","b.$":"$.s"},
      "Catch":[{"ErrorEquals":["States.DataLimitExceeded"],"ResultPath":"$.error","Next":"T"}],
      "End":true}}})",
                input);
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.DataLimitExceeded");
  EXPECT_NE(run.state().cause->find("has an output"), std::string::npos) << *run.state().cause;
  EXPECT_TRUE(run.all_tasks().empty());
}

TEST(Issue9, MapResultsThatTogetherPassTheQuotaFailTheMapEarly) {
  // Each iteration's input (and so its output) carries 30 KB.
  EngineRun grows(R"({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,
      "ItemSelector":{"i.$":"$$.Map.Item.Value","pad.$":"$.pad"},
      "ItemsPath":"$.items",
      "ItemProcessor":{"StartAt":"Echo","States":{"Echo":{"Type":"Pass","End":true}}},
      "End":true}}})",
                  R"({"items":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],"pad":")" +
                      std::string(30000, 'p') + R"("})");
  EXPECT_EQ(grows.status(), "FAILED");
  EXPECT_EQ(*grows.state().error, "States.DataLimitExceeded");
  // Nine results pass 256 KiB: the ninth ends the Map, and the others never start.
  std::string history = grows.history_text();
  std::size_t started = 0;
  for (std::size_t at = 0; (at = history.find("MapIterationStarted", at)) != std::string::npos;
       ++at) {
    ++started;
  }
  EXPECT_EQ(started, 9u) << history;
}

TEST(Issue9, AVariablePastItsQuotaFailsTheAssigningState) {
  std::string big(300000, 'v');
  EngineRun run(R"({"StartAt":"P","States":{"P":{"Type":"Pass",
      "Assign":{"big.$":"$.s"},"End":true}}})",
                R"({"s":")" + big + R"("})");
  EXPECT_EQ(run.status(), "FAILED");
  EXPECT_EQ(*run.state().error, "States.DataLimitExceeded");
  EXPECT_EQ(*run.state().cause,
            "The value assigned to the variable 'big' exceeds the maximum size of 262144 bytes.");
  std::string half(140000, 'h');
  EngineRun together(R"({"StartAt":"P","States":{"P":{"Type":"Pass",
      "Assign":{"a.$":"$.s","b.$":"$.s"},"End":true}}})",
                     R"({"s":")" + half + R"("})");
  EXPECT_EQ(*together.state().error, "States.DataLimitExceeded");
  EXPECT_NE(together.state().cause->find("together exceed"), std::string::npos);
}

}  // namespace
}  // namespace baton::engine
