#include "events/rule_parse.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

#include "events/event_pattern_grammar.h"

namespace baton::events {

namespace {

constexpr std::string_view kOr = "$or";

// Names that may not be field names inside "$or": operators, and those AWS's rule engine keeps
// for operators to come. An "$or" whose alternatives use one is an ordinary field.
constexpr std::array<std::string_view, 24> kReservedNames = {
    // operators
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard",
    "numeric", "cidr", "=", "<", "<=", ">", ">=",
    // kept for operators to come
    "regex", "not-wildcard", "not-equals-ignore-case", "date-after", "date-on-or-after",
    "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
    "ip-address-not-in-range"};

Unexpected<Error> invalid(std::string reason) {
  return fail(std::string(kInvalidRule), std::move(reason));
}

// How AWS's messages quote a JSON token: a string's text, a scalar as written, "{" or "[" for
// the start of an object or array.
std::string token_text(const json::Value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_object()) return "{";
  if (value.is_array()) return "[";
  return json::to_string(value);
}

bool uses_reserved_name(const json::Value& object) {
  for (const json::Member& member : object.members()) {
    if (std::find(kReservedNames.begin(), kReservedNames.end(), member.name()) !=
        kReservedNames.end()) {
      return true;
    }
    if (member.value.is_object() && uses_reserved_name(member.value)) return true;
  }
  return false;
}

// AWS reads "$or" as alternatives only when it holds an array of two or more objects, none of
// which uses a reserved name; otherwise "$or" is a field name like any other.
bool is_any_of(const json::Value& value) {
  if (!value.is_array() || value.size() < 2) return false;
  return std::all_of(value.as_array().begin(), value.as_array().end(), [](const json::Value& item) {
    return item.is_object() && !uses_reserved_name(item);
  });
}

// The bounds EventBridge's rule engine compares numbers within; SNS's reads any.
Result<void> check_range(const json::Value& number, RuleGrammar grammar) {
  if (grammar != RuleGrammar::EventPattern) return {};
  std::string fault = numeric_range_fault(number.as_double());
  if (!fault.empty()) return invalid(std::move(fault));
  return {};
}

Result<ValuePattern> numeric(std::span<const json::Value> terms, RuleGrammar grammar) {
  // AWS names the token where it stopped; past the last term that is the closing "]".
  auto text = [&terms](std::size_t i) { return i < terms.size() ? token_text(terms[i]) : "]"; };
  auto number_at = [&terms](std::size_t i) { return i < terms.size() && terms[i].is_number(); };
  if (terms.empty() || !terms[0].is_string()) {
    return invalid("Invalid member in numeric match: " + text(0));
  }
  std::string op(terms[0].as_string());
  std::string value_name = op == "=" ? "equals" : op;
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") {
    return invalid("Unrecognized numeric range operator: " + op);
  }
  if (!number_at(1)) return invalid("Value of " + value_name + " must be numeric");
  if (Result<void> fits = check_range(terms[1], grammar); !fits) return Unexpected(fits.error());
  NumericPattern::Bound first{terms[1].as_double(), op == "<" || op == ">"};
  NumericPattern pattern;
  if (op == "=" || op == "<" || op == "<=") {
    if (terms.size() > 2) return invalid("Too many elements in numeric expression");
    pattern.upper = first;
    if (op == "=") pattern.lower = first;
    return ValuePattern(pattern);
  }
  pattern.lower = first;
  if (terms.size() == 2) return ValuePattern(pattern);
  if (!terms[2].is_string()) return invalid("Bad value in numeric range: " + text(2));
  std::string top_op(terms[2].as_string());
  if (top_op != "<" && top_op != "<=") return invalid("Bad numeric range operator: " + top_op);
  if (!number_at(3)) return invalid("Value of " + top_op + " must be numeric");
  if (Result<void> fits = check_range(terms[3], grammar); !fits) return Unexpected(fits.error());
  if (terms.size() > 4) return invalid("Too many terms in numeric range expression");
  pattern.upper = NumericPattern::Bound{terms[3].as_double(), top_op == "<"};
  if (!(pattern.lower->value < pattern.upper->value)) {
    return invalid("Bottom must be less than top");
  }
  return ValuePattern(pattern);
}

