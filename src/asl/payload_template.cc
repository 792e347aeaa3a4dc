#include "asl/payload_template.h"

#include <array>
#include <optional>
#include <variant>
#include <vector>

#include "asl/errors.h"

namespace baton::asl {

using json::Value;

struct PayloadTemplate::Node {
  struct Field {
    Value key;                                     // without the `.$`
    std::string field;                             // the key as written, for messages ("a.$")
    std::shared_ptr<const Node> nested;            // a static or nested value...
    std::shared_ptr<const Expression> expression;  // ...or a `.$` expression
  };
  // Exactly one of these is used: a value with nothing to evaluate, an object, or an array.
  std::optional<Value> constant;
  std::vector<Field> fields;
  std::vector<std::shared_ptr<const Node>> items;
  bool is_array = false;
  bool distinct_keys = true;  // no two fields share a key once `.$` is taken off
};

namespace {

using Node = PayloadTemplate::Node;

// A plain string that reads like a path or an intrinsic call: its key probably lacks `.$`.
bool looks_like_expression(std::string_view text) {
  if (text == "$" || text.starts_with("$.") || text.starts_with("$$") || text.starts_with("$[")) {
    return Path::compile(text).has_value();
  }
  return Intrinsic::looks_like_call(text) && Intrinsic::compile(text).has_value();
}

std::shared_ptr<const Node> compile_node(const Value& source, const std::string& location,
                                         Diagnostics& diagnostics, bool& reads_context) {
  auto node = std::make_shared<Node>();
  if (source.is_array()) {
    bool dynamic = false;
    for (std::size_t i = 0; i < source.size(); ++i) {
      auto item = compile_node(source[i], location + "[" + std::to_string(i) + "]", diagnostics,
                               reads_context);
      dynamic = dynamic || !item->constant;
      node->items.push_back(std::move(item));
    }
    if (!dynamic) {
      node->constant = source;
      node->items.clear();
    }
    node->is_array = true;
    return node;
  }
  if (!source.is_object()) {
    node->constant = source;
    return node;
  }
  bool dynamic = false;
  for (const json::Member& m : source.members()) {
    std::string_view key = m.name();
    Node::Field field;
    field.field = std::string(key);
    if (key.size() > 2 && key.ends_with(".$")) {
      dynamic = true;
      field.key = Value::string(key.substr(0, key.size() - 2));
      std::optional<Expression> expression;
      if (m.value.is_string()) {
        auto compiled = Expression::compile(m.value.as_string());
        if (compiled) expression = std::move(*compiled);
      }
      if (!expression) {
        diagnostics.push_back({Severity::Error, std::string(codes::kSchemaValidationFailed),
                               "The value for the field '" + std::string(key) +
                                   "' must be a valid JSONPath or a valid intrinsic function call",
                               location});
        continue;
      }
      if (const Intrinsic* call = expression->intrinsic()) {
        for (const std::string& problem : call->lint()) {
          diagnostics.push_back(
              {Severity::Warning, std::string(codes::kRuntimeFailure),
               "The field '" + std::string(key) + "' will fail when it runs: " + problem,
               location});
        }
      }
      reads_context = reads_context || expression->reads_context();
      field.expression = std::make_shared<const Expression>(std::move(*expression));
    } else {
      if (m.value.is_string() && looks_like_expression(m.value.as_string())) {
        diagnostics.push_back({Severity::Warning, std::string(codes::kNoDollar),
                               "No .$ on a field that appears to be a JSONPath or Intrinsic "
                               "Function.",
                               location});
      }
      field.key = m.key;
      field.nested =
          compile_node(m.value, location + "/" + std::string(key), diagnostics, reads_context);
      dynamic = dynamic || !field.nested->constant;
    }
    node->fields.push_back(std::move(field));
  }
  for (std::size_t i = 0; i < node->fields.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (node->fields[i].key == node->fields[j].key) node->distinct_keys = false;
    }
  }
  if (!dynamic) {
    node->constant = source;
    node->fields.clear();
  }
  return node;
}

Result<Value> evaluate_node(const Node& node, const Scope& scope) {
  if (node.constant) return *node.constant;
  if (node.is_array) {
    std::vector<Value> items;
    items.reserve(node.items.size());
    for (const auto& item : node.items) {
      auto v = evaluate_node(*item, scope);
      if (!v) return v;
      items.push_back(std::move(*v));
    }
    return Value::array(std::move(items));
  }
  // Most templates are small: their members are gathered on the stack.
  constexpr std::size_t kOnStack = 8;
  std::array<json::Member, kOnStack> small;
  std::vector<json::Member> large;
  bool on_stack = node.distinct_keys && node.fields.size() <= kOnStack;
  if (!on_stack) large.reserve(node.fields.size());
  std::size_t count = 0;
  for (const Node::Field& field : node.fields) {
    Result<Value> v = field.expression ? field.expression->evaluate(scope, field.field)
                                       : evaluate_node(*field.nested, scope);
    if (!v) return v;
    if (on_stack) {
      small[count++] = json::Member{field.key, std::move(*v)};
    } else {
      large.push_back(json::Member{field.key, std::move(*v)});
    }
  }
  if (on_stack) return Value::object_of_distinct(std::span<json::Member>(small.data(), count));
  return Value::object(std::move(large));
}

}  // namespace

PayloadTemplate::PayloadTemplate() = default;

PayloadTemplate PayloadTemplate::compile(const Value& source, const std::string& location,
                                         Diagnostics& diagnostics) {
  PayloadTemplate t;
  t.source_ = source;
  t.root_ = compile_node(source, location, diagnostics, t.reads_context_);
  return t;
}

std::vector<std::string> PayloadTemplate::top_level_keys() const {
  std::vector<std::string> keys;
  if (!source_.is_object()) return keys;
  for (const json::Member& m : source_.members()) {
    std::string_view key = m.name();
    if (key.size() > 2 && key.ends_with(".$")) key.remove_suffix(2);
    keys.emplace_back(key);
  }
  return keys;
}

Result<Value> PayloadTemplate::evaluate(const Scope& scope) const {
  return evaluate_node(*root_, scope);
}

}  // namespace baton::asl
