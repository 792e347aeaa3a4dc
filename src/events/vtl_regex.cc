#include "events/vtl_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>

namespace baton::events::vtl {

namespace {

// Bounds on one match: backtracking steps and nesting, well past what real patterns need.
constexpr std::uint32_t kMatchLimit = 1'000'000;
constexpr std::uint32_t kDepthLimit = 10'000;
// Matches one replaceAll or split may make: each makes progress, so the subject bounds them;
// this bounds the work on a 10 MB subject as well.
constexpr std::size_t kMaxMatches = 1'000'000;

struct CodeFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct DataFree {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
struct ContextFree {
  void operator()(pcre2_match_context* context) const { pcre2_match_context_free(context); }
};

class Regex {
 public:
  static Expected<Regex, std::string> compile(std::string_view pattern, bool whole) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    std::uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (whole) options |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     options, &error, &offset, nullptr);
    if (code == nullptr) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof message);
      return Unexpected<std::string>("the regular expression '" + std::string(pattern) +
                                     "' is not valid: " + reinterpret_cast<const char*>(message));
    }
    Regex regex;
    regex.code_.reset(code);
    regex.data_.reset(pcre2_match_data_create_from_pattern(code, nullptr));
    regex.context_.reset(pcre2_match_context_create(nullptr));
    pcre2_set_match_limit(regex.context_.get(), kMatchLimit);
    pcre2_set_depth_limit(regex.context_.get(), kDepthLimit);
    return regex;
  }

  // The match at or after `start`: 1 matched, 0 none, -1 an error (limit) in `error`.
  int match(std::string_view subject, std::size_t start, std::string& error) {
    int rc = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                         start, 0, data_.get(), context_.get());
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof message);
      error =
          std::string("the regular expression failed: ") + reinterpret_cast<const char*>(message);
      return -1;
    }
    return 1;
  }
  std::size_t group_count() const { return pcre2_get_ovector_count(data_.get()); }
  // Start and end of group `i` (0: the whole match); npos when it did not take part.
  std::pair<std::size_t, std::size_t> group(std::size_t i) const {
    PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data_.get());
    return {ovector[2 * i], ovector[2 * i + 1]};
  }

 private:
  std::unique_ptr<pcre2_code, CodeFree> code_;
  std::unique_ptr<pcre2_match_data, DataFree> data_;
  std::unique_ptr<pcre2_match_context, ContextFree> context_;
};

// Java's Matcher.appendReplacement: $n is group n, \c is c.
Expected<void, std::string> append_replacement(const Regex& regex, std::string_view subject,
                                               std::string_view replacement, std::string& out) {
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c == '\\') {
      if (++i >= replacement.size()) {
        return Unexpected<std::string>("character to be escaped is missing in the replacement");
      }
      out += replacement[i];
    } else if (c == '$') {
      std::size_t j = i + 1;
      if (j >= replacement.size() || replacement[j] < '0' || replacement[j] > '9') {
        return Unexpected<std::string>("illegal group reference in the replacement '" +
                                       std::string(replacement) + "'");
      }
      std::size_t group = static_cast<std::size_t>(replacement[j] - '0');
      if (group >= regex.group_count()) {
        return Unexpected<std::string>("no group " + std::to_string(group) +
                                       " in the regular expression");
      }
      auto [start, end] = regex.group(group);
      if (start != PCRE2_UNSET) out.append(subject.substr(start, end - start));
      i = j;
    } else {
      out += c;
    }
  }
  return {};
}

// Where the next search starts after a match [start, end): past an empty match by one character.
std::size_t next_start(std::string_view subject, std::size_t start, std::size_t end) {
  if (end > start) return end;
  std::size_t next = end + 1;
  while (next < subject.size() && (static_cast<unsigned char>(subject[next]) & 0xC0) == 0x80) {
    ++next;
  }
  return next;
}

}  // namespace

Expected<std::string, std::string> regex_replace(std::string_view subject, std::string_view pattern,
                                                 std::string_view replacement, bool all) {
  auto regex = Regex::compile(pattern, false);
  if (!regex) return Unexpected(regex.error());
  std::string out;
  std::size_t copied = 0;
  std::size_t start = 0;
  std::string error;
  for (std::size_t n = 0; n < kMaxMatches && start <= subject.size(); ++n) {
    int rc = regex->match(subject, start, error);
    if (rc < 0) return Unexpected(error);
    if (rc == 0) break;
    auto [begin, end] = regex->group(0);
    out.append(subject.substr(copied, begin - copied));
    if (auto ok = append_replacement(*regex, subject, replacement, out); !ok) {
      return Unexpected(ok.error());
    }
    copied = end;
    if (!all) break;
    start = next_start(subject, begin, end);
    if (end == begin && begin < subject.size()) {  // an empty match: keep the character
      out.append(subject.substr(begin, start - begin));
      copied = start;
    }
  }
  if (copied < subject.size()) out.append(subject.substr(copied));
  return out;
}

Expected<bool, std::string> regex_matches(std::string_view subject, std::string_view pattern) {
  auto regex = Regex::compile(pattern, true);
  if (!regex) return Unexpected(regex.error());
  std::string error;
  int rc = regex->match(subject, 0, error);
  if (rc < 0) return Unexpected(error);
  return rc == 1;
}

Expected<std::vector<std::string>, std::string> regex_split(std::string_view subject,
                                                            std::string_view pattern) {
  auto regex = Regex::compile(pattern, false);
  if (!regex) return Unexpected(regex.error());
  std::vector<std::string> parts;
  std::size_t piece = 0;
  std::size_t start = 0;
  std::string error;
  for (std::size_t n = 0; n < kMaxMatches && start <= subject.size(); ++n) {
    int rc = regex->match(subject, start, error);
    if (rc < 0) return Unexpected(error);
    if (rc == 0) break;
    auto [begin, end] = regex->group(0);
    if (!(end == 0 && begin == 0) && !(begin == end && begin >= subject.size())) {
      parts.emplace_back(subject.substr(piece, begin - piece));
      piece = end;
    }
    start = next_start(subject, begin, end);
  }
  parts.emplace_back(subject.substr(piece));
  if (subject.empty()) return parts;  // Java: "".split(x) is [""]
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

}  // namespace baton::events::vtl
