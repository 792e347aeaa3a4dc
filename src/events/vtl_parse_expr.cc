// Expressions and references of the mapping-template parser. Velocity 1.7's grammar, from the
// loosest operator to the tightest: || (or), && (and), == != (eq ne), < > <= >= (lt gt le ge),
// + -, * / %, ! (not); values are references, "interpolated" and 'literal' strings, integers,
// decimals, true, false, null, [lists], [ranges..], {maps} and parentheses.

#include <charconv>
#include <string>

#include "events/vtl.h"
#include "events/vtl_parse.h"

namespace baton::events::vtl {

namespace {

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool hex4(std::string_view s, std::size_t at, std::uint32_t& value) {
  if (at + 4 > s.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    int digit = is_digit(c)              ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
    if (digit < 0) return false;
    value = value * 16 + static_cast<std::uint32_t>(digit);
  }
  return true;
}

// A string literal's text as Velocity 1.7 reads it: a doubled quote is one quote, and \uXXXX is
// that character; other backslashes stay as they are.
std::string unescape(std::string_view raw, char quote) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::uint32_t unit = 0;
    if (raw[i] == quote && i + 1 < raw.size() && raw[i + 1] == quote) {
      out += quote;
      ++i;
    } else if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'u' &&
               hex4(raw, i + 2, unit)) {
      std::uint32_t low = 0;
      if (unit >= 0xD800 && unit < 0xDC00 && raw.substr(i + 6, 2) == "\\u" &&
          hex4(raw, i + 8, low) && low >= 0xDC00 && low < 0xE000) {
        append_utf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), out);
        i += 11;
      } else {
        append_utf8(unit >= 0xD800 && unit < 0xE000 ? 0xFFFD : unit, out);
        i += 5;
      }
    } else {
      out += raw[i];
    }
  }
  return out;
}

void unescape_text_nodes(NodeList& nodes) {
  for (Node& node : nodes) {
    if (node.kind == NodeKind::Text) node.text = unescape(node.text, '"');
  }
}

}  // namespace

std::string Parser::read_name() {
  std::size_t start = pos_;
  if (pos_ < limit_ && (is_alpha(text_[pos_]) || text_[pos_] == '_')) {
    ++pos_;
    while (pos_ < limit_ && is_name_char(text_[pos_])) ++pos_;
  }
  return std::string(text_.substr(start, pos_ - start));
}

bool Parser::reference_follows(std::size_t offset) const {
  if (offset >= limit_ || text_[offset] != '$') return false;
  std::size_t i = offset + 1;
  if (i < limit_ && text_[i] == '!') ++i;
  if (i < limit_ && text_[i] == '{') ++i;
  return i < limit_ && (is_alpha(text_[i]) || text_[i] == '_');
}

bool Parser::parse_reference(Reference& out, bool in_text) {
  std::size_t start = pos_;
  if (!reference_follows(pos_)) {
    if (in_text) return false;
    return fail(pos_, "expected a reference ($name)");
  }
  out.position = position_at(start);
  ++pos_;
  if (at('!')) {
    out.quiet = true;
    ++pos_;
  }
  bool formal = at('{');
  if (formal) ++pos_;
  out.name = read_name();
  if (!parse_accessors(out, in_text)) return false;
  if (formal) {
    if (!at('}')) return fail(pos_, "expected '}' closing ${" + out.name);
    ++pos_;
  }
  out.source = std::string(text_.substr(start, pos_ - start));
  return true;
}

bool Parser::parse_accessors(Reference& out, bool /*in_text*/) {
  while (pos_ < limit_) {
    Accessor accessor;
    accessor.position = position_at(pos_);
    if (at('[')) {
      if (!enter(pos_)) return false;
      ++pos_;
      Expr index;
      if (!parse_expression(index) || !expect(']', "closing the index")) return false;
      leave();
      accessor.kind = Accessor::Kind::Index;
      accessor.args.push_back(std::move(index));
    } else if (at('.') && pos_ + 1 < limit_ && is_alpha(text_[pos_ + 1])) {
      ++pos_;
      accessor.name = read_name();
      if (at('(')) {
        if (!enter(pos_)) return false;
        ++pos_;
        accessor.kind = Accessor::Kind::Method;
        if (!parse_arguments(accessor.args, ')')) return false;
        leave();
      }
    } else {
      break;
    }
    out.accessors.push_back(std::move(accessor));
  }
  return true;
}

