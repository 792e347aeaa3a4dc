// The JSONPath compiler: text -> Path. Runs once per path, when a definition is parsed.

#include <charconv>
#include <cstring>

#include "asl/path.h"
#include "asl/path_internal.h"

namespace baton::asl {

using path_detail::Filter;
using path_detail::FilterOp;
using path_detail::Function;
using path_detail::Operand;
using path_detail::Segment;
using path_detail::SegmentKind;

namespace {

bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }

struct FunctionName {
  const char* name;
  Function function;
};

constexpr FunctionName kFunctions[] = {
    {"length", Function::Length}, {"min", Function::Min},   {"max", Function::Max},
    {"avg", Function::Avg},       {"sum", Function::Sum},   {"stddev", Function::StdDev},
    {"first", Function::First},   {"last", Function::Last}, {"keys", Function::Keys},
};

}  // namespace

// Recursive descent over one path's text. In a filter, paths end where an operator begins.
class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  Expected<Path, std::string> parse_whole() {
    auto path = parse_path(/*in_filter=*/false);
    if (!path) return path;
    if (pos_ != text_.size()) return error("unexpected character");
    path->text_ = std::string(text_);
    return path;
  }

 private:
  using Result = Expected<Path, std::string>;

  Unexpected<std::string> error(std::string_view what) const {
    return Unexpected<std::string>(std::string(what) + " at position " + std::to_string(pos_) +
                                   " of '" + std::string(text_) + "'");
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }

  // `$`, `$$`, `$name` or (in a filter) `@`, then segments.
  Result parse_path(bool in_filter) {
    Path path;
    std::size_t start = pos_;
    if (in_filter && peek() == '@') {
      ++pos_;
    } else if (peek() == '$') {
      ++pos_;
      if (peek() == '$') {
        ++pos_;
        path.root_ = PathRoot::Context;
      } else if (is_identifier_start(peek())) {
        std::size_t name_start = pos_;
        while (!at_end() && is_identifier_char(peek())) ++pos_;
        path.root_ = PathRoot::Variable;
        path.variable_ = std::string(text_.substr(name_start, pos_ - name_start));
      }
    } else {
      return error("a path starts with '$'");
    }
    while (!at_end()) {
      if (in_filter && ends_filter_path()) break;
      if (!path.segments_.empty() && path.segments_.back()->kind == SegmentKind::Function) {
        return error("a function must be the last step of a path");
      }
      auto segment = parse_segment(in_filter);
      if (!segment) return Unexpected<std::string>(std::move(segment).error());
      path.segments_.push_back(std::move(*segment));
    }
    // Jayway merges a list of properties at the end of a path into one object, so such a
    // path still names one node.
    path.definite_ = true;
    for (std::size_t i = 0; i < path.segments_.size(); ++i) {
      const Segment& s = *path.segments_[i];
      bool last =
          i + 1 == path.segments_.size() ||
          (i + 2 == path.segments_.size() && path.segments_.back()->kind == SegmentKind::Function);
      bool merged = last && !s.deep && s.kind == SegmentKind::Property && s.names.size() > 1;
      if (!s.is_definite() && !merged) path.definite_ = false;
    }
    path.text_ = std::string(text_.substr(start, pos_ - start));
    return path;
  }

  bool ends_filter_path() const {
    char c = peek();
    return c == ' ' || c == ')' || c == '=' || c == '!' || c == '<' || c == '>' || c == '&' ||
           c == '|' || c == ',' || c == '\t';
  }

  using SegmentResult = Expected<std::shared_ptr<const Segment>, std::string>;

  SegmentResult parse_segment(bool in_filter) {
    auto segment = std::make_shared<Segment>();
    if (peek() == '.' && peek(1) == '.') {
      pos_ += 2;
      segment->deep = true;
      if (peek() == '[') return parse_bracket(std::move(segment), in_filter);
      if (peek() == '*') {
        ++pos_;
        segment->kind = SegmentKind::Wildcard;
        return segment;
      }
      return parse_dot_name(std::move(segment), in_filter);
    }
    if (peek() == '.') {
      ++pos_;
      if (peek() == '*') {
        ++pos_;
        segment->kind = SegmentKind::Wildcard;
        return segment;
      }
      return parse_dot_name(std::move(segment), in_filter);
    }
    if (peek() == '[') return parse_bracket(std::move(segment), in_filter);
    return Unexpected<std::string>(error("expected '.' or '['").error());
  }

  SegmentResult parse_dot_name(std::shared_ptr<Segment> segment, bool in_filter) {
    std::size_t start = pos_;
    while (!at_end()) {
      char c = peek();
      if (c == '.' || c == '[' || c == '(') break;
      if (in_filter && ends_filter_path()) break;
      if (c == ' ' || c == ']' || c == '\'' || c == '"' || c == ')') {
        return Unexpected<std::string>(error("unexpected character in a property name").error());
      }
      ++pos_;
    }
    if (pos_ == start) return Unexpected<std::string>(error("empty property name").error());
    std::string name(text_.substr(start, pos_ - start));
    if (peek() == '(') {
      if (peek(1) != ')' || segment->deep) {
        return Unexpected<std::string>(error("functions take no arguments").error());
      }
      pos_ += 2;
      for (const FunctionName& f : kFunctions) {
        if (name == f.name) {
          segment->kind = SegmentKind::Function;
          segment->function = f.function;
          return segment;
        }
      }
      return Unexpected<std::string>(error("unknown function '" + name + "()'").error());
    }
    segment->kind = SegmentKind::Property;
    segment->names.push_back(std::move(name));
    return segment;
  }

  Expected<std::string, std::string> parse_quoted() {
    char quote = peek();
    ++pos_;
    std::string out;
    while (!at_end() && peek() != quote) {
      if (peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out.push_back(peek());
      ++pos_;
    }
    if (at_end()) return Unexpected<std::string>(error("unterminated quoted name").error());
    ++pos_;
    return out;
  }

  Expected<long long, std::string> parse_integer() {
    std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    long long value = 0;
    auto [ptr, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (ec != std::errc() || ptr != text_.data() + pos_) {
      pos_ = start;
      return Unexpected<std::string>(error("expected an integer").error());
    }
    return value;
  }

  SegmentResult parse_bracket(std::shared_ptr<Segment> segment, bool in_filter) {
    ++pos_;  // [
    skip_space();
    if (peek() == '*') {
      ++pos_;
      skip_space();
      if (peek() != ']') return Unexpected<std::string>(error("expected ']'").error());
      ++pos_;
      segment->kind = SegmentKind::Wildcard;
      return segment;
    }
    if (peek() == '?') {
      ++pos_;
      skip_space();
      if (peek() != '(') return Unexpected<std::string>(error("expected '(' after '?'").error());
      ++pos_;
      auto filter = parse_or();
      if (!filter) return Unexpected<std::string>(std::move(filter).error());
      skip_space();
      if (peek() != ')') return Unexpected<std::string>(error("expected ')'").error());
      ++pos_;
      skip_space();
      if (peek() != ']') return Unexpected<std::string>(error("expected ']'").error());
      ++pos_;
      segment->kind = SegmentKind::Filter;
      segment->filter = std::move(*filter);
      return segment;
    }
    if (peek() == '\'' || peek() == '"') {
      segment->kind = SegmentKind::Property;
      while (true) {
        skip_space();
        if (peek() != '\'' && peek() != '"') {
          return Unexpected<std::string>(error("expected a quoted name").error());
        }
        auto name = parse_quoted();
        if (!name) return Unexpected<std::string>(std::move(name).error());
        segment->names.push_back(std::move(*name));
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ']') {
          ++pos_;
          return segment;
        }
        return Unexpected<std::string>(error("expected ',' or ']'").error());
      }
    }
    // Indexes or a slice.
    std::optional<long long> first;
    if (peek() != ':') {
      auto i = parse_integer();
      if (!i) return Unexpected<std::string>(std::move(i).error());
      first = *i;
    }
    skip_space();
    if (peek() == ':') {
      ++pos_;
      skip_space();
      segment->kind = SegmentKind::Slice;
      segment->slice_start = first;
      if (peek() != ']') {
        auto end = parse_integer();
        if (!end) return Unexpected<std::string>(std::move(end).error());
        segment->slice_end = *end;
        skip_space();
      }
      if (peek() != ']') return Unexpected<std::string>(error("expected ']'").error());
      ++pos_;
      return segment;
    }
    segment->kind = SegmentKind::Index;
    segment->indexes.push_back(*first);
    while (peek() == ',') {
      ++pos_;
      skip_space();
      auto i = parse_integer();
      if (!i) return Unexpected<std::string>(std::move(i).error());
      segment->indexes.push_back(*i);
      skip_space();
    }
    if (peek() != ']') return Unexpected<std::string>(error("expected ']'").error());
    ++pos_;
    (void)in_filter;
    return segment;
  }

  // Filter expressions: or := and ('||' and)*; and := unary ('&&' unary)*;
  // unary := '!' unary | '(' or ')' | comparison.
  using FilterResult = Expected<std::shared_ptr<const Filter>, std::string>;

  FilterResult parse_or() {
    auto left = parse_and();
    if (!left) return left;
    skip_space();
    while (peek() == '|' && peek(1) == '|') {
      pos_ += 2;
      auto right = parse_and();
      if (!right) return right;
      auto node = std::make_shared<Filter>();
      node->op = FilterOp::Or;
      node->children = {std::move(*left), std::move(*right)};
      left = std::shared_ptr<const Filter>(std::move(node));
      skip_space();
    }
    return left;
  }

  FilterResult parse_and() {
    auto left = parse_unary();
    if (!left) return left;
    skip_space();
    while (peek() == '&' && peek(1) == '&') {
      pos_ += 2;
      auto right = parse_unary();
      if (!right) return right;
      auto node = std::make_shared<Filter>();
      node->op = FilterOp::And;
      node->children = {std::move(*left), std::move(*right)};
      left = std::shared_ptr<const Filter>(std::move(node));
      skip_space();
    }
    return left;
  }

  FilterResult parse_unary() {
    skip_space();
    if (peek() == '!' && peek(1) != '=') {
      ++pos_;
      auto inner = parse_unary();
      if (!inner) return inner;
      auto node = std::make_shared<Filter>();
      node->op = FilterOp::Not;
      node->children = {std::move(*inner)};
      return std::shared_ptr<const Filter>(std::move(node));
    }
    if (peek() == '(') {
      ++pos_;
      auto inner = parse_or();
      if (!inner) return inner;
      skip_space();
      if (peek() != ')') return Unexpected<std::string>(error("expected ')'").error());
      ++pos_;
      return inner;
    }
    return parse_comparison();
  }

  FilterResult parse_comparison() {
    auto node = std::make_shared<Filter>();
    auto left = parse_operand();
    if (!left) return Unexpected<std::string>(std::move(left).error());
    node->left = std::move(*left);
    skip_space();
    struct OpText {
      const char* text;
      FilterOp op;
    };
    static constexpr OpText kOps[] = {
        {"==", FilterOp::Eq}, {"!=", FilterOp::Ne},    {"<=", FilterOp::Le},
        {">=", FilterOp::Ge}, {"=~", FilterOp::Regex}, {"<", FilterOp::Lt},
        {">", FilterOp::Gt},  {"nin ", FilterOp::Nin}, {"in ", FilterOp::In},
    };
    for (const OpText& candidate : kOps) {
      std::string_view op_text(candidate.text);
      if (text_.substr(pos_, op_text.size()) == op_text) {
        pos_ += op_text.size();
        node->op = candidate.op;
        skip_space();
        if (candidate.op == FilterOp::Regex) return parse_regex(std::move(node));
        auto right = parse_operand();
        if (!right) return Unexpected<std::string>(std::move(right).error());
        node->right = std::move(*right);
        return std::shared_ptr<const Filter>(std::move(node));
      }
    }
    if (node->left.kind == Operand::Kind::Literal) {
      return Unexpected<std::string>(error("expected a comparison operator").error());
    }
    node->op = FilterOp::Exists;
    return std::shared_ptr<const Filter>(std::move(node));
  }

  FilterResult parse_regex(std::shared_ptr<Filter> node) {
    if (peek() != '/') return Unexpected<std::string>(error("expected /regex/").error());
    ++pos_;
    std::string pattern;
    while (!at_end() && peek() != '/') {
      if (peek() == '\\' && peek(1) == '/') ++pos_;
      pattern.push_back(peek());
      ++pos_;
    }
    if (at_end()) return Unexpected<std::string>(error("unterminated /regex/").error());
    ++pos_;
    auto flags = std::regex::ECMAScript;
    while (peek() == 'i' || peek() == 'm' || peek() == 's' || peek() == 'x' || peek() == 'u') {
      if (peek() == 'i') flags |= std::regex::icase;
      ++pos_;
    }
    // std::regex reports a bad pattern only by throwing: this is where baton meets it.
    try {
      node->regex = std::make_shared<const std::regex>(pattern, flags);
    } catch (const std::regex_error&) {
      return Unexpected<std::string>(error("invalid regular expression").error());
    }
    return std::shared_ptr<const Filter>(std::move(node));
  }

  Expected<Operand, std::string> parse_operand() {
    skip_space();
    Operand operand;
    char c = peek();
    if (c == '@' || c == '$') {
      auto path = parse_path(/*in_filter=*/true);
      if (!path) return Unexpected<std::string>(std::move(path).error());
      operand.kind = c == '@' ? Operand::Kind::Current : Operand::Kind::Root;
      operand.path = std::move(*path);
      return operand;
    }
    auto literal = parse_literal();
    if (!literal) return Unexpected<std::string>(std::move(literal).error());
    operand.literal = std::move(*literal);
    return operand;
  }

  Expected<json::Value, std::string> parse_literal() {
    skip_space();
    char c = peek();
    if (c == '\'' || c == '"') {
      auto s = parse_quoted();
      if (!s) return Unexpected<std::string>(std::move(s).error());
      return json::Value::string(*s);
    }
    if (c == '[') {
      ++pos_;
      std::vector<json::Value> items;
      skip_space();
      if (peek() == ']') {
        ++pos_;
        return json::Value::array(std::move(items));
      }
      while (true) {
        auto item = parse_literal();
        if (!item) return item;
        items.push_back(std::move(*item));
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ']') {
          ++pos_;
          return json::Value::array(std::move(items));
        }
        return Unexpected<std::string>(error("expected ',' or ']' in a list").error());
      }
    }
    for (auto [word, value] : {std::pair{"true", json::Value::boolean(true)},
                               std::pair{"false", json::Value::boolean(false)},
                               std::pair{"null", json::Value::null()}}) {
      std::size_t n = std::strlen(word);
      if (text_.substr(pos_, n) == word) {
        pos_ += n;
        return value;
      }
    }
    std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    while (!at_end() && ((peek() >= '0' && peek() <= '9') || peek() == '.' || peek() == 'e' ||
                         peek() == 'E' || ((peek() == '+' || peek() == '-') && pos_ > start))) {
      ++pos_;
    }
    auto number = json::parse(text_.substr(start, pos_ - start));
    if (pos_ == start || !number || !number->is_number()) {
      pos_ = start;
      return Unexpected<std::string>(error("expected a value").error());
    }
    return *number;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

Expected<Path, std::string> Path::compile(std::string_view text) {
  return PathParser(text).parse_whole();
}

Expected<Path, std::string> Path::compile_reference(std::string_view text) {
  auto path = compile(text);
  if (!path) return path;
  if (path->root() != PathRoot::Input) {
    return Unexpected<std::string>("a reference path starts with '$.' or is '$': '" +
                                   std::string(text) + "'");
  }
  for (const auto& segment : path->segments_) {
    bool simple =
        !segment->deep && ((segment->kind == SegmentKind::Property && segment->names.size() == 1) ||
                           (segment->kind == SegmentKind::Index && segment->indexes.size() == 1 &&
                            segment->indexes[0] >= 0));
    if (!simple) {
      return Unexpected<std::string>("a reference path names a single node: '" + std::string(text) +
                                     "'");
    }
    path->reference_steps_.push_back(segment->kind == SegmentKind::Property
                                         ? Path::Step{segment->names[0], -1}
                                         : Path::Step{"", segment->indexes[0]});
  }
  return path;
}

}  // namespace baton::asl
