#pragma once

// The parser of mapping templates (internal to events/vtl_*.cc): template text -> Program.
// vtl_parse.cc reads text, references and directives with Velocity 1.7's whitespace rules;
// vtl_parse_expr.cc reads the expressions inside them. One Parser reads one template, once.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "events/vtl_ast.h"

namespace baton::events::vtl {

class Parser {
 public:
  Parser(std::string_view text, Program& program);

  // The whole template into program.nodes.
  [[nodiscard]] Result<void> parse();

  // How a run of nodes ended.
  enum class End { Limit, End, Else, ElseIf };

  // Template level (vtl_parse.cc). Reads nodes up to `limit` or a #end/#else/#elseif when
  // `in_block`. False on an error (error_ says which).
  bool parse_nodes(NodeList& out, End& ended, std::size_t limit, bool in_block);

  // Expressions (vtl_parse_expr.cc).
  bool parse_expression(Expr& out);
  // A reference at `$`. In text, a `$` that starts no reference returns false without an error.
  bool parse_reference(Reference& out, bool in_text);
  bool reference_follows(std::size_t offset) const;

  // Shared helpers.
  bool fail(std::size_t offset, const std::string& what);
  bool failed() const { return error_.has_value(); }
  Position position_at(std::size_t offset) const;
  void skip_whitespace();  // spaces, tabs and line breaks, as inside a directive
  bool at(char c) const { return pos_ < limit_ && text_[pos_] == c; }
  bool at_word(std::string_view word) const;  // `word` not followed by a name character
  bool enter(std::size_t offset);             // one level deeper; false past kMaxNesting
  void leave() { --depth_; }

 private:
  // Directives (vtl_parse.cc).
  bool parse_directive(std::string_view name, std::size_t hash, NodeList& out);
  bool parse_if(std::size_t hash, NodeList& out);
  bool parse_foreach(std::size_t hash, NodeList& out);
  bool parse_set(std::size_t hash, NodeList& out);
  bool parse_define(std::size_t hash, NodeList& out);
  bool parse_macro(std::size_t hash);
  bool parse_line_directive(NodeKind kind, std::size_t hash, NodeList& out);
  bool parse_macro_call(std::string_view name, std::size_t hash, std::size_t after_name,
                        NodeList& out);
  bool parse_block(NodeList& body, std::size_t opened_at, std::string_view what, End& ended);
  bool expect(char c, std::string_view what);
  void eat_line_end();  // [ \t]* and one line break, when a line break follows

  // Expression levels (vtl_parse_expr.cc).
  bool parse_binary(Expr& out, int level);
  bool parse_unary(Expr& out);
  bool parse_primary(Expr& out);
  bool parse_string(Expr& out);
  bool parse_number(Expr& out);
  bool parse_list(Expr& out);
  bool parse_map(Expr& out);
  bool parse_accessors(Reference& out, bool in_text);
  bool parse_arguments(std::vector<Expr>& out, char close);
  std::string read_name();

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t limit_ = 0;
  Program& program_;
  std::size_t depth_ = 0;
  std::vector<std::size_t> line_starts_;
  std::optional<Error> error_;
};

// Whether `c` may continue a reference's name (Velocity's identifiers take '-' too: `$a-b`).
inline bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace baton::events::vtl
