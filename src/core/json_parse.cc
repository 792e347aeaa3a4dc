// Text -> json::Value. simdjson does the work; when it refuses a document (a syntax error, or
// an integer beyond 64 bits, which Jackson and so AWS accept), a plain recursive-descent
// parser reads it again: it reports where the error is, which simdjson cannot, and it reads
// oversized integers as doubles.

#include <simdjson.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/json.h"
#include "core/json_node.h"

namespace baton::json {
namespace {

Value from_element(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return Value::null();
    case simdjson::dom::element_type::BOOL:
      return Value::boolean(element.get_bool().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return Value::integer(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return Value::unsigned_integer(element.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE:
      return Value::number(element.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return Value::string(element.get_string().value_unsafe());
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array array;
      if (element.get_array().get(array)) return Value::null();
      std::vector<Value> items;
      items.reserve(array.size());
      for (simdjson::dom::element item : array) items.push_back(from_element(item));
      return Value::array(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object object;
      if (element.get_object().get(object)) return Value::null();
      std::vector<Member> members;
      members.reserve(object.size());
      for (simdjson::dom::key_value_pair field : object) {
        members.push_back(Member{Value::string(field.key), from_element(field.value)});
      }
      return Value::object(std::move(members));
    }
  }
  return Value::null();
}

// As from_element, noting keys written twice, with where their object is.
Value from_element_noting_duplicates(simdjson::dom::element element, std::string& location,
                                     std::vector<DuplicateKey>& duplicates) {
  if (element.type() == simdjson::dom::element_type::ARRAY) {
    simdjson::dom::array array;
    if (element.get_array().get(array)) return Value::null();
    std::vector<Value> items;
    std::size_t index = 0;
    for (simdjson::dom::element item : array) {
      std::size_t mark = location.size();
      location += "[" + std::to_string(index++) + "]";
      items.push_back(from_element_noting_duplicates(item, location, duplicates));
      location.resize(mark);
    }
    return Value::array(std::move(items));
  }
  if (element.type() != simdjson::dom::element_type::OBJECT) return from_element(element);
  simdjson::dom::object object;
  if (element.get_object().get(object)) return Value::null();
  std::vector<Member> members;
  for (simdjson::dom::key_value_pair field : object) {
    for (const Member& m : members) {
      if (m.name() == field.key) {
        duplicates.push_back(
            DuplicateKey{location.empty() ? "/" : location, std::string(field.key)});
        break;
      }
    }
    std::size_t mark = location.size();
    location += "/";
    location += field.key;
    members.push_back(Member{Value::string(field.key),
                             from_element_noting_duplicates(field.value, location, duplicates)});
    location.resize(mark);
  }
  return Value::object(std::move(members));
}

// The slow path: a strict RFC 8259 parser that knows where it is.
class SlowParser {
 public:
  SlowParser(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  Expected<Value, ParseError> parse_document() {
    skip_space();
    if (at_end()) return error("No content to map due to end-of-input");
    auto value = parse_value(0);
    if (!value) return value;
    skip_space();
    if (!at_end()) {
      return unexpected("Unexpected character (" + describe_char() +
                        "): expected end of input after the JSON value");
    }
    return value;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  void skip_space() {
    while (!at_end()) {
      char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  // A character as Jackson names it in messages: 'x' (code 120), or (CTRL-CHAR, code 10).
  std::string describe_char() const {
    unsigned char c = static_cast<unsigned char>(peek());
    if (c < 0x20) return "(CTRL-CHAR, code " + std::to_string(c) + ")";
    std::string shown = c < 0x7f ? std::string(1, static_cast<char>(c)) : "?";
    return "'" + shown + "' (code " + std::to_string(c) + ")";
  }

  // Jackson reports an unexpected character just after it, on its own line.
  Unexpected<ParseError> unexpected(std::string message) {
    auto e = error(std::move(message));
    ParseError moved = std::move(e).error();
    ++moved.column;
    ++moved.offset;
    return Unexpected<ParseError>(std::move(moved));
  }

  // The 1-based line and column of byte `offset`; columns count characters, not bytes.
  void locate(std::size_t offset, std::size_t& line, std::size_t& column) const {
    line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    column = 1;
    for (std::size_t i = line_start; i < offset && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
  }

  Unexpected<ParseError> error(std::string message) const {
    ParseError e;
    e.message = std::move(message);
    e.offset = pos_;
    locate(pos_, e.line, e.column);
    return Unexpected<ParseError>(std::move(e));
  }

  // End of input inside an array or object: Jackson also says where it began.
  Unexpected<ParseError> unclosed(std::string_view kind, std::size_t start) const {
    ParseError e;
    e.message = "Unexpected end-of-input: expected close marker for " + std::string(kind);
    e.offset = pos_;
    locate(pos_, e.line, e.column);
    locate(start, e.marker_line, e.marker_column);
    return Unexpected<ParseError>(std::move(e));
  }

  // Jackson's words for its own nesting limit.
  Expected<Value, ParseError> too_deep(std::size_t depth) {
    return error("Document nesting depth (" + std::to_string(depth) +
                 ") exceeds the maximum allowed (" + std::to_string(max_depth_) + ")");
  }

  // `depth`: the arrays and objects around the value.
  Expected<Value, ParseError> parse_value(std::size_t depth) {
    skip_space();
    if (at_end()) return error("Unexpected end-of-input: expected a JSON value");
    switch (peek()) {
      case '{':
        return parse_object(depth);
      case '[':
        return parse_array(depth);
      case '"': {
        auto s = parse_string();
        if (!s) return Unexpected<ParseError>(std::move(s).error());
        return Value::string(*s);
      }
      case 't':
        return parse_literal("true", Value::boolean(true));
      case 'f':
        return parse_literal("false", Value::boolean(false));
      case 'n':
        return parse_literal("null", Value::null());
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        if (std::isalpha(static_cast<unsigned char>(peek()))) return unrecognized_token();
        return unexpected("Unexpected character (" + describe_char() +
                          "): expected a valid value (JSON String, Number, Array, Object or token "
                          "'null', 'true' or 'false')");
    }
  }

  Expected<Value, ParseError> parse_literal(std::string_view word, Value value) {
    if (text_.substr(pos_, word.size()) != word ||
        (pos_ + word.size() < text_.size() &&
         std::isalnum(static_cast<unsigned char>(text_[pos_ + word.size()])))) {
      return unrecognized_token();
    }
    pos_ += word.size();
    return value;
  }

  // A bare word that is not a literal, reported as Jackson reports it: after the whole word.
  Unexpected<ParseError> unrecognized_token() {
    std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')) {
      ++pos_;
    }
    return error("Unrecognized token '" + std::string(text_.substr(start, pos_ - start)) +
                 "': was expecting (JSON String, Number, Array, Object or token 'null', 'true' "
                 "or 'false')");
  }

  Expected<Value, ParseError> parse_number() {
    std::size_t start = pos_;
    bool integral = true;
    if (peek() == '-') ++pos_;
    if (at_end() || !(peek() >= '0' && peek() <= '9')) {
      return error("Invalid number: expected a digit after '-'");
    }
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && peek() >= '0' && peek() <= '9') {
        return error("Invalid number: leading zeroes are not allowed");
      }
    } else {
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (!at_end() && peek() == '.') {
      integral = false;
      ++pos_;
      if (at_end() || !(peek() >= '0' && peek() <= '9')) {
        return error("Invalid number: expected a digit after the decimal point");
      }
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      integral = false;
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (at_end() || !(peek() >= '0' && peek() <= '9')) {
        return error("Invalid number: expected a digit in the exponent");
      }
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    }
    std::string_view digits = text_.substr(start, pos_ - start);
    if (integral) {
      std::int64_t i = 0;
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), i);
      if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) return Value::integer(i);
      std::uint64_t u = 0;
      r = std::from_chars(digits.data(), digits.data() + digits.size(), u);
      if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
        return Value::unsigned_integer(u);
      }
    }
    // Beyond 64 bits, or a fraction: a double. from_chars gives the correctly rounded value.
    double d = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), d);
    if (r.ec == std::errc::result_out_of_range) {
      d = digits.front() == '-' ? -HUGE_VAL : HUGE_VAL;
    } else if (r.ec != std::errc()) {
      return error("Invalid number");
    }
    if (!std::isfinite(d)) return error("Invalid number: out of the range of a double");
    return Value::number(d);
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Expected<std::uint32_t, ParseError> parse_hex4() {
    if (pos_ + 4 > text_.size()) return error("Unexpected end-of-input in a \\u escape");
    std::uint32_t cp = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_];
      cp <<= 4;
      if (c >= '0' && c <= '9') {
        cp |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        cp |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        cp |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return unexpected("Unexpected character (" + describe_char() +
                          "): expected a hex digit in a \\u escape");
      }
      ++pos_;
    }
    return cp;
  }

