#include "core/java_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

namespace baton {

namespace {

// Java's \p{ASCII}, which PCRE2 spells as a class.
std::string to_pcre(std::string_view pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 9, "\\p{ASCII}") == 0) {
      out += "[\\x00-\\x7F]";
      i += 8;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

struct MatchDataFree {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

}  // namespace

std::shared_ptr<const Pattern> Pattern::compile(std::string_view java_regex) {
  std::string text = to_pcre(java_regex);
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(),
                                   PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_DOTALL,
                                   &error, &offset, nullptr);
  if (code == nullptr) return nullptr;
  return std::shared_ptr<const Pattern>(new Pattern(code));
}

Pattern::~Pattern() { pcre2_code_free(code_); }

bool Pattern::matches(std::string_view text) const {
  // Only whether it matches is asked: one pair of offsets is enough, whatever the groups.
  thread_local std::unique_ptr<pcre2_match_data, MatchDataFree> data(
      pcre2_match_data_create(1, nullptr));
  return pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                     data.get(), nullptr) >= 0;
}

}  // namespace baton
