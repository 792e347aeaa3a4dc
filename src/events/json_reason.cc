#include "events/json_reason.h"

#include <string>

namespace baton::events {

namespace {

constexpr std::string_view kExpectingValue =
    "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_token_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || u >= 0x80;
}

// How Jackson names a character it did not expect: "'x' (code 120)".
std::string character(char c) {
  auto code = static_cast<unsigned char>(c);
  if (code < 0x20) return "(CTRL-CHAR, code " + std::to_string(code) + ")";
  return "'" + std::string(1, c) + "' (code " + std::to_string(code) + ")";
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  JsonScan run() {
    if (!value()) return {0, std::move(fault_)};
    return {at_, ""};
  }

 private:
  void skip_space() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
  }

  bool failed(std::string fault) {
    fault_ = std::move(fault);
    return false;
  }

  bool end_of_input(std::string_view within) {
    return failed("Unexpected end-of-input" + std::string(within));
  }

  bool unexpected(std::string_view expecting) {
    return failed("Unexpected character (" + character(text_[at_]) +
                  "): " + std::string(expecting));
  }

  bool token() {
    std::size_t start = at_;
    while (at_ < text_.size() && is_token_char(text_[at_])) ++at_;
    std::string_view word = text_.substr(start, at_ - start);
    if (word == "true" || word == "false" || word == "null") return true;
    return failed("Unrecognized token '" + std::string(word) +
                  "': " + std::string(kExpectingValue));
  }

  bool string() {
    ++at_;  // the opening quote
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) {
        --at_;
        return failed("Illegal unquoted character (" + character(c) +
                      "): has to be escaped using backslash to be included in string value");
      }
      if (c == '\\') {
        if (at_ >= text_.size()) break;
        char e = text_[at_++];
        if (e == 'u') {
          for (int i = 0; i < 4; ++i, ++at_) {
            if (at_ >= text_.size()) return end_of_input(" in VALUE_STRING");
            char h = text_[at_];
            bool hex = (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
            if (!hex) {
              return failed("Unexpected character (" + character(h) +
                            "): expected a hex-digit for character escape sequence");
            }
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return failed("Unrecognized character escape " + character(e));
        }
      }
    }
    return end_of_input(": was expecting closing quote for a string value");
  }

  bool number() {
    if (text_[at_] == '-') ++at_;
    std::size_t digits = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    if (at_ == digits) {
      if (at_ >= text_.size()) return end_of_input(" in a Number value");
      return failed("Unexpected character (" + character(text_[at_]) +
                    ") in numeric value: expected digit (0-9) to follow minus sign, for valid "
                    "numeric value");
    }
    if (at_ - digits > 1 && text_[digits] == '0') {
      return failed("Invalid numeric value: Leading zeroes not allowed");
    }
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      std::size_t fraction = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      if (at_ == fraction) {
        if (at_ >= text_.size()) return end_of_input(" in a Number value");
        return failed("Unexpected character (" + character(text_[at_]) +
                      ") in numeric value: Decimal point not followed by a digit");
      }
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      std::size_t exponent = at_;
      while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
      if (at_ == exponent) {
        if (at_ >= text_.size()) return end_of_input(" in a Number value");
        return failed("Unexpected character (" + character(text_[at_]) +
                      ") in numeric value: Exponent indicator not followed by a digit");
      }
    }
    return true;
  }

  bool container(char close) {
    bool object = close == '}';
    std::string_view kind = object ? "Object" : "Array";
    ++at_;
    skip_space();
    if (at_ < text_.size() && text_[at_] == close) {
      ++at_;
      return true;
    }
    while (true) {
      skip_space();
      if (at_ >= text_.size()) {
        return end_of_input(": expected close marker for " + std::string(kind));
      }
      if (object) {
        if (text_[at_] != '"') return unexpected("was expecting double-quote to start field name");
        if (!string()) return false;
        skip_space();
        if (at_ >= text_.size()) return end_of_input(": expected close marker for Object");
        if (text_[at_] != ':') {
          return unexpected("was expecting a colon to separate field name and value");
        }
        ++at_;
      }
      if (!value()) return false;
      skip_space();
      if (at_ >= text_.size()) {
        return end_of_input(": expected close marker for " + std::string(kind));
      }
      if (text_[at_] == close) {
        ++at_;
        return true;
      }
      if (text_[at_] != ',') {
        return unexpected("was expecting comma to separate " + std::string(kind) + " entries");
      }
      ++at_;
    }
  }

  bool value() {
    if (++depth_ > kMaxDepth) return failed("Document nesting depth exceeds the maximum allowed");
    skip_space();
    if (at_ >= text_.size()) return end_of_input(": expected a value");
    char c = text_[at_];
    bool ok = false;
    if (c == '{') {
      ok = container('}');
    } else if (c == '[') {
      ok = container(']');
    } else if (c == '"') {
      ok = string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      ok = number();
    } else if (is_token_char(c)) {
      ok = token();
    } else {
      ok = unexpected(
          "expected a valid value (JSON String, Number, Array, Object or token "
          "'null', 'true' or 'false')");
    }
    --depth_;
    return ok;
  }

  static constexpr std::size_t kMaxDepth = 1000;

  std::string_view text_;
  std::size_t at_ = 0;
  std::size_t depth_ = 0;
  std::string fault_;
};

}  // namespace

JsonScan scan_json(std::string_view text) { return Scanner(text).run(); }

}  // namespace baton::events
