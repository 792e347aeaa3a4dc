// Rendering a compiled mapping template: nodes, directives and expressions, with Velocity 1.7's
// semantics (truth, ==, arithmetic, #set of null) and API Gateway's rendering of null.

#include "events/vtl_render.h"

#include <cmath>
#include <limits>
#include <utility>

namespace baton::events::vtl {

namespace {

// Removes the override maps a render added to $context and left empty, so that a template
// that sets nothing gives back the context it was given.
json::Value prune_overrides(const json::Value& context) {
  json::ObjectBuilder out;
  for (const json::Member& member : context.members()) {
    if (member.name() != "requestOverride" && member.name() != "responseOverride") {
      out.add(member.key, member.value);
      continue;
    }
    if (!member.value.is_object()) continue;
    json::ObjectBuilder kept;
    std::size_t count = 0;
    for (const json::Member& part : member.value.members()) {
      if (part.value.is_object() && part.value.size() == 0) continue;
      kept.add(part.key, part.value);
      ++count;
    }
    if (count > 0) out.add(member.key, kept.build());
  }
  return out.build();
}

}  // namespace

Renderer::Renderer(const Program& program, const Variables& variables, const RenderOptions& options)
    : program_(program), variables_(variables), options_(options) {}

Unexpected<Error> Renderer::error_at(Position position, const std::string& what) const {
  return Unexpected<Error>(
      Error{std::string(kRenderFailed), what + " at line " + std::to_string(position.line) +
                                            ", column " + std::to_string(position.column)});
}

Result<Rendered> Renderer::run() {
  vars_["input"] = Value::of_kind(Kind::Input);
  vars_["util"] = Value::of_kind(Kind::Util);
  Value context =
      variables_.context.is_object() ? heap_.from_json(variables_.context) : heap_.new_map();
  auto ensure_map = [this](const Value& map, std::string_view key) {
    if (Value* present = heap_.map(map).find(key); present && present->kind == Kind::Map) {
      return *present;
    }
    Value made = heap_.new_map();
    heap_.put(map, std::string(key), made);
    return made;
  };
  Value request = ensure_map(context, "requestOverride");
  for (std::string_view part : {"header", "path", "querystring"}) ensure_map(request, part);
  ensure_map(ensure_map(context, "responseOverride"), "header");
  vars_["context"] = context;
  if (variables_.stage_variables.is_object()) {
    vars_["stageVariables"] = heap_.from_json(variables_.stage_variables);
  }
  Rendered rendered;
  auto flow = render_nodes(program_.nodes, rendered.text);
  if (!flow) return Unexpected(flow.error());
  json::Value after = heap_.to_json(context);
  if (heap_.exhausted) return error_at({1, 1}, "the template built " + *heap_.exhausted);
  rendered.context = prune_overrides(after);
  return rendered;
}

Result<void> Renderer::step(Position position) {
  if (++steps_ > kMaxSteps) {
    return error_at(
        position, "the template took more than " + std::to_string(kMaxSteps) + " steps to render");
  }
  if (heap_.exhausted) return error_at(position, "the template built " + *heap_.exhausted);
  return {};
}

Result<void> Renderer::write(std::string& out, std::string_view text, Position position) {
  if (out.size() + text.size() > kMaxOutputBytes) {
    return error_at(position, "the template produced text longer than " +
                                  std::to_string(kMaxOutputBytes) + " bytes");
  }
  out += text;
  return {};
}

Result<Renderer::Flow> Renderer::render_nodes(const NodeList& nodes, std::string& out) {
  for (const Node& node : nodes) {
    auto flow = render_node(node, out);
    if (!flow) return flow;
    if (*flow != Flow::Normal) return flow;
  }
  return Flow::Normal;
}

Result<Renderer::Flow> Renderer::render_node(const Node& node, std::string& out) {
  if (auto ok = step(node.position); !ok) return Unexpected(ok.error());
  switch (node.kind) {
    case NodeKind::Text:
      if (auto ok = write(out, node.text, node.position); !ok) return Unexpected(ok.error());
      return Flow::Normal;
    case NodeKind::Reference:
      return render_reference(node, out);
    case NodeKind::Set: {
      auto value = eval(node.exprs[0]);
      if (!value) return Unexpected(value.error());
      // Velocity 1.7: a null value leaves the reference as it was.
      if (value->is_null()) return Flow::Normal;
      if (auto ok = assign(*node.reference, std::move(*value)); !ok) {
        return Unexpected(ok.error());
      }
      return Flow::Normal;
    }
    case NodeKind::If:
      for (std::size_t i = 0; i < node.exprs.size(); ++i) {
        auto condition = eval(node.exprs[i]);
        if (!condition) return Unexpected(condition.error());
        if (truthy(*condition)) return render_nodes(node.blocks[i], out);
      }
      if (node.blocks.size() > node.exprs.size()) return render_nodes(node.blocks.back(), out);
      return Flow::Normal;
    case NodeKind::Foreach:
      return render_foreach(node, out);
    case NodeKind::Break:
      return Flow::Break;
    case NodeKind::Stop:
      return Flow::Stop;
    case NodeKind::Define:
      vars_[node.text] = heap_.new_block(&node.blocks[0]);
      return Flow::Normal;
    case NodeKind::MacroCall:
      return render_macro(node, out);
  }
  return Flow::Normal;
}

Result<Renderer::Flow> Renderer::render_reference(const Node& node, std::string& out) {
  const Reference& ref = *node.reference;
  auto value = eval_reference(ref);
  if (!value) return Unexpected(value.error());
  std::string prefix(node.backslashes / 2, '\\');
  if (node.backslashes % 2 == 1) {  // \$x: the reference's own text
    std::string text = prefix + (value->is_null() ? "\\" : "") + ref.source;
    if (auto ok = write(out, text, node.position); !ok) return Unexpected(ok.error());
    return Flow::Normal;
  }
  if (auto ok = write(out, prefix, node.position); !ok) return Unexpected(ok.error());
  if (value->is_null()) {
    if (!ref.quiet && options_.null_reference == NullReference::SourceText) {
      if (auto ok = write(out, ref.source, node.position); !ok) return Unexpected(ok.error());
    }
    return Flow::Normal;
  }
  if (auto ok = append_text(*value, out, node.position); !ok) return Unexpected(ok.error());
  return Flow::Normal;
}

Result<Renderer::Flow> Renderer::render_foreach(const Node& node, std::string& out) {
  auto collection = eval(node.exprs[0]);
  if (!collection) return Unexpected(collection.error());
  std::vector<Value> items;  // a snapshot: the body may change the collection
  if (collection->kind == Kind::List) {
    items = heap_.list(*collection).items;
  } else if (collection->kind == Kind::Map) {
    for (const auto& entry : heap_.map(*collection).entries) items.push_back(entry.second);
  }
  // Anything else (null, a string, a number) is no collection: Velocity skips the loop.
  const std::string names[] = {node.text, "velocityCount", "foreach"};
  std::optional<Value> saved[3];
  for (int i = 0; i < 3; ++i) {
    if (auto it = vars_.find(names[i]); it != vars_.end()) saved[i] = it->second;
  }
  ForeachScope fresh;
  if (saved[2] && saved[2]->kind == Kind::Foreach) fresh.parent = saved[2]->ref;
  Value scope = heap_.new_scope(fresh);
  Flow result = Flow::Normal;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (++iterations_ > kMaxIterations) {
      return error_at(node.position,
                      "#foreach ran more than " + std::to_string(kMaxIterations) + " iterations");
    }
    heap_.scope(scope).index = static_cast<std::int64_t>(i);
    heap_.scope(scope).has_next = i + 1 < items.size();
    vars_[node.text] = items[i];
    vars_["velocityCount"] = Value::of_int(static_cast<std::int64_t>(i + 1));
    vars_["foreach"] = scope;
    auto flow = render_nodes(node.blocks[0], out);
    if (!flow) return flow;
    if (*flow == Flow::Break) break;
    if (*flow == Flow::Stop) {
      result = Flow::Stop;
      break;
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (saved[i]) {
      vars_[names[i]] = *saved[i];
    } else {
      vars_.erase(names[i]);
    }
  }
  return result;
}

Result<Renderer::Flow> Renderer::render_macro(const Node& node, std::string& out) {
  auto macro = program_.macros.find(node.reference->name);
  if (macro == program_.macros.end()) {  // `#name(...)` that names no macro is text
    if (auto ok = write(out, node.text, node.position); !ok) return Unexpected(ok.error());
    return Flow::Normal;
  }
  if (call_depth_ >= kMaxCallDepth) {
    return error_at(node.position, "macros and blocks nested more than " +
                                       std::to_string(kMaxCallDepth) + " calls deep");
  }
  const std::vector<std::string>& parameters = macro->second.parameters;
  std::vector<Value> args;
  for (const Expr& expr : node.exprs) {
    auto value = eval(expr);
    if (!value) return Unexpected(value.error());
    args.push_back(std::move(*value));
  }
  std::vector<std::optional<Value>> saved(parameters.size());
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (auto it = vars_.find(parameters[i]); it != vars_.end()) saved[i] = it->second;
    if (i < args.size() && !args[i].is_null()) {
      vars_[parameters[i]] = args[i];
    } else {
      vars_.erase(parameters[i]);
    }
  }
  ++call_depth_;
  auto flow = render_nodes(macro->second.body, out);
  --call_depth_;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (saved[i]) {
      vars_[parameters[i]] = *saved[i];
    } else {
      vars_.erase(parameters[i]);
    }
  }
  if (!flow) return flow;
  return *flow == Flow::Stop ? Flow::Stop : Flow::Normal;
}

Result<void> Renderer::append_text(const Value& value, std::string& out, Position position) {
  if (value.kind == Kind::Block) {
    if (call_depth_ >= kMaxCallDepth) {
      return error_at(position, "macros and blocks nested more than " +
                                    std::to_string(kMaxCallDepth) + " calls deep");
    }
    ++call_depth_;
    auto flow = render_nodes(heap_.block(value), out);
    --call_depth_;
    if (!flow) return Unexpected(flow.error());
    return {};
  }
  std::size_t before = out.size();
  heap_.append_text(value, out);
  if (out.size() > kMaxOutputBytes || heap_.exhausted) {
    out.resize(before);
    return error_at(position, "the template produced text longer than " +
                                  std::to_string(kMaxOutputBytes) + " bytes");
  }
  return {};
}

Result<std::string> Renderer::text_of(const Value& value, Position position) {
  std::string text;
  if (auto ok = append_text(value, text, position); !ok) return Unexpected(ok.error());
  return text;
}

}  // namespace baton::events::vtl
