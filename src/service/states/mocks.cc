#include "service/states/mocks.h"

#include <charconv>

namespace baton::service::states {

using json::Value;

namespace {

Unexpected<Error> invalid(std::string what) { return fail("InvalidMockConfig", std::move(what)); }

bool parse_index(std::string_view text, std::int64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0;
}

Result<MockedOutcome> parse_outcome(const Value& v, const std::string& where) {
  if (!v.is_object() || v.size() != 1) {
    return invalid(where + " must hold exactly one of Return or Throw");
  }
  MockedOutcome outcome;
  if (const Value* ret = v.find("Return")) {
    outcome.result = *ret;
    return outcome;
  }
  const Value* thrown = v.find("Throw");
  if (thrown == nullptr || !thrown->is_object()) {
    return invalid(where + " must hold exactly one of Return or Throw");
  }
  const Value* error = thrown->find("Error");
  const Value* cause = thrown->find("Cause");
  if (error == nullptr || !error->is_string())
    return invalid(where + ".Throw.Error must be a string");
  if (cause != nullptr && !cause->is_string())
    return invalid(where + ".Throw.Cause must be a string");
  outcome.is_throw = true;
  outcome.error = std::string(error->as_string());
  if (cause != nullptr) outcome.cause = std::string(cause->as_string());
  return outcome;
}

}  // namespace

Result<MockConfig> MockConfig::parse(std::string_view text) {
  auto source = json::parse(text);
  if (!source) return invalid("the mock file is not JSON: " + source.error().describe());
  if (!source->is_object()) return invalid("the mock file must be a JSON object");
  const Value* machines = source->find("StateMachines");
  const Value* responses = source->find("MockedResponses");
  if (machines == nullptr || !machines->is_object()) {
    return invalid("StateMachines must be an object of state machine names");
  }
  if (responses != nullptr && !responses->is_object()) {
    return invalid("MockedResponses must be an object of response names");
  }
  MockConfig config;
  config.source_ = *source;
  // Check every test case now, so a mistake shows before anything runs.
  for (const json::Member& m : machines->members()) {
    const Value* cases = m.value.find("TestCases");
    std::string where = "StateMachines." + std::string(m.name());
    if (cases == nullptr || !cases->is_object())
      return invalid(where + ".TestCases must be an object");
    for (const json::Member& c : cases->members()) {
      auto checked = config.test_case(std::string(m.name()), std::string(c.name()));
      if (!checked) return Unexpected<Error>(std::move(checked).error());
    }
  }
  return config;
}

std::vector<std::string> MockConfig::state_machines() const {
  std::vector<std::string> names;
  for (const json::Member& m : source_.find("StateMachines")->members()) {
    names.emplace_back(m.name());
  }
  return names;
}

Result<MockTestCase> MockConfig::test_case(const std::string& state_machine,
                                           const std::string& test_case) const {
  const Value* machine = source_.find("StateMachines")->find(state_machine);
  if (machine == nullptr) {
    return invalid("the mock file has no state machine named '" + state_machine + "'");
  }
  const Value* cases = machine->find("TestCases");
  const Value* states = cases != nullptr ? cases->find(test_case) : nullptr;
  if (states == nullptr || !states->is_object()) {
    return invalid("the mock file has no test case '" + test_case + "' for state machine '" +
                   state_machine + "'");
  }
  const Value* responses = source_.find("MockedResponses");
  MockTestCase result;
  for (const json::Member& s : states->members()) {
    std::string where =
        "StateMachines." + state_machine + ".TestCases." + test_case + "." + std::string(s.name());
    if (!s.value.is_string()) return invalid(where + " must name a mocked response");
    std::string response_name(s.value.as_string());
    const Value* response = responses != nullptr ? responses->find(response_name) : nullptr;
    if (response == nullptr || !response->is_object()) {
      return invalid(where + " names the mocked response '" + response_name +
                     "', which MockedResponses does not define");
    }
    std::vector<MockTestCase::Range> ranges;
    for (const json::Member& r : response->members()) {
      std::string key(r.name());
      std::string rwhere = "MockedResponses." + response_name + "." + key;
      MockTestCase::Range range;
      auto dash = key.find('-');
      bool ok = dash == std::string::npos
                    ? parse_index(key, range.first)
                    : parse_index(std::string_view(key).substr(0, dash), range.first) &&
                          parse_index(std::string_view(key).substr(dash + 1), range.last);
      if (dash == std::string::npos) range.last = range.first;
      if (!ok || range.last < range.first) {
        return invalid(rwhere + ": keys are invocation numbers \"N\" or ranges \"N-M\"");
      }
      auto outcome = parse_outcome(r.value, rwhere);
      if (!outcome) return Unexpected<Error>(std::move(outcome).error());
      range.outcome = std::move(*outcome);
      ranges.push_back(std::move(range));
    }
    result.states_[std::string(s.name())] = {response_name, std::move(ranges)};
  }
  return result;
}

Result<std::optional<MockedOutcome>> MockTestCase::outcome(const std::string& state,
                                                           std::int64_t invocation) const {
  auto it = states_.find(state);
  if (it == states_.end()) return std::optional<MockedOutcome>();
  for (const Range& r : it->second.second) {
    if (invocation >= r.first && invocation <= r.last) return std::optional(r.outcome);
  }
  return fail("InvalidMockConfig", "the mocked response '" + it->second.first + "' of state '" +
                                       state + "' has no entry for invocation " +
                                       std::to_string(invocation));
}

}  // namespace baton::service::states
