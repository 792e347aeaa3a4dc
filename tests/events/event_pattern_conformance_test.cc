// The event pattern cases recorded on AWS (../shared/conformance/events/event_patterns.json,
// when it sits beside the checkout), each decided as AWS decided it through TestEventPattern.

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "events/event_pattern.h"

namespace baton::events {
namespace {

// How one case came out: "" when as recorded, else what differed.
std::string decide(const json::Value& c) {
  // A pattern is given as JSON, or as the EventPattern parameter's text (pattern_raw, or a
  // string).
  const json::Value* text = c.find("pattern_raw");
  const json::Value* value = c.find("pattern");
  if (text == nullptr && value->is_string()) text = value;
  Result<EventPattern> pattern =
      text != nullptr ? EventPattern::parse(text->as_string()) : EventPattern::compile(*value);
  const json::Value& expect = *c.find("expect");
  if (expect.is_string() && expect.as_string() == kInvalidEventPattern) {
    if (pattern) return "the pattern compiled";
    if (pattern.error().name != kInvalidEventPattern) return "error " + pattern.error().name;
    const json::Value* message = c.find("aws_message");
    if (message != nullptr && pattern.error().cause != message->as_string()) {
      return "message \"" + pattern.error().cause + "\"";
    }
    return "";
  }
  if (!pattern) return "refused: " + pattern.error().cause;
  // An event given as text is TestEventPattern's Event parameter as sent. One that is not
  // JSON, or lacks a required envelope field, AWS refuses with ValidationException; the
  // service refuses it when parse_test_event does, which the case then expects.
  json::Value event;
  const json::Value* event_text = c.find("event_raw");
  if (event_text == nullptr && c.find("event")->is_string()) event_text = c.find("event");
  if (event_text != nullptr) {
    Result<json::Value> parsed = parse_test_event(event_text->as_string());
    if (expect.is_string() && expect.as_string() == kValidationException) {
      return parsed ? "the event was accepted" : "";
    }
    if (!parsed) return "event refused: " + parsed.error().cause;
    event = *parsed;
  } else {
    event = *c.find("event");
  }
  if (!expect.is_bool()) return "unknown expectation " + json::to_string(expect);
  bool matched = pattern->matches(event);
  return matched == expect.as_bool() ? "" : (matched ? "matched" : "did not match");
}

TEST(EventPatternConformanceTest, EveryRecordedCaseIsDecidedAsAwsDecidedIt) {
  std::ifstream file(BATON_SOURCE_DIR "/../shared/conformance/events/event_patterns.json");
  if (!file) GTEST_SKIP() << "event_patterns.json is not beside the checkout";
  std::stringstream text;
  text << file.rdbuf();
  auto cases = json::parse(text.str());
  ASSERT_TRUE(cases && cases->is_array());

  int passed = 0;
  for (const json::Value& c : cases->as_array()) {
    std::string outcome = decide(c);
    EXPECT_EQ(outcome, "") << c.find("name")->as_string();
    passed += outcome.empty();
  }
  EXPECT_EQ(passed, static_cast<int>(cases->size()));
  std::cout << "[ conformance ] " << passed << " of " << cases->size()
            << " recorded event pattern cases as AWS decided them\n";
}

}  // namespace
}  // namespace baton::events
