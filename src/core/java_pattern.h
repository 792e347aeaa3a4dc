#pragma once

// A Java regular expression matched against a whole value (a model's `pattern`, an API Gateway
// selection pattern), compiled once, on PCRE2.

#include <memory>
#include <string_view>

struct pcre2_real_code_8;

namespace baton {

class Pattern {
 public:
  // nullptr when PCRE2 cannot read the pattern (such a pattern checks nothing).
  static std::shared_ptr<const Pattern> compile(std::string_view java_regex);
  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // Whether all of `text` matches. Thread-safe.
  bool matches(std::string_view text) const;

 private:
  explicit Pattern(pcre2_real_code_8* code) : code_(code) {}
  pcre2_real_code_8* code_;
};

}  // namespace baton