  // Length of the UTF-8 sequence starting at pos_, or 0 when it is not valid UTF-8.
  std::size_t utf8_length() const {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text_[pos_ + i]); };
    unsigned char c = byte(0);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || pos_ + n > text_.size()) return 0;
    for (std::size_t i = 1; i < n; ++i) {
      if ((byte(i) & 0xC0) != 0x80) return 0;
    }
    if (n == 2 && c < 0xC2) return 0;                      // overlong
    if (n == 3 && c == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (n == 3 && c == 0xED && byte(1) >= 0xA0) return 0;  // surrogate
    if (n == 4 && (c > 0xF4 || (c == 0xF0 && byte(1) < 0x90) || (c == 0xF4 && byte(1) >= 0x90))) {
      return 0;
    }
    return n;
  }

  Expected<std::string, ParseError> parse_string() {
    ++pos_;  // the opening quote
    std::string out;
    while (true) {
      if (at_end())
        return error("Unexpected end-of-input: was expecting closing quote for a string value");
      char c = peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return unexpected("Illegal unquoted character (" + describe_char() +
                          "): has to be escaped using backslash to be included in string value");
      }
      if (c != '\\') {
        std::size_t n = utf8_length();
        if (n == 0) return error("Invalid UTF-8 in a string");
        out.append(text_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      ++pos_;
      if (at_end()) return error("Unexpected end-of-input in a character escape sequence");
      char e = peek();
      ++pos_;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          auto cp = parse_hex4();
          if (!cp) return Unexpected<ParseError>(std::move(cp).error());
          std::uint32_t code = *cp;
          if (code >= 0xD800 && code <= 0xDBFF) {
            if (text_.substr(pos_, 2) != "\\u") return error("Unpaired surrogate in a \\u escape");
            pos_ += 2;
            auto low = parse_hex4();
            if (!low) return Unexpected<ParseError>(std::move(low).error());
            if (*low < 0xDC00 || *low > 0xDFFF) return error("Unpaired surrogate in a \\u escape");
            code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            return error("Unpaired surrogate in a \\u escape");
          }
          append_utf8(out, code);
          break;
        }
        default:
          --pos_;
          return unexpected("Unrecognized character escape " + describe_char());
      }
    }
  }

  Expected<Value, ParseError> parse_array(std::size_t depth) {
    if (depth >= max_depth_) return too_deep(depth + 1);
    std::size_t start = pos_++;
    std::vector<Value> items;
    skip_space();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return Value::array(std::move(items));
    }
    while (true) {
      auto item = parse_value(depth + 1);
      if (!item) return item;
      items.push_back(std::move(*item));
      skip_space();
      if (at_end()) return unclosed("Array", start);
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return Value::array(std::move(items));
      }
      return unexpected("Unexpected character (" + describe_char() +
                        "): was expecting comma to separate Array entries");
    }
  }

  Expected<Value, ParseError> parse_object(std::size_t depth) {
    if (depth >= max_depth_) return too_deep(depth + 1);
    std::size_t start = pos_++;
    std::vector<Member> members;
    skip_space();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return Value::object(std::move(members));
    }
    while (true) {
      skip_space();
      if (at_end()) return unclosed("Object", start);
      if (peek() != '"') {
        return unexpected("Unexpected character (" + describe_char() +
                          "): was expecting double-quote to start field name");
      }
      auto key = parse_string();
      if (!key) return Unexpected<ParseError>(std::move(key).error());
      skip_space();
      if (at_end() || peek() != ':') {
        if (at_end()) return error("Unexpected end-of-input: was expecting a colon");
        return unexpected("Unexpected character (" + describe_char() +
                          "): was expecting a colon to separate field name and value");
      }
      ++pos_;
      auto value = parse_value(depth + 1);
      if (!value) return value;
      members.push_back(Member{Value::string(*key), std::move(*value)});
      skip_space();
      if (at_end()) return unclosed("Object", start);
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return Value::object(std::move(members));
      }
      return unexpected("Unexpected character (" + describe_char() +
                        "): was expecting comma to separate Object entries");
    }
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string ParseError::describe() const {
  std::string text = message;
  if (marker_line > 0) {
    text += " (start marker at line " + std::to_string(marker_line) + ", column " +
            std::to_string(marker_column) + ")";
  }
  return text + " at line " + std::to_string(line) + ", column " + std::to_string(column);
}

