#pragma once

// Reading a rule written as JSON, in the grammar AWS's rule engine gives SNS filter policies:
// an object whose keys name fields (objects nest to reach deeper ones), whose arrays list the
// value patterns a field may match, and whose "$or" arrays list alternatives. Pure: no I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "events/rule.h"
#include "events/value_pattern.h"

namespace baton::events {

// The name of parse_rule's errors; each service words its own error around the cause.
inline constexpr std::string_view kInvalidRule = "InvalidRule";

// A rule as written, before its $or alternatives are multiplied out: what limits on a rule's
// size are counted on.
struct RuleNode {
  struct Field {
    std::string path;         // "detail.state"
    std::uint32_t depth = 1;  // how many objects deep its key sits: 1 at the top
    std::vector<ValuePattern> patterns;
  };
  struct AnyOf {
    std::vector<RuleNode> alternatives;  // two or more
  };

  std::vector<std::variant<Field, AnyOf>> items;  // in document order, nested objects folded in
};

// Which service's rule engine reads the rule: SNS filter policies keep the older grammar;
// EventBridge's event patterns add wildcard, prefix and suffix with equals-ignore-case, and
// anything-but over sets of prefixes, suffixes, wildcards or case-folded strings.
enum class RuleGrammar { SnsFilterPolicy, EventPattern };

// Reads `rule`, a JSON object, in `grammar`. The error (name kInvalidRule) carries the reason in
// AWS's words, for the first fault in document order: "Empty arrays are not allowed", "\"key\" must
// be an object or an array", "Unrecognized match type wildcard", "Bottom must be less than top" ...
// An empty object at the top is left to the caller (SNS reads `{}` as no filter at all).
[[nodiscard]] Result<RuleNode> parse_rule(const json::Value& rule,
                                          RuleGrammar grammar = RuleGrammar::SnsFilterPolicy);

// The branches of `node`: each $or multiplies the branches built so far by its alternatives.
// A path given twice in one branch keeps the later patterns, as AWS's rule engine does. The
// count of branches is the product of the $or sizes: callers bound it first.
std::vector<Branch> expand(const RuleNode& node);

}  // namespace baton::events
