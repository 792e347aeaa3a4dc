#include "events/filter_policy.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "events/flat_event.h"
#include "events/rule_parse.h"

namespace baton::events {

namespace {

// Counts stop growing here, well past every limit and far from overflow.
constexpr std::uint64_t kCountCap = std::uint64_t{1} << 31;

Unexpected<Error> invalid_policy(std::string_view reason) {
  return fail(std::string(kInvalidParameter),
              "Invalid parameter: FilterPolicy: " + std::string(reason));
}

bool nested(const RuleNode& node) {
  return std::any_of(node.items.begin(), node.items.end(), [](const auto& item) {
    if (const auto* field = std::get_if<RuleNode::Field>(&item)) return field->depth > 1;
    const auto& alternatives = std::get<RuleNode::AnyOf>(item).alternatives;
    return std::any_of(alternatives.begin(), alternatives.end(), nested);
  });
}

void collect_keys(const RuleNode& node, std::set<std::string>& keys) {
  for (const auto& item : node.items) {
    if (const auto* field = std::get_if<RuleNode::Field>(&item)) {
      keys.insert(field->path);
    } else {
      for (const RuleNode& alternative : std::get<RuleNode::AnyOf>(item).alternatives) {
        collect_keys(alternative, keys);
      }
    }
  }
}

// AWS's measure of a policy: the product, over its keys, of the number of values each lists
// times how deep the key is nested; an $or adds up its alternatives.
std::uint64_t combinations(const RuleNode& node) {
  std::uint64_t total = 1;
  for (const auto& item : node.items) {
    std::uint64_t factor = 0;
    if (const auto* field = std::get_if<RuleNode::Field>(&item)) {
      factor =
          std::min<std::uint64_t>(field->patterns.size() * std::uint64_t{field->depth}, kCountCap);
    } else {
      for (const RuleNode& alternative : std::get<RuleNode::AnyOf>(item).alternatives) {
        factor = std::min(factor + combinations(alternative), kCountCap);
      }
    }
    total = std::min(total * factor, kCountCap);
  }
  return total;
}

// An attribute's value as the policy reads it, or nullopt when it has none to read.
std::optional<json::Value> attribute_value(const json::Value& attribute) {
  if (!attribute.is_object()) return std::nullopt;
  const json::Value* type = attribute.find("DataType");
  const json::Value* text = attribute.find("StringValue");
  if (type == nullptr || !type->is_string() || text == nullptr || !text->is_string()) {
    return std::nullopt;  // Binary attributes, which policies never read, have no StringValue
  }
  std::string_view data_type = type->as_string();
  std::string_view base = data_type.substr(0, data_type.find('.'));
  if (data_type == "String.Array" || base == "Number") {
    // Publish has already refused a String.Array that is not a JSON array and a Number that
    // is not a number; should one get here, it is read as the string it is.
    Expected<json::Value, json::ParseError> parsed = json::parse(text->as_string());
    bool fits = parsed && (base == "Number" ? parsed->is_number() : parsed->is_array());
    if (fits) return std::move(*parsed);
  } else if (base != "String") {
    return std::nullopt;
  }
  return *text;
}

FlatEvent attributes_event(const json::Value& attributes, const Rule& rule) {
  FlatEvent event;
  if (!attributes.is_object()) return event;
  for (const json::Member& member : attributes.members()) {
    std::optional<json::Value> value = attribute_value(member.value);
    if (value) event.add(std::string(member.name()), *value, rule.read_paths());
  }
  return event;
}

}  // namespace

std::string_view to_string(FilterPolicyScope scope) {
  switch (scope) {
    case FilterPolicyScope::MessageAttributes:
      return "MessageAttributes";
    case FilterPolicyScope::MessageBody:
      return "MessageBody";
  }
  return "MessageAttributes";
}

Result<FilterPolicyScope> parse_filter_policy_scope(std::string_view text) {
  if (text == "MessageAttributes") return FilterPolicyScope::MessageAttributes;
  if (text == "MessageBody") return FilterPolicyScope::MessageBody;
  return fail(std::string(kInvalidParameter),
              "Invalid parameter: FilterPolicyScope: Invalid value [" + std::string(text) +
                  "]. Please use either MessageBody or MessageAttributes");
}

std::optional<json::Value> parse_message_body(std::string_view body) {
  Expected<json::Value, json::ParseError> parsed = json::parse(body);
  if (!parsed) return std::nullopt;
  return std::move(*parsed);
}

Result<FilterPolicy> FilterPolicy::parse(std::string_view text, FilterPolicyScope scope) {
  // AWS's wording for these two refusals is not on record; the reasons are ours.
  if (text.size() > kMaxFilterPolicyBytes) {
    return invalid_policy("Filter policy can not be larger than 256 KB");
  }
  Expected<json::Value, json::ParseError> policy = json::parse(text);
  if (!policy) return invalid_policy("failed to parse JSON. " + policy.error().describe());
  return compile(*policy, scope);
}

Result<FilterPolicy> FilterPolicy::compile(const json::Value& policy, FilterPolicyScope scope) {
  if (json::serialized_size(policy) > kMaxFilterPolicyBytes) {
    return invalid_policy("Filter policy can not be larger than 256 KB");
  }
  if (policy.is_object() && policy.size() == 0) return FilterPolicy(scope, Rule());

  // AWS's rule engine reads the policy first; SNS's own limits apply to what it accepted.
  Result<RuleNode> node = parse_rule(policy);
  if (!node) return invalid_policy(node.error().cause);
  if (scope == FilterPolicyScope::MessageAttributes && nested(*node)) {
    return fail(std::string(kInvalidParameter),
                "Invalid parameter: Filter policy scope MessageAttributes does not support "
                "nested filter policy");
  }
  std::set<std::string> keys;
  collect_keys(*node, keys);
  if (keys.size() > kMaxFilterPolicyKeys) {
    return invalid_policy("Filter policy can not have more than 5 keys");
  }
  // The combinations bound the branches too: each branch counts at least one.
  if (combinations(*node) > kMaxFilterPolicyCombinations) {
    return invalid_policy("Filter policy is too complex");
  }
  return FilterPolicy(scope, Rule(expand(*node)));
}

bool FilterPolicy::matches(const Message& message) const {
  if (rule_.matches_everything()) return true;
  switch (scope_) {
    case FilterPolicyScope::MessageAttributes:
      return rule_.matches(attributes_event(message.attributes, rule_));
    case FilterPolicyScope::MessageBody:
      // A body policy assumes a JSON object; any other body matches nothing.
      if (!message.body || !message.body->is_object()) return false;
      return rule_.matches(FlatEvent::of_object(*message.body, rule_.read_paths()));
  }
  return false;
}

}  // namespace baton::events
