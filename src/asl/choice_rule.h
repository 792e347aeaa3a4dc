#pragma once

// Compiled Choice rules: comparisons on a Variable, combined with And, Or and Not, and how
// they are decided. Built by asl::parse; immutable and safe to share between threads.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asl/path.h"
#include "asl/scope.h"
#include "core/error.h"
#include "core/json.h"
#include "core/time.h"

namespace baton::asl {

// The family of a comparison operator: what type its operand has.
enum class ChoiceFamily { String, Numeric, Boolean, Timestamp, Type };

// What a comparison checks.
enum class ChoiceRelation {
  Equals,
  LessThan,
  GreaterThan,
  LessThanEquals,
  GreaterThanEquals,
  Matches,
  IsNull,
  IsPresent,
  IsNumeric,
  IsString,
  IsBoolean,
  IsTimestamp,
};

// One row of the table of comparison operators (choice_rule.cc): "NumericLessThanPath" is
// {Numeric, LessThan, is_path = true}.
struct ChoiceOperator {
  std::string_view name;
  ChoiceFamily family;
  ChoiceRelation relation;
  bool is_path;
};

// The operator named `name`, or nullptr.
const ChoiceOperator* find_choice_operator(std::string_view name);
std::span<const ChoiceOperator> choice_operators();

struct ChoiceRule {
  enum class Kind { Comparison, And, Or, Not };

  Kind kind = Kind::Comparison;
  std::vector<ChoiceRule> children;  // And, Or: two or more... ; Not: exactly one

  // Comparison.
  Path variable;
  const ChoiceOperator* op = nullptr;
  json::Value operand;                 // the literal, when !op->is_path
  Path operand_path;                   // when op->is_path
  std::optional<Timestamp> timestamp;  // a literal Timestamp* operand, parsed once
};

// Decides `rule` against the scope. Errors: States.Runtime when the Variable (or an operand
// path) selects nothing, except under IsPresent, which is then false.
[[nodiscard]] Result<bool> evaluate_choice_rule(const ChoiceRule& rule, const Scope& scope);

// StringMatches: `*` matches any run of characters; `\*` and `\\` stand for `*` and `\`.
bool string_matches(std::string_view text, std::string_view pattern);

}  // namespace baton::asl