Result<ValuePattern> anything_but(const json::Value& operand, RuleGrammar grammar) {
  if (operand.is_object()) {
    if (operand.size() == 0) return invalid("Anything-But expression name not found");
    const json::Member& inner = operand.members()[0];
    // AWS's SNS accepts prefix only here (suffix and equals-ignore-case are refused).
    if (inner.name() != "prefix") {
      return invalid("Unsupported anything-but pattern: " + std::string(inner.name()));
    }
    if (!inner.value.is_string()) return invalid("prefix match pattern must be a string");
    if (inner.value.as_string().empty()) return invalid("Null prefix not allowed");
    if (operand.size() > 1) return invalid("Only one key allowed in match expression");
    return ValuePattern(AnythingButPrefixPattern{{std::string(inner.value.as_string())}});
  }
  if (operand.is_string() || operand.is_number()) {
    if (operand.is_number()) {
      if (Result<void> fits = check_range(operand, grammar); !fits) return Unexpected(fits.error());
    }
    return ValuePattern(AnythingButPattern{{operand}});
  }
  if (!operand.is_array()) {
    return invalid("Value of anything-but must be an array or single string/number value.");
  }
  bool strings = false;
  bool numbers = false;
  for (const json::Value& item : operand.as_array()) {
    if (!item.is_string() && !item.is_number()) {
      return invalid("Inside anything but list, start|null|boolean is not supported.");
    }
    (item.is_string() ? strings : numbers) = true;
    if (item.is_number()) {
      if (Result<void> fits = check_range(item, grammar); !fits) return Unexpected(fits.error());
    }
  }
  if (strings == numbers) {
    return invalid(
        "Inside anything but list, either all values are number or string, mixed type is not "
        "supported");
  }
  return ValuePattern(AnythingButPattern{{operand.as_array().begin(), operand.as_array().end()}});
}

// A string operand of prefix, suffix, equals-ignore-case and cidr; `what` names it in errors.
Result<std::string> string_operand(const json::Member& member, std::string_view what,
                                   bool only_key) {
  if (!member.value.is_string())
    return invalid(std::string(what) + " match pattern must be a string");
  if (!only_key) return invalid("Only one key allowed in match expression");
  return std::string(member.value.as_string());
}

Result<ValuePattern> match_expression(const json::Value& expression, RuleGrammar grammar) {
  if (expression.size() == 0) return invalid("Match expression name not found");
  const json::Member& first = expression.members()[0];
  std::string_view name = first.name();
  bool only_key = expression.size() == 1;
  if (grammar == RuleGrammar::EventPattern) {
    if ((name == "prefix" || name == "suffix") && first.value.is_object()) {
      return ignore_case_affix(expression);
    }
    if (name == "wildcard") return wildcard(expression);
    if (name == "anything-but" && first.value.is_object()) return anything_but_set(expression);
  }
  if (name == "prefix" || name == "suffix" || name == "equals-ignore-case") {
    Result<std::string> operand = string_operand(first, name, only_key);
    if (!operand) return Unexpected(operand.error());
    if (name == "prefix") return ValuePattern(PrefixPattern{std::move(*operand)});
    if (name == "suffix") return ValuePattern(SuffixPattern{std::move(*operand)});
    return ValuePattern(EqualsIgnoreCasePattern{fold_case(*operand)});
  }
  if (name == "numeric") {
    if (!first.value.is_array()) return invalid("Value of numeric must be an array.");
    Result<ValuePattern> pattern = numeric(first.value.as_array(), grammar);
    if (pattern && !only_key) return invalid("Too many elements in numeric expression");
    return pattern;
  }
  if (name == "anything-but") {
    Result<ValuePattern> pattern = anything_but(first.value, grammar);
    if (pattern && !only_key) return invalid("Too many elements in numeric expression");
    return pattern;
  }
  if (name == "exists") {
    if (!first.value.is_bool()) {
      return invalid("exists match pattern must be either true or false.");
    }
    if (!only_key) return invalid("Only one key allowed in match expression");
    return ValuePattern(ExistsPattern{first.value.as_bool()});
  }
  if (name == "cidr") {
    // AWS's own wording for a cidr operand that is not a string.
    Result<std::string> operand = string_operand(first, "prefix", true);
    if (!operand) return Unexpected(operand.error());
    Expected<IpRange, std::string> range = parse_cidr(*operand);
    if (!range) return invalid(range.error());
    if (!only_key) return invalid("Only one key allowed in match expression");
    return ValuePattern(CidrPattern{*range});
  }
  return invalid("Unrecognized match type " + std::string(name));
}

