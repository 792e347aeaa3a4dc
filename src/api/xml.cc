#include "api/xml.h"

#include <cstdint>

namespace baton::api::xml {

namespace {

constexpr std::size_t kMaxDepth = 64;

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Result<Element> document() {
    skip_prolog();
    if (!at('<')) return error("expected the root element");
    Element root;
    if (auto ok = element(root, 0); !ok) return Unexpected<Error>(ok.error());
    skip_misc();
    if (pos_ != text_.size()) return error("content after the root element");
    return root;
  }

 private:
  Expected<void, Error> element(Element& out, std::size_t depth) {
    if (depth > kMaxDepth) return error("elements nested too deeply");
    ++pos_;  // '<'
    std::string name = read_name();
    if (name.empty()) return error("expected an element name");
    out.name = local(name);
    // Attributes: skipped (the protocols carry nothing in them that a request needs).
    while (pos_ < text_.size() && text_[pos_] != '>' && text_[pos_] != '/') {
      char c = text_[pos_];
      if (c == '"' || c == '\'') {
        std::size_t end = text_.find(c, pos_ + 1);
        if (end == std::string_view::npos) return error("an unterminated attribute value");
        pos_ = end + 1;
      } else {
        ++pos_;
      }
    }
    if (pos_ >= text_.size()) return error("an unterminated start tag");
    if (text_[pos_] == '/') {
      if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '>') return error("expected '>'");
      pos_ += 2;
      return {};
    }
    ++pos_;  // '>'
    while (true) {
      if (pos_ >= text_.size()) return error("element <" + name + "> is not closed");
      if (text_.compare(pos_, 2, "</") == 0) {
        pos_ += 2;
        std::string closing = read_name();
        if (closing != name) return error("</" + closing + "> closes <" + name + ">");
        skip_space();
        if (!at('>')) return error("expected '>'");
        ++pos_;
        return {};
      }
      if (text_.compare(pos_, 4, "<!--") == 0) {
        std::size_t end = text_.find("-->", pos_ + 4);
        if (end == std::string_view::npos) return error("an unterminated comment");
        pos_ = end + 3;
      } else if (text_.compare(pos_, 9, "<![CDATA[") == 0) {
        std::size_t end = text_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return error("an unterminated CDATA section");
        out.text.append(text_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (text_[pos_] == '<') {
        out.children.emplace_back();
        if (auto ok = element(out.children.back(), depth + 1); !ok) return ok;
      } else if (auto ok = characters(out.text); !ok) {
        return ok;
      }
    }
  }

  Expected<void, Error> characters(std::string& out) {
    while (pos_ < text_.size() && text_[pos_] != '<') {
      if (text_[pos_] != '&') {
        out += text_[pos_++];
        continue;
      }
      std::size_t end = text_.find(';', pos_);
      if (end == std::string_view::npos) return error("an unterminated entity");
      std::string_view entity = text_.substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
      if (entity == "lt") {
        out += '<';
      } else if (entity == "gt") {
        out += '>';
      } else if (entity == "amp") {
        out += '&';
      } else if (entity == "quot") {
        out += '"';
      } else if (entity == "apos") {
        out += '\'';
      } else if (entity.size() > 1 && entity[0] == '#') {
        bool hex = entity[1] == 'x';
        std::string_view digits = entity.substr(hex ? 2 : 1);
        std::uint32_t code = 0;
        for (char c : digits) {
          int digit = c >= '0' && c <= '9'          ? c - '0'
                      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                    : -1;
          if (digit < 0 || code > 0x10FFFF) return error("a malformed character reference");
          code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
        }
        // What is no character (XML's Char production) would be invalid UTF-8.
        if (digits.empty() || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
          return error("a malformed character reference");
        }
        append_utf8(out, code);
      } else {
        return error("an unknown entity &" + std::string(entity) + ";");
      }
    }
    return {};
  }

  static void append_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  std::string read_name() {
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/' || c == '=') {
        break;
      }
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  static std::string local(const std::string& name) {
    auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\n')) {
      ++pos_;
    }
  }

  // Whitespace, comments and processing instructions (<?xml ...?>).
  void skip_misc() {
    while (true) {
      skip_space();
      if (text_.compare(pos_, 2, "<?") == 0) {
        std::size_t end = text_.find("?>", pos_);
        pos_ = end == std::string_view::npos ? text_.size() : end + 2;
      } else if (text_.compare(pos_, 4, "<!--") == 0) {
        std::size_t end = text_.find("-->", pos_);
        pos_ = end == std::string_view::npos ? text_.size() : end + 3;
      } else {
        return;
      }
    }
  }

  void skip_prolog() {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    skip_misc();
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  Unexpected<Error> error(const std::string& what) const {
    return fail("MalformedXML",
                "The XML you provided was not well-formed or did not validate "
                "against our published schema (" +
                    what + " at byte " + std::to_string(pos_) + ")");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

const Element* Element::child(std::string_view wanted) const {
  for (const Element& c : children) {
    if (c.name == wanted) return &c;
  }
  return nullptr;
}

void escape(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xD;";
        break;
      default:
        out += c;
    }
  }
}

Result<Element> parse(std::string_view text) { return Reader(text).document(); }

}  // namespace baton::api::xml