namespace {

// One simdjson parser per thread: it keeps its buffers between documents, and parsing is the
// hot path of every API request and every `baton run`.
// Its depth limit is the largest any caller asks for; parse() applies each caller's own.
simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    // Should this fail, the parser keeps simdjson's own depth limit (1,024), and deeper
    // documents go to the slow parser.
    (void)!p.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, kMaxStoredDepth);
    return p;
  }();
  return parser;
}

simdjson::error_code parse_fast(std::string_view text, simdjson::dom::element& root) {
  return thread_parser().parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root);
}

}  // namespace

Expected<Value, ParseError> parse(std::string_view text, std::size_t max_depth) {
  simdjson::dom::parser& parser = thread_parser();
  if (!parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).error()) {
    std::size_t depth = 0;
    Value value = build_parsed_document(parser.doc.tape.get(), parser.doc.string_buf.get(), depth);
    if (depth <= max_depth) return value;
  }
  // The slow parser says where the document is wrong, or too deep.
  return SlowParser(text, max_depth).parse_document();
}

Expected<Value, ParseError> parse(std::string_view text, std::vector<DuplicateKey>& duplicates) {
  simdjson::dom::element root;
  auto error = parse_fast(text, root);
  if (error) return SlowParser(text, kMaxDepth).parse_document();
  std::string location;
  Value value = from_element_noting_duplicates(root, location, duplicates);
  // simdjson's own limit is kMaxStoredDepth; the slow parser says where kMaxDepth is passed.
  if (measure(value).depth > kMaxDepth) return SlowParser(text, kMaxDepth).parse_document();
  return value;
}

}  // namespace baton::json
