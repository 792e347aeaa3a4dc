#pragma once

// Wildcard patterns as EventBridge's rule engine reads them: "*" stands for any run of
// characters (none included), "\*" for a literal asterisk and "\\" for a backslash. Compiled
// once into the literal pieces between the stars; matching needs no backtracking, since a
// leftmost match of each piece in turn is always a match when any is. Immutable.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace baton::events {

class Wildcard {
 public:
  // Reads `text`. The error is AWS's reason: "Consecutive wildcard characters at pos 26",
  // "Invalid escape character at pos 3" (positions count bytes of the value as the rule engine
  // sees it, with its opening quote).
  [[nodiscard]] static Expected<Wildcard, std::string> parse(std::string_view text);

  bool matches(std::string_view value) const;

  // The pieces between the stars, unescaped: one more than there are stars.
  std::span<const std::string> pieces() const { return pieces_; }

 private:
  std::vector<std::string> pieces_;
};

// AWS refuses a rule whose wildcards on one field could keep more than this many wildcard
// prefixes in play at once while matching one value.
inline constexpr std::size_t kMaxWildcardComplexity = 10;

// How many wildcard rule prefixes the worst value could keep in play at once, for the wildcard
// patterns one field holds: the measure of the rule engine's MachineComplexityEvaluator.
// Counting stops past `cap`.
std::size_t wildcard_complexity(std::span<const Wildcard* const> wildcards, std::size_t cap);

}  // namespace baton::events
