// Template level of the mapping-template parser: text, references, comments and directives,
// with Velocity 1.7's whitespace rules (docs/mapping-templates.md, "Whitespace"):
//  - the `)` closing a directive (#set, #if, #elseif, #foreach, #define, #macro, a macro call)
//    takes the spaces and tabs after it and one line break, when a line break follows;
//  - #else and #end take the same;
//  - #set also takes the spaces and tabs before it when they begin a text run (the line holds
//    nothing else before them, or a directive ended just before);
//  - `## comment` takes its line break; nothing else is removed (an indented #if or #end line
//    keeps its indentation).

#include "events/vtl_parse.h"

#include <algorithm>
#include <string>

#include "events/vtl.h"

namespace baton::events::vtl {

namespace {

bool is_directive_keyword(std::string_view name) {
  static constexpr std::string_view kKeywords[] = {
      "if",   "elseif", "else",  "end",      "set",   "foreach", "break",
      "stop", "define", "macro", "evaluate", "parse", "include"};
  return std::find(std::begin(kKeywords), std::end(kKeywords), name) != std::end(kKeywords);
}

// `#name` or `#{name}` at `hash`: the name and the length of what was read, or an empty name.
struct DirectiveWord {
  std::string_view name;
  std::size_t length = 0;
};
DirectiveWord directive_word(std::string_view text, std::size_t hash, std::size_t limit) {
  std::size_t i = hash + 1;
  bool braced = i < limit && text[i] == '{';
  if (braced) ++i;
  std::size_t start = i;
  if (i >= limit || !(is_alpha(text[i]) || text[i] == '_')) return {};
  while (i < limit && (is_alpha(text[i]) || is_digit(text[i]) || text[i] == '_')) ++i;
  std::string_view name = text.substr(start, i - start);
  if (braced) {
    if (i >= limit || text[i] != '}') return {};
    ++i;
  }
  return {name, i - hash};
}

bool only_blanks(std::string_view s) { return s.find_first_not_of(" \t") == std::string::npos; }

}  // namespace

Parser::Parser(std::string_view text, Program& program)
    : text_(text), limit_(text.size()), program_(program) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      line_starts_.push_back(i + 1);
    }
  }
}

Result<void> Parser::parse() {
  if (text_.size() > kMaxTemplateBytes) {
    return baton::fail(std::string(kInvalidTemplate),
                       "Invalid mapping expression specified: the template is longer than " +
                           std::to_string(kMaxTemplateBytes) + " bytes");
  }
  End ended = End::Limit;
  if (!parse_nodes(program_.nodes, ended, text_.size(), false)) return Unexpected(*error_);
  return {};
}

Position Parser::position_at(std::size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
  std::size_t start = line_starts_[line - 1];
  std::size_t column = 1;
  for (std::size_t i = start; i < offset && i < text_.size(); ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;  // characters
  }
  return {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column)};
}

bool Parser::fail(std::size_t offset, const std::string& what) {
  if (error_) return false;
  Position p = position_at(offset);
  error_ = Error{std::string(kInvalidTemplate), "Invalid mapping expression specified: " + what +
                                                    " at line " + std::to_string(p.line) +
                                                    ", column " + std::to_string(p.column)};
  return false;
}

bool Parser::enter(std::size_t offset) {
  if (++depth_ > kMaxNesting) {
    return fail(offset, "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
  }
  return true;
}

void Parser::skip_whitespace() {
  while (pos_ < limit_ && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                           text_[pos_] == '\r')) {
    ++pos_;
  }
}

bool Parser::at_word(std::string_view word) const {
  if (text_.substr(pos_, word.size()) != word || pos_ + word.size() > limit_) return false;
  std::size_t next = pos_ + word.size();
  return next >= limit_ || !(is_alpha(text_[next]) || is_digit(text_[next]) || text_[next] == '_');
}

bool Parser::expect(char c, std::string_view what) {
  skip_whitespace();
  if (!at(c)) return fail(pos_, "expected '" + std::string(1, c) + "' " + std::string(what));
  ++pos_;
  return true;
}

void Parser::eat_line_end() {
  std::size_t i = pos_;
  while (i < limit_ && (text_[i] == ' ' || text_[i] == '\t')) ++i;
  if (i < limit_ && text_[i] == '\n') {
    pos_ = i + 1;
  } else if (i < limit_ && text_[i] == '\r') {
    pos_ = (i + 1 < limit_ && text_[i + 1] == '\n') ? i + 2 : i + 1;
  }
}

