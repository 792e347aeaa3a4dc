#pragma once

// Value patterns: the conditions one value of an event is tested against, as SNS filter
// policies and EventBridge event patterns write them in a field's array ("rugby", 5, null,
// {"prefix": "ord-"}, {"numeric": [">", 0, "<=", 100]}, {"anything-but": ["a", "b"]} ...).
// Built once when a rule is compiled; matching reads no text of the rule again. Immutable and
// safe to share between threads.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/json.h"
#include "events/ip_address.h"
#include "events/wildcard.h"

namespace baton::events {

// An exact value: a string, number, true, false or null. Numbers compare by value (5 matches
// 5.0); a string that is an IP address literal matches any writing of the same address.
struct ExactPattern {
  json::Value value;
  std::optional<IpAddress> address;
};

// A string starting with `prefix`; with `ignore_case`, `prefix` is folded (fold_case) and so is
// the value before comparing (EventBridge's {"prefix": {"equals-ignore-case": ...}}).
struct PrefixPattern {
  std::string prefix;
  bool ignore_case = false;
};

// A string ending with `suffix`, as PrefixPattern.
struct SuffixPattern {
  std::string suffix;
  bool ignore_case = false;
};

// A string equal to `folded` once both are lower-cased.
struct EqualsIgnoreCasePattern {
  std::string folded;
};

// Any value other than these: all strings or all numbers.
struct AnythingButPattern {
  std::vector<json::Value> values;
};

// Any value that is not a string starting with one of `prefixes`.
struct AnythingButPrefixPattern {
  std::vector<std::string> prefixes;
};

// Any value that is not a string ending with one of `suffixes` (EventBridge only).
struct AnythingButSuffixPattern {
  std::vector<std::string> suffixes;
};

// Any value that is not a string equal, once folded, to one of `folded` (EventBridge only).
struct AnythingButEqualsIgnoreCasePattern {
  std::vector<std::string> folded;
};

// A string the wildcard matches (EventBridge only).
struct WildcardPattern {
  Wildcard wildcard;
};

// Any value that is not a string one of `wildcards` matches (EventBridge only).
struct AnythingButWildcardPattern {
  std::vector<Wildcard> wildcards;
};

// A number within the bounds; "=" is a range whose bounds are equal and closed.
struct NumericPattern {
  struct Bound {
    double value = 0;
    bool open = false;  // > or <, rather than >= or <=
  };
  std::optional<Bound> lower;
  std::optional<Bound> upper;
};

// A string that is an IP address within the block.
struct CidrPattern {
  IpRange range;
};

// Whether the field is present at all ({"exists": true}) or absent ({"exists": false}).
struct ExistsPattern {
  bool present = true;
};

using ValuePattern =
    std::variant<ExactPattern, PrefixPattern, SuffixPattern, EqualsIgnoreCasePattern,
                 AnythingButPattern, AnythingButPrefixPattern, NumericPattern, CidrPattern,
                 ExistsPattern, AnythingButSuffixPattern, AnythingButEqualsIgnoreCasePattern,
                 WildcardPattern, AnythingButWildcardPattern>;

// Whether a present value (a string, number, boolean or null) matches `pattern`. Exists{true}
// matches every value and Exists{false} none: absence is decided by the field, not the value.
bool matches(const ValuePattern& pattern, const json::Value& value);

// `text` lower-cased as equals-ignore-case compares it.
std::string fold_case(std::string_view text);

}  // namespace baton::events
