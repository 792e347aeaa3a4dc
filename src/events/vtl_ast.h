#pragma once

// The compiled form of a mapping template (events/vtl.h): nodes of text, references and
// directives, and the expressions inside them. Built once by vtl_parse.cc; rendering
// (vtl_render.cc) never reads the template's text again. Immutable once built.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace baton::events::vtl {

struct Position {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

struct Expr;
struct Node;
using NodeList = std::vector<Node>;

// One step after a reference's name: `.name`, `.name(args)`, `[index]`.
struct Accessor {
  enum class Kind { Property, Method, Index };
  Kind kind = Kind::Property;
  std::string name;        // Property, Method
  std::vector<Expr> args;  // Method's arguments; Index's one expression
  Position position;
};

// $name, $!name, ${name}, $!{name}, with accessors.
struct Reference {
  std::string name;
  std::vector<Accessor> accessors;
  bool quiet = false;
  std::string source;  // the reference as written, which a null renders as in Velocity
  Position position;
};

enum class ExprKind {
  Null,
  Boolean,
  Integer,
  Double,
  String,
  Interpolated,
  Reference,
  List,
  Range,
  Map,
  Not,
  Binary
};
enum class BinaryOp { Or, And, Eq, Ne, Lt, Gt, Le, Ge, Add, Sub, Mul, Div, Mod };

struct Expr {
  ExprKind kind = ExprKind::Null;
  Position position;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string string;                     // String
  std::shared_ptr<const NodeList> parts;  // Interpolated: the string as a template
  std::shared_ptr<const Reference> reference;
  std::vector<Expr> operands;  // List items; Range from, to; Map key, value, key, value...;
                               // Not's operand; Binary's left, right
  BinaryOp op = BinaryOp::Or;
};

enum class NodeKind { Text, Reference, Set, If, Foreach, Break, Stop, Define, MacroCall };

struct Node {
  NodeKind kind = NodeKind::Text;
  Position position;
  // Text: the text. MacroCall: the call as written (rendered when no such macro exists).
  // Define: the block's name. Foreach: the loop variable's name.
  std::string text;
  // Reference: the reference rendered. Set: its target.
  std::shared_ptr<const Reference> reference;
  // Reference: backslashes written before it (`\$x`): half of them render, and an odd count
  // escapes the reference.
  std::uint32_t backslashes = 0;
  // Set: the value. If: each #if/#elseif condition. Foreach: the collection. MacroCall: args.
  std::vector<Expr> exprs;
  // If: a block per condition, then the #else block if any. Foreach, Define: the body.
  std::vector<NodeList> blocks;
};

struct Macro {
  std::string name;
  std::vector<std::string> parameters;  // without the $
  NodeList body;
};

struct Program {
  NodeList nodes;
  std::map<std::string, Macro, std::less<>> macros;
};

}  // namespace baton::events::vtl
