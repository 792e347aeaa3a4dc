// json::Value -> text, as AWS writes it: compact, keys in order, integers as integers.

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "core/json.h"
#include "core/json_node.h"

namespace baton::json {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Characters a JSON string literal must escape; everything else (including non-ASCII UTF-8
// and '/') is written as is, as Jackson does.
bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

void write_double(double d, std::string& out) {
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), d);
  std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  out.append(text);
  // A double stays a double when written: 3.0 does not become the integer 3.
  if (text.find_first_of(".en") == std::string_view::npos) out.append(".0");
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

std::size_t string_literal_size(std::string_view s) {
  std::size_t n = 2;
  for (unsigned char c : s) {
    if (!needs_escape(c)) {
      n += 1;
    } else if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
               c == '\t') {
      n += 2;
    } else {
      n += 6;
    }
  }
  return n;
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

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > kMaxMeasuredBytes - std::min(b, kMaxMeasuredBytes) ? kMaxMeasuredBytes : a + b;
}

std::uint64_t scalar_bytes(const Value& value) {
  switch (value.type()) {
    case Type::Null:
      return 4;
    case Type::Boolean:
      return value.as_bool() ? 4 : 5;
    case Type::Number: {
      std::string text;
      write_number(value, text);
      return text.size();
    }
    case Type::String:
      return string_literal_size(value.as_string());
    case Type::Array:
    case Type::Object:
      break;
  }
  return 0;
}

}  // namespace

Measure measure(const Value& value) {
  if (!value.is_array() && !value.is_object()) return Measure{scalar_bytes(value), 0};
  MeasureCache& cache = value.is_array()
                            ? static_cast<Value::ArrayNode*>(value.big_.node)->measured
                            : static_cast<Value::ObjectNode*>(value.big_.node)->measured;
  if (std::uint64_t known = cache.load(std::memory_order_relaxed); known != 0) {
    return Measure{known & kMaxMeasuredBytes, static_cast<std::uint32_t>(known >> 48)};
  }
  // Two brackets, and a comma between elements.
  std::uint64_t bytes = 2 + (value.size() > 0 ? value.size() - 1 : 0);
  std::uint32_t depth = 0;
  auto add = [&](const Measure& m) {
    bytes = saturating_add(bytes, m.bytes);
    depth = std::max(depth, m.depth);
  };
  if (value.is_array()) {
    for (const Value& item : value.as_array()) add(measure(item));
  } else {
    for (const Member& m : value.members()) {
      add(Measure{string_literal_size(m.name()) + 1, 0});
      add(measure(m.value));
    }
  }
  depth = std::min<std::uint32_t>(depth + 1, 0xFFFF);
  cache.store((std::uint64_t{depth} << 48) | bytes, std::memory_order_relaxed);
  return Measure{bytes, depth};
}

std::size_t serialized_size(const Value& value) { return measure(value).bytes; }

}  // namespace baton::json
