#pragma once

// Java regular expressions for String.replaceAll, replaceFirst, matches and split in mapping
// templates, run by PCRE2 (DESIGN.md's regex engine; never std::regex). Java's syntax and
// PCRE2's agree on what templates use (classes, groups, quantifiers, escapes); a pattern PCRE2
// cannot read is an error. Each match is bounded (PCRE2's match and depth limits), so a
// backtracking pattern fails instead of hanging. Pure functions; safe from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"

namespace baton::events::vtl {

// Java's replaceAll / replaceFirst: `replacement` may name groups as $1 and escape with \.
[[nodiscard]] Expected<std::string, std::string> regex_replace(std::string_view subject,
                                                               std::string_view pattern,
                                                               std::string_view replacement,
                                                               bool all);
// Java's matches: the whole subject.
[[nodiscard]] Expected<bool, std::string> regex_matches(std::string_view subject,
                                                        std::string_view pattern);
// Java's split(regex): trailing empty strings dropped; a zero-width match at the start makes
// no leading empty string.
[[nodiscard]] Expected<std::vector<std::string>, std::string> regex_split(std::string_view subject,
                                                                          std::string_view pattern);

}  // namespace baton::events::vtl
