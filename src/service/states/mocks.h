#pragma once

// AWS Step Functions Local's mock configuration (MockConfigFile.json), so tests written for
// it run unchanged:
//   StateMachines -> <name> -> TestCases -> <case> -> <state name> -> <mocked response name>
//   MockedResponses -> <name> -> "0" | "1-2" ... -> {"Return": <result>} | {"Throw": {Error,
//   Cause}}
// The key is the state's invocation number within one execution (each retry is a new one).
// Immutable once parsed; safe to share.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace baton::service::states {

struct MockedOutcome {
  bool is_throw = false;
  json::Value result;                // Return
  std::string error;                 // Throw
  std::optional<std::string> cause;  // Throw
};

// One test case: state name -> the outcomes of its invocations, by number.
class MockTestCase {
 public:
  // The outcome of `state`'s invocation number `invocation` (0-based); nullopt when the state
  // is not mocked. An invocation beyond the mocked ones is an error.
  [[nodiscard]] Result<std::optional<MockedOutcome>> outcome(const std::string& state,
                                                             std::int64_t invocation) const;

 private:
  friend class MockConfig;
  struct Range {
    std::int64_t first = 0;
    std::int64_t last = 0;
    MockedOutcome outcome;
  };
  std::map<std::string, std::pair<std::string, std::vector<Range>>> states_;  // -> response
};

class MockConfig {
 public:
  // Parses and checks the whole file; errors name the field that is wrong.
  [[nodiscard]] static Result<MockConfig> parse(std::string_view text);

  // The state machine names the file mocks.
  std::vector<std::string> state_machines() const;
  [[nodiscard]] Result<MockTestCase> test_case(const std::string& state_machine,
                                               const std::string& test_case) const;

 private:
  json::Value source_;
};

}  // namespace baton::service::states
