#include "asl/choice_rule.h"

#include "asl/errors.h"

namespace baton::asl {

using json::Value;

namespace {

using F = ChoiceFamily;
using R = ChoiceRelation;

// Every comparison operator of the language, in one place.
constexpr ChoiceOperator kOperators[] = {
    {"StringEquals", F::String, R::Equals, false},
    {"StringEqualsPath", F::String, R::Equals, true},
    {"StringLessThan", F::String, R::LessThan, false},
    {"StringLessThanPath", F::String, R::LessThan, true},
    {"StringGreaterThan", F::String, R::GreaterThan, false},
    {"StringGreaterThanPath", F::String, R::GreaterThan, true},
    {"StringLessThanEquals", F::String, R::LessThanEquals, false},
    {"StringLessThanEqualsPath", F::String, R::LessThanEquals, true},
    {"StringGreaterThanEquals", F::String, R::GreaterThanEquals, false},
    {"StringGreaterThanEqualsPath", F::String, R::GreaterThanEquals, true},
    {"StringMatches", F::String, R::Matches, false},
    {"NumericEquals", F::Numeric, R::Equals, false},
    {"NumericEqualsPath", F::Numeric, R::Equals, true},
    {"NumericLessThan", F::Numeric, R::LessThan, false},
    {"NumericLessThanPath", F::Numeric, R::LessThan, true},
    {"NumericGreaterThan", F::Numeric, R::GreaterThan, false},
    {"NumericGreaterThanPath", F::Numeric, R::GreaterThan, true},
    {"NumericLessThanEquals", F::Numeric, R::LessThanEquals, false},
    {"NumericLessThanEqualsPath", F::Numeric, R::LessThanEquals, true},
    {"NumericGreaterThanEquals", F::Numeric, R::GreaterThanEquals, false},
    {"NumericGreaterThanEqualsPath", F::Numeric, R::GreaterThanEquals, true},
    {"BooleanEquals", F::Boolean, R::Equals, false},
    {"BooleanEqualsPath", F::Boolean, R::Equals, true},
    {"TimestampEquals", F::Timestamp, R::Equals, false},
    {"TimestampEqualsPath", F::Timestamp, R::Equals, true},
    {"TimestampLessThan", F::Timestamp, R::LessThan, false},
    {"TimestampLessThanPath", F::Timestamp, R::LessThan, true},
    {"TimestampGreaterThan", F::Timestamp, R::GreaterThan, false},
    {"TimestampGreaterThanPath", F::Timestamp, R::GreaterThan, true},
    {"TimestampLessThanEquals", F::Timestamp, R::LessThanEquals, false},
    {"TimestampLessThanEqualsPath", F::Timestamp, R::LessThanEquals, true},
    {"TimestampGreaterThanEquals", F::Timestamp, R::GreaterThanEquals, false},
    {"TimestampGreaterThanEqualsPath", F::Timestamp, R::GreaterThanEquals, true},
    {"IsNull", F::Type, R::IsNull, false},
    {"IsPresent", F::Type, R::IsPresent, false},
    {"IsNumeric", F::Type, R::IsNumeric, false},
    {"IsString", F::Type, R::IsString, false},
    {"IsBoolean", F::Type, R::IsBoolean, false},
    {"IsTimestamp", F::Type, R::IsTimestamp, false},
};

// -1, 0, 1 for two numbers, exact for integers.
int compare_numbers(const Value& a, const Value& b) {
  if (a.is_int64() && b.is_int64()) {
    return a.as_int64() < b.as_int64() ? -1 : a.as_int64() > b.as_int64() ? 1 : 0;
  }
  long double x = a.is_int64() ? static_cast<long double>(a.as_int64()) : a.as_double();
  long double y = b.is_int64() ? static_cast<long double>(b.as_int64()) : b.as_double();
  return x < y ? -1 : x > y ? 1 : 0;
}

bool relate(ChoiceRelation relation, int c) {
  switch (relation) {
    case R::Equals:
      return c == 0;
    case R::LessThan:
      return c < 0;
    case R::GreaterThan:
      return c > 0;
    case R::LessThanEquals:
      return c <= 0;
    case R::GreaterThanEquals:
      return c >= 0;
    default:
      return false;
  }
}

Unexpected<Error> not_found(const Path& path) {
  return fail(std::string(errors::kRuntime),
              "Invalid path '" + path.text() +
                  "': The choice state's condition path references an invalid value.");
}

Result<bool> compare(const ChoiceRule& rule, const Scope& scope) {
  const ChoiceOperator& op = *rule.op;
  auto variable = rule.variable.evaluate(scope);
  if (op.relation == R::IsPresent) {
    return variable.has_value() == rule.operand.as_bool();
  }
  if (!variable) return not_found(rule.variable);
  const Value& v = *variable;
  if (op.family == F::Type) {
    bool is = false;
    switch (op.relation) {
      case R::IsNull:
        is = v.is_null();
        break;
      case R::IsNumeric:
        is = v.is_number();
        break;
      case R::IsString:
        is = v.is_string();
        break;
      case R::IsBoolean:
        is = v.is_bool();
        break;
      case R::IsTimestamp:
        is = v.is_string() && parse_rfc3339(v.as_string()).has_value();
        break;
      default:
        break;
    }
    return is == rule.operand.as_bool();
  }
  Value operand = rule.operand;
  if (op.is_path) {
    auto resolved = rule.operand_path.evaluate(scope);
    if (!resolved) return not_found(rule.operand_path);
    operand = std::move(*resolved);
  }
  switch (op.family) {
    case F::String:
      if (!v.is_string() || !operand.is_string()) return false;
      if (op.relation == R::Matches) return string_matches(v.as_string(), operand.as_string());
      return relate(op.relation, v.as_string().compare(operand.as_string()) < 0   ? -1
                                 : v.as_string().compare(operand.as_string()) > 0 ? 1
                                                                                  : 0);
    case F::Numeric:
      if (!v.is_number() || !operand.is_number()) return false;
      return relate(op.relation, compare_numbers(v, operand));
    case F::Boolean:
      if (!v.is_bool() || !operand.is_bool()) return false;
      return op.relation == R::Equals && v.as_bool() == operand.as_bool();
    case F::Timestamp: {
      if (!v.is_string() || !operand.is_string()) return false;
      auto left = parse_rfc3339(v.as_string());
      auto right =
          !op.is_path && rule.timestamp ? rule.timestamp : parse_rfc3339(operand.as_string());
      if (!left || !right) return false;
      return relate(op.relation, *left < *right ? -1 : *left > *right ? 1 : 0);
    }
    case F::Type:
      break;
  }
  return false;
}

}  // namespace

const ChoiceOperator* find_choice_operator(std::string_view name) {
  for (const ChoiceOperator& op : kOperators) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

std::span<const ChoiceOperator> choice_operators() { return kOperators; }

bool string_matches(std::string_view text, std::string_view pattern) {
  // Split the pattern into literal pieces at unescaped stars, then match greedily-leftmost.
  std::vector<std::string> pieces(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      pieces.back().push_back(pattern[++i]);
    } else if (c == '*') {
      pieces.emplace_back();
    } else {
      pieces.back().push_back(c);
    }
  }
  if (pieces.size() == 1) return text == pieces[0];
  const std::string& first = pieces.front();
  const std::string& last = pieces.back();
  if (text.size() < first.size() + last.size()) return false;
  if (!text.starts_with(first) || !text.ends_with(last)) return false;
  std::size_t pos = first.size();
  std::size_t end = text.size() - last.size();
  for (std::size_t i = 1; i + 1 < pieces.size(); ++i) {
    std::size_t found = text.substr(0, end).find(pieces[i], pos);
    if (found == std::string_view::npos) return false;
    pos = found + pieces[i].size();
  }
  return true;
}

Result<bool> evaluate_choice_rule(const ChoiceRule& rule, const Scope& scope) {
  switch (rule.kind) {
    case ChoiceRule::Kind::Comparison:
      return compare(rule, scope);
    case ChoiceRule::Kind::Not: {
      auto inner = evaluate_choice_rule(rule.children[0], scope);
      if (!inner) return inner;
      return !*inner;
    }
    case ChoiceRule::Kind::And:
      for (const ChoiceRule& child : rule.children) {
        auto r = evaluate_choice_rule(child, scope);
        if (!r || !*r) return r;
      }
      return true;
    case ChoiceRule::Kind::Or:
      for (const ChoiceRule& child : rule.children) {
        auto r = evaluate_choice_rule(child, scope);
        if (!r || *r) return r;
      }
      return false;
  }
  return false;
}

}  // namespace baton::asl
