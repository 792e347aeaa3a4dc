// json::Value -> text, as AWS writes it: compact, keys in order, integers as integers.

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/json.h"
#include "core/json_node.h"

namespace baton::json {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Characters a JSON string literal must escape; everything else (including non-ASCII UTF-8
// and '/') is written as is, as Jackson does.
bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The shortest text of `d` that reads back as it, in `buffer`; `point` is true when it needs
// ".0" after it to stay a double (3.0 does not become the integer 3).
std::string_view shortest_double(double d, std::array<char, 32>& buffer, bool& point) {
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), d);
  std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  point = text.find_first_of(".en") == std::string_view::npos;
  return text;
}

void write_double(double d, std::string& out) {
  std::array<char, 32> buffer{};
  bool point = false;
  out.append(shortest_double(d, buffer, point));
  if (point) out.append(".0");
}

template <class Int>
void write_integer(Int i, std::string& out) {
  std::array<char, 24> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), i);
  out.append(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
}

void write_number(const Value& v, std::string& out) {
  if (v.is_int64()) {
    write_integer(v.as_int64(), out);
  } else if (v.is_integer()) {
    write_integer(v.as_uint64(), out);
  } else {
    write_double(v.as_double(), out);
  }
}

void write_pretty(const Value& value, std::string& out, int depth) {
  auto newline = [&](int d) {
    out.push_back('\n');
    out.append(static_cast<std::size_t>(d) * 2, ' ');
  };
  if (value.is_array() && value.size() > 0) {
    out.push_back('[');
    bool first = true;
    for (const Value& item : value.as_array()) {
      if (!first) out.push_back(',');
      first = false;
      newline(depth + 1);
      write_pretty(item, out, depth + 1);
    }
    newline(depth);
    out.push_back(']');
  } else if (value.is_object() && value.size() > 0) {
    out.push_back('{');
    bool first = true;
    for (const Member& m : value.members()) {
      if (!first) out.push_back(',');
      first = false;
      newline(depth + 1);
      write_string_literal(m.name(), out);
      out.append(": ");
      write_pretty(m.value, out, depth + 1);
    }
    newline(depth);
    out.push_back('}');
  } else {
    write(value, out);
  }
}

// The bytes of `word` that must be escaped (below 0x20, '"' or '\\') have their high bit set in
// the result; others may too, only when one of them is. Zero when none is.
constexpr std::uint64_t escapes_in(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  std::uint64_t quote = word ^ (kOnes * '"');
  std::uint64_t backslash = word ^ (kOnes * '\\');
  return ((word - kOnes * 0x20) & ~word & kHighs) | ((quote - kOnes) & ~quote & kHighs) |
         ((backslash - kOnes) & ~backslash & kHighs);
}

std::size_t escaped_size(unsigned char c) {
  if (!needs_escape(c)) return 1;
  if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
    return 2;
  }
  return 6;
}

// The length of `s` as a string literal. Eight bytes at a time, the last few padded with a
// byte that needs no escape, and one by one only in a word that holds an escape: this is most
// of the work of measuring a payload.
inline std::size_t string_literal_size(std::string_view s) {
  std::size_t n = 2 + s.size();
  for (std::size_t i = 0; i < s.size(); i += 8) {
    std::size_t take = std::min<std::size_t>(8, s.size() - i);
    std::uint64_t word = 0x6161616161616161ull;
    std::memcpy(&word, s.data() + i, take);
    if (escapes_in(word) == 0) continue;
    for (std::size_t j = i; j < i + take; ++j) {
      n += escaped_size(static_cast<unsigned char>(s[j])) - 1;
    }
  }
  return n;
}

// The decimal digits of an unsigned integer.
std::size_t digits(std::uint64_t u) {
  std::size_t n = 1;
  for (std::uint64_t bound = 10; u >= bound; bound *= 10) {
    if (++n == 20) break;  // 10^19 is the last power that fits
  }
  return n;
}

// The length of a double as write_double writes it: std::to_chars's shortest form (fixed or
// scientific, whichever is shorter, fixed on a tie), with ".0" after an integer.
//
// Formatting a double is slow, and payloads hold many: those with at most eight decimals (most
// of what people write) are measured by arithmetic. m / 10^k == d with the least such k gives
// the shortest digits that read back as d: with |m| < 2^50 the double's rounding interval is
// narrower than 10^-k / 2, so no shorter decimal lies in it.
std::size_t double_size(double d) {
  static constexpr double kPowers[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  constexpr double kExact = 1125899906842624.0;  // 2^50
  std::size_t sign = std::signbit(d) ? 1 : 0;
  for (int k = 0; k <= 8 && std::isfinite(d); ++k) {
    double m = std::nearbyint(d * kPowers[k]);
    if (std::fabs(m) >= kExact || m / kPowers[k] != d) continue;
    if (m == 0) return sign + 3;  // "0.0", "-0.0"
    auto digits_of = static_cast<std::uint64_t>(std::fabs(m));
    std::size_t all = digits(digits_of);
    std::size_t significant = all;
    while (digits_of % 10 == 0) {
      digits_of /= 10;
      --significant;
    }
    auto exponent = static_cast<std::int64_t>(all) - 1 - k;  // of the first digit
    std::size_t magnitude = static_cast<std::size_t>(exponent < 0 ? -exponent : exponent);
    std::size_t scientific =
        significant + (significant > 1 ? 1 : 0) + 2 + (magnitude >= 100 ? 3 : 2);
    std::size_t fixed = 0;
    bool integer = false;
    if (exponent < 0) {
      fixed = 2 + magnitude - 1 + significant;  // "0." zeros digits
    } else if (static_cast<std::size_t>(exponent) + 1 >= significant) {
      fixed = static_cast<std::size_t>(exponent) + 1;
      integer = true;
    } else {
      fixed = significant + 1;
    }
    if (fixed <= scientific) return sign + fixed + (integer ? 2 : 0);
    return sign + scientific;
  }
  std::array<char, 32> buffer{};
  bool point = false;
  return shortest_double(d, buffer, point).size() + (point ? 2 : 0);
}

}  // namespace

