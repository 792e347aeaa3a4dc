#include "events/event_pattern_grammar.h"

#include <string>
#include <utility>
#include <vector>

#include "events/rule_parse.h"

namespace baton::events {

namespace {

Unexpected<Error> invalid(std::string reason) {
  return fail(std::string(kInvalidRule), std::move(reason));
}

constexpr std::string_view kOnlyOneKey = "Only one key allowed in match expression";
constexpr std::string_view kTooMany = "Too many elements in numeric expression";

enum class SetKind { Prefix, Suffix, Wildcard, EqualsIgnoreCase };

// The reason an item of an anything-but set is refused for not being a string.
std::string_view not_text_reason(SetKind kind) {
  switch (kind) {
    case SetKind::EqualsIgnoreCase:
      return "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not "
             "supported.";
    case SetKind::Wildcard:
      return "wildcard match pattern must be a string";
    case SetKind::Prefix:
    case SetKind::Suffix:
      return "prefix/suffix match pattern must be a string";
  }
  return "";
}

Result<ValuePattern> build_set(SetKind kind, std::vector<std::string> texts) {
  switch (kind) {
    case SetKind::Prefix:
      return ValuePattern(AnythingButPrefixPattern{std::move(texts)});
    case SetKind::Suffix:
      return ValuePattern(AnythingButSuffixPattern{std::move(texts)});
    case SetKind::EqualsIgnoreCase: {
      for (std::string& text : texts) text = fold_case(text);
      return ValuePattern(AnythingButEqualsIgnoreCasePattern{std::move(texts)});
    }
    case SetKind::Wildcard: {
      AnythingButWildcardPattern pattern;
      for (const std::string& text : texts) {
        Expected<Wildcard, std::string> parsed = Wildcard::parse(text);
        if (!parsed) return invalid(parsed.error());
        pattern.wildcards.push_back(std::move(*parsed));
      }
      return ValuePattern(std::move(pattern));
    }
  }
  return invalid("Unsupported anything-but pattern");
}

}  // namespace

Result<ValuePattern> ignore_case_affix(const json::Value& expression) {
  const json::Member& affix = expression.members()[0];
  bool prefix = affix.name() == "prefix";
  const json::Value& operand = affix.value;
  if (operand.size() == 0) {
    return invalid(prefix ? "Prefix expression name not found"
                          : "Suffix expression name not found");
  }
  const json::Member& inner = operand.members()[0];
  if (inner.name() != "equals-ignore-case") {
    return invalid(
        std::string(prefix ? "Unsupported prefix pattern: " : "Unsupported suffix pattern: ") +
        std::string(inner.name()));
  }
  if (!inner.value.is_string()) return invalid("equals-ignore-case match pattern must be a string");
  if (operand.size() > 1 || expression.size() > 1) return invalid(std::string(kOnlyOneKey));
  std::string folded = fold_case(inner.value.as_string());
  if (prefix) return ValuePattern(PrefixPattern{std::move(folded), true});
  return ValuePattern(SuffixPattern{std::move(folded), true});
}

Result<ValuePattern> wildcard(const json::Value& expression) {
  const json::Value& operand = expression.members()[0].value;
  if (!operand.is_string()) return invalid("wildcard match pattern must be a string");
  Expected<Wildcard, std::string> parsed = Wildcard::parse(operand.as_string());
  if (!parsed) return invalid(parsed.error());
  if (expression.size() > 1) return invalid(std::string(kOnlyOneKey));
  return ValuePattern(WildcardPattern{std::move(*parsed)});
}

Result<ValuePattern> anything_but_set(const json::Value& expression) {
  const json::Value& operand = expression.members()[0].value;
  if (operand.size() == 0) return invalid("Anything-But expression name not found");
  const json::Member& inner = operand.members()[0];
  SetKind kind = SetKind::Prefix;
  if (inner.name() == "prefix") {
    kind = SetKind::Prefix;
  } else if (inner.name() == "suffix") {
    kind = SetKind::Suffix;
  } else if (inner.name() == "wildcard") {
    kind = SetKind::Wildcard;
  } else if (inner.name() == "equals-ignore-case") {
    kind = SetKind::EqualsIgnoreCase;
  } else {
    return invalid("Unsupported anything-but pattern: " + std::string(inner.name()));
  }
  const json::Value& values = inner.value;
  if (!values.is_array() && !values.is_string() && !values.is_number()) {
    return invalid("Value of anything-but must be an array or single string/number value.");
  }
  std::span<const json::Value> items =
      values.is_array() ? values.as_array() : std::span<const json::Value>(&values, 1);
  std::vector<std::string> texts;
  for (const json::Value& item : items) {
    if (!item.is_string()) return invalid(std::string(not_text_reason(kind)));
    if ((kind == SetKind::Prefix || kind == SetKind::Suffix) && item.as_string().empty()) {
      return invalid("Null prefix/suffix not allowed");
    }
    texts.emplace_back(item.as_string());
  }
  if (texts.empty()) {
    // The rule engine takes an empty set and AWS then fails the request as its own fault.
    return fail("InternalFailure", "");
  }
  Result<ValuePattern> pattern = build_set(kind, std::move(texts));
  if (pattern && (operand.size() > 1 || expression.size() > 1)) {
    return invalid(std::string(kTooMany));
  }
  return pattern;
}

std::string numeric_range_fault(double value) {
  constexpr double kFiveBillion = 5.0e9;
  if (value >= -kFiveBillion && value <= kFiveBillion) return "";
  return "Value must be between -5.0E9 and 5.0E9, inclusive";
}

}  // namespace baton::events
