#include "events/value_pattern.h"

#include <algorithm>

namespace baton::events {

namespace {

bool in_bounds(const NumericPattern& pattern, double value) {
  if (pattern.lower) {
    const NumericPattern::Bound& low = *pattern.lower;
    if (low.open ? !(value > low.value) : !(value >= low.value)) return false;
  }
  if (pattern.upper) {
    const NumericPattern::Bound& high = *pattern.upper;
    if (high.open ? !(value < high.value) : !(value <= high.value)) return false;
  }
  return true;
}

// The lower-case form of a letter written in two UTF-8 bytes (U+0080 to U+07FF).
char32_t lower_case(char32_t code) {
  if ((code >= 0xc0 && code <= 0xde && code != 0xd7) || (code >= 0x391 && code <= 0x3ab) ||
      (code >= 0x410 && code <= 0x42f)) {
    return code + 32;
  }
  if (code >= 0x400 && code <= 0x40f) return code + 80;
  if (code >= 0x100 && code <= 0x17f && code != 0x130 && code != 0x131 && code != 0x138 &&
      code != 0x149 && code != 0x17f) {
    // Latin Extended-A pairs an upper-case letter with the next code point, on even code
    // points up to U+0137 and from U+014A, on odd ones between.
    bool upper = (code >= 0x139 && code <= 0x148) || code >= 0x179 ? code % 2 == 1 : code % 2 == 0;
    if (code == 0x178) return 0xff;
    return upper ? code + 1 : code;
  }
  return code;
}

struct Matcher {
  const json::Value& value;

  bool operator()(const ExactPattern& p) const {
    if (p.address) {
      if (!value.is_string()) return false;
      std::optional<IpAddress> address = parse_ip_address(value.as_string());
      return address && *address == *p.address;
    }
    return value == p.value;
  }
  bool operator()(const PrefixPattern& p) const {
    if (!value.is_string()) return false;
    if (p.ignore_case) return fold_case(value.as_string()).starts_with(p.prefix);
    return value.as_string().starts_with(p.prefix);
  }
  bool operator()(const SuffixPattern& p) const {
    if (!value.is_string()) return false;
    if (p.ignore_case) return fold_case(value.as_string()).ends_with(p.suffix);
    return value.as_string().ends_with(p.suffix);
  }
  bool operator()(const EqualsIgnoreCasePattern& p) const {
    return value.is_string() && fold_case(value.as_string()) == p.folded;
  }
  bool operator()(const AnythingButPattern& p) const {
    return std::none_of(p.values.begin(), p.values.end(),
                        [this](const json::Value& excluded) { return value == excluded; });
  }
  bool operator()(const AnythingButPrefixPattern& p) const {
    if (!value.is_string()) return true;
    std::string_view text = value.as_string();
    return std::none_of(p.prefixes.begin(), p.prefixes.end(),
                        [text](const std::string& prefix) { return text.starts_with(prefix); });
  }
  bool operator()(const AnythingButSuffixPattern& p) const {
    if (!value.is_string()) return true;
    std::string_view text = value.as_string();
    return std::none_of(p.suffixes.begin(), p.suffixes.end(),
                        [text](const std::string& suffix) { return text.ends_with(suffix); });
  }
  bool operator()(const AnythingButEqualsIgnoreCasePattern& p) const {
    if (!value.is_string()) return true;
    std::string folded = fold_case(value.as_string());
    return std::find(p.folded.begin(), p.folded.end(), folded) == p.folded.end();
  }
  bool operator()(const WildcardPattern& p) const {
    return value.is_string() && p.wildcard.matches(value.as_string());
  }
  bool operator()(const AnythingButWildcardPattern& p) const {
    if (!value.is_string()) return true;
    std::string_view text = value.as_string();
    return std::none_of(p.wildcards.begin(), p.wildcards.end(),
                        [text](const Wildcard& w) { return w.matches(text); });
  }
  bool operator()(const NumericPattern& p) const {
    return value.is_number() && in_bounds(p, value.as_double());
  }
  bool operator()(const CidrPattern& p) const {
    if (!value.is_string()) return false;
    std::optional<IpAddress> address = parse_ip_address(value.as_string());
    return address && p.range.contains(*address);
  }
  bool operator()(const ExistsPattern& p) const { return p.present; }
};

}  // namespace

bool matches(const ValuePattern& pattern, const json::Value& value) {
  return std::visit(Matcher{value}, pattern);
}

std::string fold_case(std::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      folded.push_back(byte >= 'A' && byte <= 'Z' ? static_cast<char>(byte + 32) : text[i]);
      ++i;
      continue;
    }
    // Two-byte sequences cover the cased letters of Latin-1, Latin Extended-A, Greek and
    // Cyrillic; longer ones, and bytes that are not UTF-8, compare as written.
    if ((byte & 0xe0) == 0xc0 && i + 1 < text.size() &&
        (static_cast<unsigned char>(text[i + 1]) & 0xc0) == 0x80) {
      char32_t code = ((byte & 0x1fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3fu);
      code = lower_case(code);
      folded.push_back(static_cast<char>(0xc0 | (code >> 6)));
      folded.push_back(static_cast<char>(0x80 | (code & 0x3f)));
      i += 2;
      continue;
    }
    folded.push_back(text[i]);
    ++i;
  }
  return folded;
}

}  // namespace baton::events