void write_string_literal(std::string_view s, std::string& out) {
  out.push_back('"');
  std::size_t run = 0;  // start of the pending unescaped run
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!needs_escape(c)) continue;
    out.append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s.substr(run));
  out.push_back('"');
}

void write(const Value& value, std::string& out) {
  switch (value.type()) {
    case Type::Null:
      out.append("null");
      return;
    case Type::Boolean:
      out.append(value.as_bool() ? "true" : "false");
      return;
    case Type::Number:
      write_number(value, out);
      return;
    case Type::String:
      write_string_literal(value.as_string(), out);
      return;
    case Type::Array: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : value.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        write(item, out);
      }
      out.push_back(']');
      return;
    }
    case Type::Object: {
      out.push_back('{');
      bool first = true;
      for (const Member& m : value.members()) {
        if (!first) out.push_back(',');
        first = false;
        write_string_literal(m.name(), out);
        out.push_back(':');
        write(m.value, out);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string to_string(const Value& value) {
  std::string out;
  write(value, out);
  return out;
}

std::string to_pretty_string(const Value& value) {
  std::string out;
  write_pretty(value, out, 0);
  return out;
}

namespace {

constexpr std::uint64_t kMaxMeasuredBytes = (std::uint64_t{1} << 48) - 1;

}  // namespace

// The literal size of a string held inside its Value (at most 14 bytes): two words, the
// bytes past its length replaced by one that needs no escape.
inline std::size_t small_literal_size(const Value& v) {
  constexpr std::uint64_t kPad = 0x6161616161616161ull;
  std::size_t length = v.small_.length;
  std::uint64_t words[2] = {kPad, kPad};
  std::memcpy(words, v.small_.chars, sizeof v.small_.chars);
  for (std::size_t w = 0; w < 2; ++w) {
    std::size_t kept = length > 8 * w ? std::min<std::size_t>(length - 8 * w, 8) : 0;
    std::uint64_t mask = kept == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * kept)) - 1;
    words[w] = (words[w] & mask) | (kPad & ~mask);
  }
  if ((escapes_in(words[0]) | escapes_in(words[1])) == 0) return length + 2;
  return string_literal_size({v.small_.chars, length});
}

// A scalar measured where it stands; an array or object by measure(), which caches it.
inline Measure measure_element(const Value& value) {
  using Kind = Value::Kind;
  switch (value.small_.kind) {
    case Kind::Null:
    case Kind::True:
      return Measure{4, 0};
    case Kind::False:
      return Measure{5, 0};
    case Kind::Int: {
      std::int64_t i = value.big_.i;
      // The magnitude of INT64_MIN does not fit an int64: count it as an unsigned.
      std::uint64_t magnitude = i < 0 ? 0 - static_cast<std::uint64_t>(i) : i;
      return Measure{digits(magnitude) + (i < 0 ? 1 : 0), 0};
    }
    case Kind::UInt:
      return Measure{digits(value.big_.u), 0};
    case Kind::Double:
      return Measure{double_size(value.big_.d), 0};
    case Kind::SmallString:
      return Measure{small_literal_size(value), 0};
    case Kind::String:
      return Measure{string_literal_size(value.as_string()), 0};
    case Kind::Array:
    case Kind::Object:
      break;
  }
  return measure(value);
}

Measure measure(const Value& value) {
  using Kind = Value::Kind;
  MeasureCache* cache = nullptr;
  if (value.small_.kind == Kind::Array) {
    cache = &static_cast<Value::ArrayNode*>(value.big_.node)->measured;
  } else if (value.small_.kind == Kind::Object) {
    cache = &static_cast<Value::ObjectNode*>(value.big_.node)->measured;
  } else {
    return measure_element(value);
  }
  if (std::uint64_t known = cache->load(std::memory_order_relaxed); known != 0) {
    return Measure{known & kMaxMeasuredBytes, static_cast<std::uint32_t>(known >> 48)};
  }
  // Two brackets, and a comma between elements. Each element is at most kMaxMeasuredBytes, so
  // a sum stays far from overflowing before it is capped again.
  std::uint64_t bytes = 2 + (value.size() > 0 ? value.size() - 1 : 0);
  std::uint32_t depth = 0;
  auto add = [&](std::uint64_t more, std::uint32_t deeper) {
    bytes = std::min(bytes + more, kMaxMeasuredBytes);
    depth = std::max(depth, deeper);
  };
  if (value.small_.kind == Kind::Array) {
    for (const Value& item : value.as_array()) {
      Measure m = measure_element(item);
      add(m.bytes, m.depth);
    }
  } else {
    for (const Member& member : value.members()) {
      // Keys are short, nearly always held inline.
      std::size_t key = member.key.small_.kind == Kind::SmallString
                            ? small_literal_size(member.key)
                            : string_literal_size(member.name());
      Measure m = measure_element(member.value);
      add(key + 1 + m.bytes, m.depth);
    }
  }
  depth = std::min<std::uint32_t>(depth + 1, 0xFFFF);
  cache->store((std::uint64_t{depth} << 48) | bytes, std::memory_order_relaxed);
  return Measure{bytes, depth};
}

std::size_t serialized_size(const Value& value) { return measure(value).bytes; }

}  // namespace baton::json
