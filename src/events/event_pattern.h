#pragma once

// EventBridge event patterns, as AWS documents and evaluates them: compiled once when a rule's
// EventPattern is set (PutRule, TestEventPattern), then asked of each event put on its bus. A
// pattern reads the whole event envelope ("source", "detail-type", "detail.state" ...), with
// every match type AWS's rule engine has: exact values, prefix, suffix, anything-but (and its
// prefix, suffix and wildcard forms), numeric, exists, cidr, equals-ignore-case, wildcard and
// $or, nested objects and arrays matched element by element. The matching is the rule core SNS
// filter policies share (events/rule.h).
//
// A PatternIndex holds the compiled patterns of many rules and finds those an event matches
// without testing every rule: it first narrows by the exact values of the fields patterns
// require, then tests the candidates.
//
// Pure: no I/O, no clock. An EventPattern is immutable and safe to share between threads.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "events/rule.h"

namespace baton::events {

// The error name AWS gives an invalid pattern.
inline constexpr std::string_view kInvalidEventPattern = "InvalidEventPatternException";

// AWS's limit on an EventPattern's text.
inline constexpr std::size_t kMaxEventPatternBytes = 4096;

// The most alternatives a pattern's $or operators may multiply out to. AWS documents no such
// bound (its rule engine multiplies them out as well); this one keeps a 4 KB pattern from
// costing exponential time and memory.
inline constexpr std::size_t kMaxEventPatternBranches = 10000;

// The error name of a TestEventPattern event that is not an event.
inline constexpr std::string_view kValidationException = "ValidationException";

// TestEventPattern's Event parameter: a JSON object with the envelope fields AWS requires (id,
// account, source, time, region, detail-type; "resources", which AWS's documentation lists
// too, is not required in practice). Errors: ValidationException "Parameter Event is not
// valid."
[[nodiscard]] Result<json::Value> parse_test_event(std::string_view text);

class EventPattern {
 public:
  // Validates `pattern` (a JSON object) against AWS's grammar and compiles it. Errors:
  // InvalidEventPatternException, worded as AWS words them: "Event pattern is not valid.
  // Reason: <reason>" (e.g. "Event pattern is not valid. Reason: Empty arrays are not
  // allowed"); ValidationException past kMaxEventPatternBytes; InternalFailure for an
  // anything-but over an empty set ({"anything-but": {"prefix": []}}), which AWS's rule engine
  // accepts and AWS then fails on.
  [[nodiscard]] static Result<EventPattern> compile(const json::Value& pattern);

  // As compile, from the EventPattern parameter's text (which must be JSON; AWS's reason for
  // text that is not names where the parser stopped).
  [[nodiscard]] static Result<EventPattern> parse(std::string_view text);

  // Whether `event` (the whole envelope: version, id, detail-type, source, account, time,
  // region, resources, detail) matches. Anything but an object matches nothing.
  bool matches(const json::Value& event) const;
  // As matches, for an event already flattened (FlatEvent::of_whole_object, or of_object with
  // at least rule().read_paths()).
  bool matches(const FlatEvent& event) const { return rule_.matches(event); }

  const Rule& rule() const { return rule_; }

 private:
  explicit EventPattern(Rule rule) : rule_(std::move(rule)) {}

  Rule rule_;
};

// Many rules' patterns, each under an id the caller chooses (a rule's ARN). A pattern that
// requires exact string values of "source" (or else "detail-type") in every $or alternative is
// filed under those values and tested only against events carrying one of them; the rest are
// tested against every event. The event is flattened once for all the patterns it is tested
// against. put and erase need the one owner; matching may run on many threads at once between
// changes.
class PatternIndex {
 public:
  PatternIndex();
  ~PatternIndex();
  PatternIndex(PatternIndex&&) noexcept;
  PatternIndex& operator=(PatternIndex&&) noexcept;

  // Adds or replaces the pattern kept under `id`.
  void put(const std::string& id, EventPattern pattern);
  void erase(const std::string& id);
  std::size_t size() const;

  // Calls `found` once with the id of every pattern `event` matches, in no set order.
  void matching(const json::Value& event,
                const std::function<void(const std::string& id)>& found) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::events