Result<RuleNode::Field> field(std::string path, std::uint32_t depth, const json::Value& values,
                              RuleGrammar grammar) {
  RuleNode::Field field{std::move(path), depth, {}};
  for (const json::Value& value : values.as_array()) {
    if (value.is_object()) {
      Result<ValuePattern> pattern = match_expression(value, grammar);
      if (!pattern) return Unexpected(pattern.error());
      field.patterns.push_back(std::move(*pattern));
    } else if (value.is_array()) {
      return invalid("Match value must be String, number, true, false, or null");
    } else {
      ExactPattern exact{value, std::nullopt};
      if (value.is_string()) exact.address = parse_ip_address(value.as_string());
      field.patterns.emplace_back(std::move(exact));
    }
  }
  if (field.patterns.empty()) return invalid("Empty arrays are not allowed");
  return field;
}

// Folds the members of `object` (its keys `depth` objects deep, under `prefix`) into `node`.
Result<void> fold_object(const json::Value& object, const std::string& prefix, std::uint32_t depth,
                         RuleGrammar grammar, RuleNode& node) {
  if (object.size() == 0) return invalid("Empty objects are not allowed");
  for (const json::Member& member : object.members()) {
    if (member.name() == kOr && is_any_of(member.value)) {
      RuleNode::AnyOf any_of;
      for (const json::Value& alternative : member.value.as_array()) {
        RuleNode branch;
        Result<void> folded = fold_object(alternative, prefix, depth, grammar, branch);
        if (!folded) return folded;
        any_of.alternatives.push_back(std::move(branch));
      }
      node.items.emplace_back(std::move(any_of));
      continue;
    }
    std::string path =
        prefix.empty() ? std::string(member.name()) : prefix + "." + std::string(member.name());
    if (member.value.is_object()) {
      Result<void> folded = fold_object(member.value, path, depth + 1, grammar, node);
      if (!folded) return folded;
    } else if (member.value.is_array()) {
      Result<RuleNode::Field> parsed = field(std::move(path), depth, member.value, grammar);
      if (!parsed) return Unexpected(parsed.error());
      node.items.emplace_back(std::move(*parsed));
    } else {
      return invalid("\"" + std::string(member.name()) + "\" must be an object or an array");
    }
  }
  return {};
}

void set_field(Branch& branch, const RuleNode::Field& field) {
  for (FieldPattern& existing : branch.fields) {
    if (existing.path == field.path) {
      existing.patterns = field.patterns;
      return;
    }
  }
  branch.fields.push_back(FieldPattern{field.path, field.patterns});
}

std::vector<Branch> expand_into(const RuleNode& node, std::vector<Branch> branches) {
  for (const auto& item : node.items) {
    if (const auto* f = std::get_if<RuleNode::Field>(&item)) {
      for (Branch& branch : branches) set_field(branch, *f);
      continue;
    }
    std::vector<Branch> multiplied;
    for (const RuleNode& alternative : std::get<RuleNode::AnyOf>(item).alternatives) {
      std::vector<Branch> grown = expand_into(alternative, branches);
      std::move(grown.begin(), grown.end(), std::back_inserter(multiplied));
    }
    branches = std::move(multiplied);
  }
  return branches;
}

}  // namespace

Result<RuleNode> parse_rule(const json::Value& rule, RuleGrammar grammar) {
  if (!rule.is_object()) return invalid("Filter is not an object");
  RuleNode node;
  Result<void> folded = fold_object(rule, "", 1, grammar, node);
  if (!folded) return Unexpected(folded.error());
  return node;
}

std::vector<Branch> expand(const RuleNode& node) { return expand_into(node, {Branch{}}); }

}  // namespace baton::events
