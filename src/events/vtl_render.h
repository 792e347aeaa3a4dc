#pragma once

// The renderer of mapping templates (internal to events/vtl_*.cc). vtl_render.cc walks the
// nodes and expressions; vtl_methods.cc holds the Java methods of strings, lists, maps and
// numbers; vtl_input.cc holds $input and $util. One Renderer renders one template once, on the
// calling thread.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asl/path.h"
#include "core/error.h"
#include "events/vtl.h"
#include "events/vtl_ast.h"
#include "events/vtl_value.h"

namespace baton::events::vtl {

class Renderer {
 public:
  Renderer(const Program& program, const Variables& variables, const RenderOptions& options);

  [[nodiscard]] Result<Rendered> run();

 private:
  enum class Flow { Normal, Break, Stop };

  // vtl_render.cc
  Result<Flow> render_nodes(const NodeList& nodes, std::string& out);
  Result<Flow> render_node(const Node& node, std::string& out);
  Result<Flow> render_reference(const Node& node, std::string& out);
  Result<Flow> render_foreach(const Node& node, std::string& out);
  Result<Flow> render_macro(const Node& node, std::string& out);
  Result<Value> eval(const Expr& expr);
  Result<Value> eval_binary(const Expr& expr);
  Result<Value> eval_reference(const Reference& ref);
  Result<Value> access(const Value& target, const Accessor& accessor);
  Result<void> assign(const Reference& target, Value value);
  Result<void> append_text(const Value& value, std::string& out, Position position);
  Result<std::string> text_of(const Value& value, Position position = {});
  Result<void> step(Position position);
  Result<void> write(std::string& out, std::string_view text, Position position);
  bool velocity_equals(const Value& a, const Value& b);

  // vtl_methods.cc
  Result<Value> call_method(const Value& target, const Accessor& accessor,
                            std::vector<Value>& args);
  Result<Value> string_method(const Value& target, const Accessor& accessor,
                              std::vector<Value>& args);
  Result<Value> list_method(const Value& target, const Accessor& accessor,
                            std::vector<Value>& args);
  Result<Value> map_method(const Value& target, const Accessor& accessor, std::vector<Value>& args);
  Result<Value> property(const Value& target, const Accessor& accessor);
  Result<Value> as_string(const Value& target);  // toString()

  // vtl_input.cc
  Result<Value> input_method(const Accessor& accessor, std::vector<Value>& args);
  Result<Value> util_method(const Accessor& accessor, std::vector<Value>& args);
  Result<const json::Value*> body_json(const Accessor& accessor);
  Result<std::optional<json::Value>> select(const Accessor& accessor, const Value& path);
  Value params();

 public:
  // For the methods' files: an error of this render at `position`.
  Unexpected<Error> error_at(Position position, const std::string& what) const;
  Result<std::string> string_arg(const Accessor& accessor, std::vector<Value>& args, std::size_t i);
  Result<std::int64_t> int_arg(const Accessor& accessor, std::vector<Value>& args, std::size_t i);
  Unexpected<Error> unsupported(const Value& target, const Accessor& accessor, std::size_t n);

 private:
  const Program& program_;
  const Variables& variables_;
  RenderOptions options_;
  Heap heap_;
  std::unordered_map<std::string, Value> vars_;
  std::size_t steps_ = 0;
  std::size_t iterations_ = 0;
  std::size_t call_depth_ = 0;
  std::optional<json::Value> body_;
  std::map<std::string, asl::Path, std::less<>> paths_;
  std::optional<Value> params_;
};

}  // namespace baton::events::vtl
