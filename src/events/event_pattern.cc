#include "events/event_pattern.h"

#include <algorithm>
#include <map>
#include <utility>
#include <variant>

#include "events/flat_event.h"
#include "events/json_reason.h"
#include "events/rule_parse.h"
#include "events/wildcard.h"

namespace baton::events {

namespace {

Unexpected<Error> invalid_pattern(std::string_view reason) {
  return fail(std::string(kInvalidEventPattern),
              "Event pattern is not valid. Reason: " + std::string(reason));
}

// The branches `node` multiplies out to, counted up to `cap` + 1.
std::size_t branch_count(const RuleNode& node, std::size_t cap) {
  std::size_t total = 1;
  for (const auto& item : node.items) {
    const auto* any_of = std::get_if<RuleNode::AnyOf>(&item);
    if (any_of == nullptr) continue;
    std::size_t sum = 0;
    for (const RuleNode& alternative : any_of->alternatives) {
      sum = std::min(sum + branch_count(alternative, cap), cap + 1);
    }
    total = std::min(total * sum, cap + 1);
  }
  return total;
}

// AWS's rule engine keeps one byte machine per field for the rules that reach it through the
// same earlier fields (in name order), and bounds how many wildcard prefixes each may keep in
// play. Branches are grouped here by the field's path and the paths before it, which can only
// put more wildcards together than the engine does, never fewer.
Result<void> check_wildcard_complexity(std::span<const Branch> branches) {
  std::map<std::string, std::vector<const Wildcard*>> machines;
  for (const Branch& branch : branches) {
    std::vector<const FieldPattern*> fields;
    for (const FieldPattern& field : branch.fields) fields.push_back(&field);
    std::sort(fields.begin(), fields.end(),
              [](const FieldPattern* a, const FieldPattern* b) { return a->path < b->path; });
    std::string reached;
    for (const FieldPattern* field : fields) {
      reached.append(field->path).push_back('\n');
      for (const ValuePattern& pattern : field->patterns) {
        if (const auto* w = std::get_if<WildcardPattern>(&pattern)) {
          machines[reached].push_back(&w->wildcard);
        }
      }
    }
  }
  for (const auto& [reached, wildcards] : machines) {
    if (wildcard_complexity(wildcards, kMaxWildcardComplexity) > kMaxWildcardComplexity) {
      return invalid_pattern(
          "Rule is too complex - try using fewer wildcard characters or fewer repeating "
          "character sequences after a wildcard character");
    }
  }
  return {};
}

// The rule engine reads the first token before anything else: a pattern that does not start
// an object is refused as such, whatever follows, unless that first token is not JSON at all.
Result<void> check_first_token(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return invalid_pattern("Filter is not an object");
  char c = text[first];
  if (c == '{') return {};
  if (c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9')) {
    return invalid_pattern("Filter is not an object");
  }
  std::size_t end = text.find_first_of(" \t\r\n{}[],:\"", first);
  JsonScan scan = scan_json(text.substr(first, end == std::string_view::npos ? end : end - first));
  if (!scan.fault.empty()) return invalid_pattern(scan.fault);
  return invalid_pattern("Filter is not an object");
}

}  // namespace

Result<EventPattern> EventPattern::parse(std::string_view text) {
  if (text.size() > kMaxEventPatternBytes) {
    return fail(std::string(kValidationException),
                "1 validation error detected: Value at 'eventPattern' failed to satisfy "
                "constraint: Member must have length less than or equal to 4096");
  }
  if (Result<void> object = check_first_token(text); !object) return Unexpected(object.error());
  Expected<json::Value, json::ParseError> pattern = json::parse(text);
  if (!pattern) {
    // Jackson stops reading after the first value: text after it is never looked at.
    JsonScan scan = scan_json(text);
    if (!scan.fault.empty()) return invalid_pattern(scan.fault);
    pattern = json::parse(text.substr(0, scan.end));
    if (!pattern) return invalid_pattern(pattern.error().message);
  }
  return compile(*pattern);
}

Result<EventPattern> EventPattern::compile(const json::Value& pattern) {
  if (json::serialized_size(pattern) > kMaxEventPatternBytes) {
    return fail(std::string(kValidationException),
                "1 validation error detected: Value at 'eventPattern' failed to satisfy "
                "constraint: Member must have length less than or equal to 4096");
  }
  Result<RuleNode> node = parse_rule(pattern, RuleGrammar::EventPattern);
  if (!node) {
    if (node.error().name != kInvalidRule) return Unexpected(node.error());
    return invalid_pattern(node.error().cause);
  }
  if (branch_count(*node, kMaxEventPatternBranches) > kMaxEventPatternBranches) {
    return invalid_pattern("Rule is too complex - more than " +
                           std::to_string(kMaxEventPatternBranches) +
                           " combinations of $or alternatives");
  }
  Rule rule(expand(*node));
  if (Result<void> simple = check_wildcard_complexity(rule.branches()); !simple) {
    return Unexpected(simple.error());
  }
  return EventPattern(std::move(rule));
}

bool EventPattern::matches(const json::Value& event) const {
  if (!event.is_object()) return false;
  return rule_.matches(FlatEvent::of_object(event, rule_.read_paths()));
}

Result<json::Value> parse_test_event(std::string_view text) {
  auto refuse = [] {
    return fail(std::string(kValidationException), "Parameter Event is not valid.");
  };
  Expected<json::Value, json::ParseError> event = json::parse(text);
  if (!event || !event->is_object()) return refuse();
  for (std::string_view field : {"id", "account", "source", "time", "region", "detail-type"}) {
    if (event->find(field) == nullptr) return refuse();
  }
  return std::move(*event);
}

}  // namespace baton::events
