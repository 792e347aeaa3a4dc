#pragma once

// A compiled rule, the part SNS filter policies and EventBridge event patterns share: a set of
// branches, each a conjunction of fields, each field a dotted path and the value patterns any
// one of its values may match. The rule matches an event when one branch does. Built once
// (events/rule_parse.h); matching reads only the compiled form. Immutable and safe to share
// between threads.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "events/flat_event.h"
#include "events/value_pattern.h"

namespace baton::events {

struct FieldPattern {
  std::string path;  // "detail.state": the keys from the top, joined with '.'
  std::vector<ValuePattern> patterns;
};

// One alternative of a rule ($or multiplies them out): every field must match, with values
// taken from the same element of any array they share, as AWS's rule engine requires.
struct Branch {
  std::vector<FieldPattern> fields;
};

class Rule {
 public:
  // The rule with no branches, which matches every event (an SNS filter policy of `{}`).
  Rule() = default;
  explicit Rule(std::vector<Branch> branches);

  std::span<const Branch> branches() const { return branches_; }
  bool matches_everything() const { return branches_.empty(); }

  // Every path a field names and every dotted prefix of one, sorted: what to keep when
  // flattening an event for this rule.
  std::span<const std::string> read_paths() const { return read_paths_; }

  bool matches(const FlatEvent& event) const;

 private:
  std::vector<Branch> branches_;
  std::vector<std::string> read_paths_;
};

}  // namespace baton::events
