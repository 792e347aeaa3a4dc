#pragma once

// Small operations on ASCII text that several layers need.

#include <cctype>
#include <string>
#include <string_view>

namespace baton {

// `text` without the leading and trailing characters of `blanks`.
inline std::string_view trim(std::string_view text, std::string_view blanks = " \t") {
  auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(blanks);
  return text.substr(first, last - first + 1);
}

// ASCII letters in lower case; other bytes as they are.
inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace baton
