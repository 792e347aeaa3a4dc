#pragma once

// The compiled form of a JSONPath, shared by its compiler (path_parse.cc) and its evaluator
// (path.cc). Only those two include this.

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "asl/path.h"
#include "core/json.h"

namespace baton::asl::path_detail {

struct Filter;

enum class SegmentKind {
  Property,  // ['a'] or .a; several names for ['a','b']
  Index,     // [0], [-1]; several for [0,2]
  Slice,     // [1:3], [:2], [-2:]
  Wildcard,  // [*] or .*
  Filter,    // [?(...)]
  Function,  // .length() and friends; always last
};

enum class Function { Length, Min, Max, Avg, Sum, StdDev, First, Last, Keys };

struct Segment {
  SegmentKind kind = SegmentKind::Property;
  bool deep = false;  // reached through `..`: applies at every level below
  std::vector<std::string> names;
  std::vector<long long> indexes;
  std::optional<long long> slice_start;
  std::optional<long long> slice_end;
  std::shared_ptr<const Filter> filter;
  Function function = Function::Length;

  bool is_definite() const {
    return !deep &&
           ((kind == SegmentKind::Property && names.size() == 1) ||
            (kind == SegmentKind::Index && indexes.size() == 1) || kind == SegmentKind::Function);
  }
};

// A filter expression: `@.price < 10 && @.tag`.
enum class FilterOp { Exists, Not, And, Or, Eq, Ne, Lt, Le, Gt, Ge, Regex, In, Nin };

struct Operand {
  enum class Kind { Literal, Current, Root, Missing };
  Kind kind = Kind::Literal;
  json::Value literal;
  Path path;  // for Current (`@...`, compiled with the root standing for `@`) and Root (`$...`)
};

struct Filter {
  FilterOp op = FilterOp::Exists;
  std::vector<std::shared_ptr<const Filter>> children;  // Not, And, Or
  Operand left;
  Operand right;
  std::shared_ptr<const std::regex> regex;  // for =~
};

}  // namespace baton::asl::path_detail