bool Parser::parse_arguments(std::vector<Expr>& out, char close) {
  while (true) {
    skip_whitespace();
    if (pos_ >= limit_) {
      return fail(pos_, "expected '" + std::string(1, close) + "' closing the arguments");
    }
    if (at(close)) {
      ++pos_;
      return true;
    }
    if (!out.empty()) {  // a comma between arguments (macro calls may use spaces alone)
      if (at(',')) ++pos_;
    }
    Expr argument;
    if (!parse_expression(argument)) return false;
    out.push_back(std::move(argument));
  }
}

bool Parser::parse_expression(Expr& out) {
  if (!enter(pos_)) return false;
  bool ok = parse_binary(out, 0);
  leave();
  return ok;
}

namespace {

struct OperatorSpelling {
  std::string_view symbol;
  std::string_view word;
  BinaryOp op;
};

// Per level, longest symbols first.
constexpr OperatorSpelling kOperators[][4] = {
    {{"||", "or", BinaryOp::Or}},
    {{"&&", "and", BinaryOp::And}},
    {{"==", "eq", BinaryOp::Eq}, {"!=", "ne", BinaryOp::Ne}},
    {{"<=", "le", BinaryOp::Le},
     {">=", "ge", BinaryOp::Ge},
     {"<", "lt", BinaryOp::Lt},
     {">", "gt", BinaryOp::Gt}},
    {{"+", "", BinaryOp::Add}, {"-", "", BinaryOp::Sub}},
    {{"*", "", BinaryOp::Mul}, {"/", "", BinaryOp::Div}, {"%", "", BinaryOp::Mod}},
};
constexpr int kLevels = 6;

}  // namespace

bool Parser::parse_binary(Expr& out, int level) {
  if (level == kLevels) return parse_unary(out);
  Expr left;
  if (!parse_binary(left, level + 1)) return false;
  while (true) {
    skip_whitespace();
    const OperatorSpelling* found = nullptr;
    for (const OperatorSpelling& spelling : kOperators[level]) {
      if (spelling.symbol.empty()) break;
      if (text_.substr(pos_, spelling.symbol.size()) == spelling.symbol &&
          pos_ + spelling.symbol.size() <= limit_) {
        found = &spelling;
        pos_ += spelling.symbol.size();
        break;
      }
      if (!spelling.word.empty() && at_word(spelling.word)) {
        found = &spelling;
        pos_ += spelling.word.size();
        break;
      }
    }
    if (found == nullptr) break;
    Expr binary;
    binary.kind = ExprKind::Binary;
    binary.op = found->op;
    binary.position = left.position;
    Expr right;
    if (!parse_binary(right, level + 1)) return false;
    binary.operands.push_back(std::move(left));
    binary.operands.push_back(std::move(right));
    left = std::move(binary);
  }
  out = std::move(left);
  return true;
}

bool Parser::parse_unary(Expr& out) {
  skip_whitespace();
  bool bang = at('!') && !(pos_ + 1 < limit_ && text_[pos_ + 1] == '=');
  if (bang || at_word("not")) {
    Position position = position_at(pos_);
    pos_ += bang ? 1 : 3;
    if (!enter(pos_)) return false;
    Expr operand;
    if (!parse_unary(operand)) return false;
    leave();
    out.kind = ExprKind::Not;
    out.position = position;
    out.operands.push_back(std::move(operand));
    return true;
  }
  return parse_primary(out);
}

bool Parser::parse_primary(Expr& out) {
  skip_whitespace();
  out.position = position_at(pos_);
  if (pos_ >= limit_) return fail(pos_, "expected a value");
  char c = text_[pos_];
  char next = pos_ + 1 < limit_ ? text_[pos_ + 1] : '\0';
  if (c == '"' || c == '\'') return parse_string(out);
  if (c == '$') {
    Reference ref;
    if (!parse_reference(ref, false)) return false;
    out.kind = ExprKind::Reference;
    out.reference = std::make_shared<const Reference>(std::move(ref));
    return true;
  }
  if (c == '[') return parse_list(out);
  if (c == '{') return parse_map(out);
  if (c == '(') {
    ++pos_;
    return parse_expression(out) && expect(')', "closing the parenthesis");
  }
  if (is_digit(c) || ((c == '-' || c == '.') && is_digit(next)) ||
      (c == '-' && next == '.' && pos_ + 2 < limit_ && is_digit(text_[pos_ + 2]))) {
    return parse_number(out);
  }
  if (at_word("true") || at_word("false")) {
    out.kind = ExprKind::Boolean;
    out.boolean = c == 't';
    pos_ += out.boolean ? 4 : 5;
    return true;
  }
  if (at_word("null")) {
    out.kind = ExprKind::Null;
    pos_ += 4;
    return true;
  }
  return fail(pos_, "expected a value");
}

