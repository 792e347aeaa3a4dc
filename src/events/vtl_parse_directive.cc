// Directives of the mapping-template parser: #if/#elseif/#else, #foreach, #set, #define,
// #macro and macro calls, #break and #stop. Each `)` that closes one takes the blanks and the
// line break after it (Velocity 1.7; see vtl_parse.cc).

#include <string>

#include "events/vtl.h"
#include "events/vtl_parse.h"

namespace baton::events::vtl {

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

}  // namespace baton::events::vtl
