#pragma once

// The match expressions EventBridge's event patterns have beyond SNS filter policies: prefix
// and suffix with equals-ignore-case, wildcard, and anything-but over a set of prefixes,
// suffixes, wildcards or case-folded strings. rule_parse.cc reads them when parsing with
// RuleGrammar::EventPattern; their errors are kInvalidRule with the rule engine's reason.

#include "core/error.h"
#include "core/json.h"
#include "events/value_pattern.h"

namespace baton::events {

// {"prefix": {"equals-ignore-case": "EventB"}} and its suffix twin: `expression` is the whole
// match expression, whose first member names prefix or suffix and holds an object.
[[nodiscard]] Result<ValuePattern> ignore_case_affix(const json::Value& expression);

// {"wildcard": "*.png"}.
[[nodiscard]] Result<ValuePattern> wildcard(const json::Value& expression);

// {"anything-but": {"prefix" | "suffix" | "wildcard" | "equals-ignore-case": text or [texts]}}.
[[nodiscard]] Result<ValuePattern> anything_but_set(const json::Value& expression);

// The rule engine's range for a number it compares (numeric, anything-but): the reason a
// number outside it is refused, or "" when it fits.
std::string numeric_range_fault(double value);

}  // namespace baton::events