bool Parser::parse_nodes(NodeList& out, End& ended, std::size_t limit, bool in_block) {
  std::size_t saved_limit = limit_;
  limit_ = limit;
  std::string pending;        // text not yet in a node
  std::size_t run_start = 0;  // where in `pending` the current text run began
  std::size_t pending_at = pos_;
  auto flush = [&] {
    if (!pending.empty()) {
      Node node;
      node.kind = NodeKind::Text;
      node.position = position_at(pending_at);
      node.text = std::move(pending);
      out.push_back(std::move(node));
    }
    pending.clear();
    run_start = 0;
    pending_at = pos_;
  };
  auto finish = [&](End how) {
    flush();
    ended = how;
    limit_ = saved_limit;
    return true;
  };
  while (pos_ < limit_) {
    if (failed()) return false;
    char c = text_[pos_];
    if (c == '\\') {
      std::size_t n = 0;
      while (pos_ + n < limit_ && text_[pos_ + n] == '\\') ++n;
      std::size_t after = pos_ + n;
      if (reference_follows(after)) {
        flush();
        pos_ = after;
        Node node;
        node.kind = NodeKind::Reference;
        node.position = position_at(after);
        node.backslashes = static_cast<std::uint32_t>(n);
        Reference ref;
        if (!parse_reference(ref, true)) return false;
        node.reference = std::make_shared<const Reference>(std::move(ref));
        out.push_back(std::move(node));
        pending_at = pos_;
        continue;
      }
      DirectiveWord word = after < limit_ && text_[after] == '#'
                               ? directive_word(text_, after, limit_)
                               : DirectiveWord{};
      if (!word.name.empty() && (is_directive_keyword(word.name) ||
                                 program_.macros.find(word.name) != program_.macros.end())) {
        // An escaped directive renders as text; an even run of backslashes renders half of
        // itself before a directive that runs.
        pending.append(n / 2, '\\');
        pos_ = after;
        if (n % 2 == 1) {
          pending.append(text_.substr(after, word.length));
          pos_ = after + word.length;
        }
        run_start = pending.size();
        continue;
      }
      pending.append(text_.substr(pos_, n));
      pos_ = after;
      run_start = pending.size();
      continue;
    }
    if (c == '$') {
      if (reference_follows(pos_)) {
        flush();
        Node node;
        node.kind = NodeKind::Reference;
        node.position = position_at(pos_);
        Reference ref;
        if (!parse_reference(ref, true)) return false;
        node.reference = std::make_shared<const Reference>(std::move(ref));
        out.push_back(std::move(node));
        pending_at = pos_;
        continue;
      }
      pending += '$';
      ++pos_;
      run_start = pending.size();
      continue;
    }
    if (c != '#') {
      std::size_t next = text_.find_first_of("$#\\", pos_);
      if (next == std::string_view::npos || next > limit_) next = limit_;
      pending.append(text_.substr(pos_, next - pos_));
      pos_ = next;
      continue;
    }
    std::size_t hash = pos_;
    char next = hash + 1 < limit_ ? text_[hash + 1] : '\0';
    if (next == '#') {  // ## comment, through its line break
      std::size_t eol = text_.find_first_of("\r\n", hash);
      if (eol == std::string_view::npos || eol >= limit_) {
        pos_ = limit_;
      } else {
        pos_ = eol + 1;
        if (text_[eol] == '\r' && pos_ < limit_ && text_[pos_] == '\n') ++pos_;
      }
      run_start = pending.size();
      continue;
    }
    if (next == '*') {  // #* comment *#
      std::size_t close = text_.find("*#", hash + 2);
      if (close == std::string_view::npos || close + 2 > limit_) {
        return fail(hash, "a #* comment has no closing *#");
      }
      pos_ = close + 2;
      run_start = pending.size();
      continue;
    }
    if (next == '[' && hash + 2 < limit_ && text_[hash + 2] == '[') {  // #[[ unparsed ]]#
      std::size_t close = text_.find("]]#", hash + 3);
      if (close == std::string_view::npos || close + 3 > limit_) {
        return fail(hash, "a #[[ block has no closing ]]#");
      }
      pending.append(text_.substr(hash + 3, close - hash - 3));
      pos_ = close + 3;
      run_start = pending.size();
      continue;
    }
    DirectiveWord word = directive_word(text_, hash, limit_);
    std::string_view name = word.name;
    if (name == "end" || name == "else" || name == "elseif") {
      if (!in_block) return fail(hash, "#" + std::string(name) + " without an open directive");
      pos_ = hash + word.length;
      if (name != "elseif") eat_line_end();
      return finish(name == "end" ? End::End : name == "else" ? End::Else : End::ElseIf);
    }
    if (name == "set") {
      std::size_t i = hash + word.length;
      while (i < limit_ && text_[i] == ' ') ++i;
      if (i < limit_ && text_[i] == '(') {
        if (only_blanks(std::string_view(pending).substr(run_start))) pending.resize(run_start);
        flush();
        if (!parse_set(hash, out)) return false;
        pending_at = pos_;
        continue;
      }
    } else if (!name.empty()) {
      std::size_t saved = pos_;
      pos_ = hash + word.length;
      if (is_directive_keyword(name)) {
        flush();
        pos_ = hash + word.length;
        if (!parse_directive(name, hash, out)) return false;
        pending_at = pos_;
        continue;
      }
      // Perhaps a macro call: `#name(` (a macro defined anywhere in the template).
      std::size_t after_name = pos_;
      skip_whitespace();
      if (at('(')) {
        std::string before = pending;
        flush();
        if (parse_macro_call(name, hash, after_name, out)) {
          pending_at = pos_;
          continue;
        }
        if (failed()) return false;
        pending = std::move(before);  // not a call: the text stays text
        run_start = pending.size();
      }
      pos_ = saved;
    }
    pending += '#';
    ++pos_;
    run_start = pending.size();
  }
  return finish(End::Limit);
}

