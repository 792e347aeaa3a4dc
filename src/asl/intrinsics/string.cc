// States.Format, States.StringSplit, States.Base64Encode, States.Base64Decode.

#include <string>

#include "asl/intrinsics/functions.h"
#include "core/crypto.h"

namespace baton::asl {

using json::Value;

namespace {

// AWS limit: Base64Encode and Base64Decode take at most 10,000 characters.
constexpr std::size_t kMaxBase64Input = 10000;

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// How States.Format prints a value: strings as they are, other scalars as JSON, objects and
// arrays the way Java prints its maps and lists ({a=1, b=[x, y]}), as AWS does.
void render(const Value& v, std::string& out) {
  switch (v.type()) {
    case json::Type::String:
      out.append(v.as_string());
      return;
    case json::Type::Array: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.as_array()) {
        if (!first) out.append(", ");
        first = false;
        render(item, out);
      }
      out.push_back(']');
      return;
    }
    case json::Type::Object: {
      out.push_back('{');
      bool first = true;
      for (const json::Member& m : v.members()) {
        if (!first) out.append(", ");
        first = false;
        out.append(m.name());
        out.push_back('=');
        render(m.value, out);
      }
      out.push_back('}');
      return;
    }
    default:
      json::write(v, out);
  }
}

// Replaces each `{}` of `tmpl` with the next argument. `\x` stands for `x`; a lone brace
// is an error, as is a count of placeholders different from the count of arguments.
Result<Value> format(const IntrinsicCall& call, std::string_view tmpl) {
  std::string out;
  std::size_t next_arg = 1;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    char c = tmpl[i];
    if (c == '\\' && i + 1 < tmpl.size()) {
      out.push_back(tmpl[++i]);
    } else if (c == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '}') {
      if (next_arg >= call.args.size()) {
        return invalid_arguments(call,
                                 "the number of arguments does not match the occurrences of {}");
      }
      render(call.args[next_arg++], out);
      ++i;
    } else if (c == '{' || c == '}') {
      return invalid_arguments(call, "the template has an unmatched '" + std::string(1, c) +
                                         "'; escape it as '\\" + std::string(1, c) + "'");
    } else {
      out.push_back(c);
    }
  }
  if (next_arg != call.args.size()) {
    return invalid_arguments(call, "the number of arguments does not match the occurrences of {}");
  }
  return Value::string(out);
}

// Java's MIME decoder, which AWS uses: characters outside the alphabet are skipped, padding
// ends the data, and a missing padding is tolerated.
std::optional<std::string> decode_lenient(std::string_view text) {
  std::string sextets;
  for (char c : text) {
    if (c == '=') break;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
        c == '/') {
      sextets.push_back(c);
    }
  }
  if (sextets.size() % 4 == 1) return std::nullopt;
  while (sextets.size() % 4 != 0) sextets.push_back('=');
  return crypto::base64_decode(sextets);
}

// Bytes that are not UTF-8 become U+FFFD, as Java's String(bytes, UTF_8) makes them.
std::string valid_utf8(std::string_view bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < bytes.size()) {
    auto c = static_cast<unsigned char>(bytes[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    bool ok = n > 0 && i + n <= bytes.size() && !(n == 2 && c < 0xC2);
    for (std::size_t k = 1; ok && k < n; ++k) {
      ok = (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    }
    if (ok) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      i += 1;
    }
  }
  return out;
}

}  // namespace

Result<Value> intrinsic_format(const IntrinsicCall& call) {
  const Value& first = call.args[0];
  if (!first.is_string()) return invalid_arguments(call, "the first argument must be a string");
  // A literal template is read from its raw text, where `\{` is not a placeholder's `{`.
  const auto* literal = std::get_if<IntrinsicLiteral>(&call.call.arguments()[0].value);
  if (literal != nullptr && literal->is_string) return format(call, literal->raw);
  return format(call, first.as_string());
}

Result<Value> intrinsic_string_split(const IntrinsicCall& call) {
  if (!call.args[0].is_string() || !call.args[1].is_string()) {
    return invalid_arguments(call, "both arguments must be strings");
  }
  std::string_view text = call.args[0].as_string();
  std::string_view delimiters = call.args[1].as_string();
  // Every character of the second argument separates; empty pieces are dropped.
  auto is_delimiter = [&](std::string_view ch) {
    for (std::size_t i = 0; i < delimiters.size();) {
      auto c = static_cast<unsigned char>(delimiters[i]);
      std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
      if (delimiters.substr(i, n) == ch) return true;
      i += n;
    }
    return false;
  };
  std::vector<Value> parts;
  std::string current;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    std::string_view ch = text.substr(i, n);
    if (is_delimiter(ch)) {
      if (!current.empty()) parts.push_back(Value::string(current));
      current.clear();
    } else {
      current.append(ch);
    }
    i += n;
  }
  if (!current.empty()) parts.push_back(Value::string(current));
  return Value::array(std::move(parts));
}

Result<Value> intrinsic_base64_encode(const IntrinsicCall& call) {
  if (!call.args[0].is_string()) return invalid_arguments(call, "the argument must be a string");
  std::string_view data = call.args[0].as_string();
  if (count_chars(data) > kMaxBase64Input) {
    return invalid_arguments(call, "the input is longer than 10000 characters");
  }
  return Value::string(crypto::base64_encode(data));
}

Result<Value> intrinsic_base64_decode(const IntrinsicCall& call) {
  if (!call.args[0].is_string()) return invalid_arguments(call, "the argument must be a string");
  std::string_view data = call.args[0].as_string();
  if (count_chars(data) > kMaxBase64Input) {
    return invalid_arguments(call, "the input is longer than 10000 characters");
  }
  auto decoded = decode_lenient(data);
  if (!decoded) return invalid_arguments(call, "the input is not Base64");
  return Value::string(valid_utf8(*decoded));
}

}  // namespace baton::asl