bool Parser::parse_string(Expr& out) {
  char quote = text_[pos_];
  std::size_t open = pos_;
  std::size_t i = pos_ + 1;
  while (true) {
    if (i >= limit_) return fail(open, "a string has no closing " + std::string(1, quote));
    if (text_[i] == quote) {
      if (i + 1 < limit_ && text_[i + 1] == quote) {
        i += 2;
        continue;
      }
      break;
    }
    ++i;
  }
  std::string_view raw = text_.substr(open + 1, i - open - 1);
  if (quote == '"' && raw.find_first_of("$#") != std::string_view::npos) {
    // "…$x…": the string is a template of its own, rendered each time it is evaluated.
    auto parts = std::make_shared<NodeList>();
    pos_ = open + 1;
    End ended = End::Limit;
    if (!enter(open) || !parse_nodes(*parts, ended, i, false)) return false;
    leave();
    unescape_text_nodes(*parts);
    out.kind = ExprKind::Interpolated;
    out.parts = std::move(parts);
  } else {
    out.kind = ExprKind::String;
    out.string = unescape(raw, quote);
  }
  pos_ = i + 1;
  return true;
}

bool Parser::parse_number(Expr& out) {
  std::size_t start = pos_;
  if (at('-')) ++pos_;
  while (pos_ < limit_ && is_digit(text_[pos_])) ++pos_;
  bool decimal = false;
  if (at('.') && pos_ + 1 < limit_ && is_digit(text_[pos_ + 1])) {
    decimal = true;
    ++pos_;
    while (pos_ < limit_ && is_digit(text_[pos_])) ++pos_;
  }
  if ((at('e') || at('E'))) {
    std::size_t mark = pos_++;
    if (at('+') || at('-')) ++pos_;
    if (pos_ < limit_ && is_digit(text_[pos_])) {
      decimal = true;
      while (pos_ < limit_ && is_digit(text_[pos_])) ++pos_;
    } else {
      pos_ = mark;
    }
  }
  std::string_view digits = text_.substr(start, pos_ - start);
  if (!decimal) {
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.integer);
    if (ec == std::errc() && end == digits.data() + digits.size()) {
      out.kind = ExprKind::Integer;
      return true;
    }
  }
  std::string copy(digits);
  auto [end, ec] = std::from_chars(copy.data(), copy.data() + copy.size(), out.number);
  if (ec != std::errc()) return fail(start, "the number " + copy + " is out of range");
  out.kind = ExprKind::Double;
  return true;
}

bool Parser::parse_list(Expr& out) {
  std::size_t open = pos_++;
  if (!enter(open)) return false;
  out.kind = ExprKind::List;
  skip_whitespace();
  if (at(']')) {
    ++pos_;
    leave();
    return true;
  }
  Expr first;
  if (!parse_expression(first)) return false;
  skip_whitespace();
  if (text_.substr(pos_, 2) == ".." && pos_ + 2 <= limit_) {
    pos_ += 2;
    Expr last;
    if (!parse_expression(last) || !expect(']', "closing the range")) return false;
    out.kind = ExprKind::Range;
    out.operands.push_back(std::move(first));
    out.operands.push_back(std::move(last));
    leave();
    return true;
  }
  out.operands.push_back(std::move(first));
  while (true) {
    skip_whitespace();
    if (at(']')) break;
    if (!at(',')) return fail(pos_, "expected ',' or ']' in the list");
    ++pos_;
    Expr item;
    if (!parse_expression(item)) return false;
    out.operands.push_back(std::move(item));
  }
  ++pos_;
  leave();
  return true;
}

bool Parser::parse_map(Expr& out) {
  std::size_t open = pos_++;
  if (!enter(open)) return false;
  out.kind = ExprKind::Map;
  skip_whitespace();
  if (!at('}')) {
    while (true) {
      Expr key;
      Expr value;
      if (!parse_expression(key) || !expect(':', "between a map's key and value") ||
          !parse_expression(value)) {
        return false;
      }
      out.operands.push_back(std::move(key));
      out.operands.push_back(std::move(value));
      skip_whitespace();
      if (at('}')) break;
      if (!at(',')) return fail(pos_, "expected ',' or '}' in the map");
      ++pos_;
    }
  }
  ++pos_;
  leave();
  return true;
}

}  // namespace baton::events::vtl