bool Parser::parse_directive(std::string_view name, std::size_t hash, NodeList& out) {
  if (name == "if") return parse_if(hash, out);
  if (name == "foreach") return parse_foreach(hash, out);
  if (name == "define") return parse_define(hash, out);
  if (name == "macro") return parse_macro(hash);
  if (name == "break") return parse_line_directive(NodeKind::Break, hash, out);
  if (name == "stop") return parse_line_directive(NodeKind::Stop, hash, out);
  return fail(hash, "#" + std::string(name) + " is not supported in mapping templates");
}

bool Parser::parse_block(NodeList& body, std::size_t opened_at, std::string_view what, End& ended) {
  if (!enter(opened_at)) return false;
  if (!parse_nodes(body, ended, limit_, true)) return false;
  leave();
  if (ended == End::Limit) return fail(opened_at, std::string(what) + " has no #end");
  return true;
}

bool Parser::parse_if(std::size_t hash, NodeList& out) {
  Node node;
  node.kind = NodeKind::If;
  node.position = position_at(hash);
  bool has_else = false;
  while (true) {
    if (!has_else) {
      if (!expect('(', "after #if or #elseif")) return false;
      Expr condition;
      if (!parse_expression(condition) || !expect(')', "closing the condition")) return false;
      eat_line_end();
      node.exprs.push_back(std::move(condition));
    }
    NodeList body;
    End ended = End::Limit;
    if (!parse_block(body, hash, "#if", ended)) return false;
    node.blocks.push_back(std::move(body));
    if (ended == End::End) break;
    if (has_else) return fail(pos_, "#else or #elseif after #else");
    has_else = ended == End::Else;
  }
  out.push_back(std::move(node));
  return true;
}

bool Parser::parse_foreach(std::size_t hash, NodeList& out) {
  Node node;
  node.kind = NodeKind::Foreach;
  node.position = position_at(hash);
  if (!expect('(', "after #foreach")) return false;
  skip_whitespace();
  if (!at('$')) return fail(pos_, "expected the loop variable ($name) in #foreach");
  ++pos_;
  node.text = read_name();
  if (node.text.empty()) return fail(pos_, "expected the loop variable's name in #foreach");
  skip_whitespace();
  if (!at_word("in")) return fail(pos_, "expected 'in' in #foreach");
  pos_ += 2;
  Expr collection;
  if (!parse_expression(collection) || !expect(')', "closing #foreach")) return false;
  eat_line_end();
  node.exprs.push_back(std::move(collection));
  NodeList body;
  End ended = End::Limit;
  if (!parse_block(body, hash, "#foreach", ended)) return false;
  if (ended != End::End) return fail(pos_, "#else or #elseif inside #foreach");
  node.blocks.push_back(std::move(body));
  out.push_back(std::move(node));
  return true;
}

bool Parser::parse_set(std::size_t hash, NodeList& out) {
  Node node;
  node.kind = NodeKind::Set;
  node.position = position_at(hash);
  pos_ = text_.find('(', hash) + 1;
  skip_whitespace();
  if (!at('$')) return fail(pos_, "expected a reference to set in #set");
  Reference target;
  if (!parse_reference(target, false)) return false;
  node.reference = std::make_shared<const Reference>(std::move(target));
  if (!expect('=', "in #set")) return false;
  Expr value;
  if (!parse_expression(value) || !expect(')', "closing #set")) return false;
  eat_line_end();
  node.exprs.push_back(std::move(value));
  out.push_back(std::move(node));
  return true;
}

bool Parser::parse_define(std::size_t hash, NodeList& out) {
  Node node;
  node.kind = NodeKind::Define;
  node.position = position_at(hash);
  if (!expect('(', "after #define")) return false;
  skip_whitespace();
  if (!at('$')) return fail(pos_, "expected the block's reference ($name) in #define");
  ++pos_;
  node.text = read_name();
  if (node.text.empty() || !expect(')', "closing #define")) {
    return fail(pos_, "expected the block's name in #define");
  }
  eat_line_end();
  NodeList body;
  End ended = End::Limit;
  if (!parse_block(body, hash, "#define", ended)) return false;
  if (ended != End::End) return fail(pos_, "#else or #elseif inside #define");
  node.blocks.push_back(std::move(body));
  out.push_back(std::move(node));
  return true;
}

bool Parser::parse_macro(std::size_t hash) {
  if (!expect('(', "after #macro")) return false;
  skip_whitespace();
  Macro macro;
  macro.name = read_name();
  if (macro.name.empty()) return fail(pos_, "expected the macro's name in #macro");
  if (is_directive_keyword(macro.name)) {
    return fail(pos_, "a macro may not be named #" + macro.name);
  }
  while (true) {
    skip_whitespace();
    if (at(',')) {
      ++pos_;
      continue;
    }
    if (at(')')) break;
    if (!at('$')) return fail(pos_, "expected a parameter ($name) or ')' in #macro");
    ++pos_;
    std::string parameter = read_name();
    if (parameter.empty()) return fail(pos_, "expected a parameter's name in #macro");
    macro.parameters.push_back(std::move(parameter));
  }
  ++pos_;
  eat_line_end();
  End ended = End::Limit;
  std::string name = macro.name;
  // Registered before its body is read, so that the body may call it (bounded when rendered).
  program_.macros[name] = Macro{name, macro.parameters, {}};
  NodeList body;
  if (!parse_block(body, hash, "#macro", ended)) return false;
  if (ended != End::End) return fail(pos_, "#else or #elseif inside #macro");
  program_.macros[name].body = std::move(body);
  return true;
}

bool Parser::parse_line_directive(NodeKind kind, std::size_t hash, NodeList& out) {
  Node node;
  node.kind = kind;
  node.position = position_at(hash);
  std::size_t after = pos_;
  skip_whitespace();
  if (at('(')) {  // #break($foreach), #stop(): the argument names the scope, and is not needed
    ++pos_;
    if (!parse_arguments(node.exprs, ')')) return false;
    eat_line_end();
  } else {
    pos_ = after;
  }
  out.push_back(std::move(node));
  return true;
}

bool Parser::parse_macro_call(std::string_view name, std::size_t hash, std::size_t after_name,
                              NodeList& out) {
  ++pos_;
  Node node;
  node.kind = NodeKind::MacroCall;
  node.position = position_at(hash);
  std::optional<Error> before = error_;
  if (!parse_arguments(node.exprs, ')')) {
    // Not a call after all (`#name(` in plain text): the text stays text.
    error_ = before;
    pos_ = after_name;
    return false;
  }
  eat_line_end();
  Reference callee;
  callee.name = std::string(name);
  node.reference = std::make_shared<const Reference>(std::move(callee));
  node.text = std::string(text_.substr(hash, pos_ - hash));
  out.push_back(std::move(node));
  return true;
}

Result<Template> Template::compile(std::string_view text) {
  auto program = std::make_shared<Program>();
  Parser parser(text, *program);
  if (auto parsed = parser.parse(); !parsed) return Unexpected(parsed.error());
  return Template(std::move(program));
}

}  // namespace baton::events::vtl
