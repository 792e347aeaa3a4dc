// Expressions and references of a mapping template, evaluated as Velocity 1.7 does: `==`
// between different types compares their strings, `+` with a string concatenates, integer
// arithmetic stays integral, a division by zero or arithmetic on a non-number is null, and
// `<` on non-numbers is false.

#include <cmath>
#include <limits>

#include "events/vtl_render.h"

namespace baton::events::vtl {

namespace {

bool is_zero(const Value& v) { return v.kind == Kind::Integer ? v.integer == 0 : v.number == 0; }

// Integer arithmetic as Java's widening does it: exact while it fits 64 bits, then a double.
Value arithmetic(BinaryOp op, const Value& l, const Value& r) {
  if (l.kind == Kind::Integer && r.kind == Kind::Integer) {
    std::int64_t result = 0;
    bool overflow = false;
    switch (op) {
      case BinaryOp::Add:
        overflow = __builtin_add_overflow(l.integer, r.integer, &result);
        break;
      case BinaryOp::Sub:
        overflow = __builtin_sub_overflow(l.integer, r.integer, &result);
        break;
      case BinaryOp::Mul:
        overflow = __builtin_mul_overflow(l.integer, r.integer, &result);
        break;
      case BinaryOp::Div:
        overflow = l.integer == std::numeric_limits<std::int64_t>::min() && r.integer == -1;
        if (!overflow) result = l.integer / r.integer;
        break;
      case BinaryOp::Mod:
        result = r.integer == -1 ? 0 : l.integer % r.integer;
        break;
      default:
        break;
    }
    if (!overflow) return Value::of_int(result);
  }
  double a = l.as_double();
  double b = r.as_double();
  switch (op) {
    case BinaryOp::Add:
      return Value::of_double(a + b);
    case BinaryOp::Sub:
      return Value::of_double(a - b);
    case BinaryOp::Mul:
      return Value::of_double(a * b);
    case BinaryOp::Div:
      return Value::of_double(a / b);
    case BinaryOp::Mod:
      return Value::of_double(std::fmod(a, b));
    default:
      return Value();
  }
}

}  // namespace

Result<Value> Renderer::eval(const Expr& expr) {
  if (auto ok = step(expr.position); !ok) return Unexpected(ok.error());
  switch (expr.kind) {
    case ExprKind::Null:
      return Value();
    case ExprKind::Boolean:
      return Value::of_bool(expr.boolean);
    case ExprKind::Integer:
      return Value::of_int(expr.integer);
    case ExprKind::Double:
      return Value::of_double(expr.number);
    case ExprKind::String:
      return heap_.new_string(expr.string);
    case ExprKind::Interpolated: {
      std::string text;
      auto flow = render_nodes(*expr.parts, text);
      if (!flow) return Unexpected(flow.error());
      return heap_.new_string(std::move(text));
    }
    case ExprKind::Reference:
      return eval_reference(*expr.reference);
    case ExprKind::List: {
      std::vector<Value> items;
      for (const Expr& operand : expr.operands) {
        auto item = eval(operand);
        if (!item) return item;
        items.push_back(std::move(*item));
      }
      return heap_.new_list(std::move(items));
    }
    case ExprKind::Range: {
      auto from = eval(expr.operands[0]);
      if (!from) return from;
      auto to = eval(expr.operands[1]);
      if (!to) return to;
      if (!from->is_number() || !to->is_number()) return Value();  // Velocity: null
      std::int64_t a =
          from->kind == Kind::Integer ? from->integer : static_cast<std::int64_t>(from->number);
      std::int64_t b =
          to->kind == Kind::Integer ? to->integer : static_cast<std::int64_t>(to->number);
      double length = std::fabs(static_cast<double>(b) - static_cast<double>(a)) + 1;
      if (length > static_cast<double>(kMaxRangeLength)) {
        return error_at(expr.position, "the range [" + std::to_string(a) + ".." +
                                           std::to_string(b) + "] is longer than " +
                                           std::to_string(kMaxRangeLength));
      }
      std::vector<Value> items;
      std::int64_t direction = a <= b ? 1 : -1;
      for (std::int64_t i = a;; i += direction) {
        items.push_back(Value::of_int(i));
        if (i == b) break;
      }
      return heap_.new_list(std::move(items));
    }
    case ExprKind::Map: {
      Value map = heap_.new_map();
      for (std::size_t i = 0; i + 1 < expr.operands.size(); i += 2) {
        auto key = eval(expr.operands[i]);
        if (!key) return key;
        auto value = eval(expr.operands[i + 1]);
        if (!value) return value;
        auto name = text_of(*key, expr.position);
        if (!name) return Unexpected(name.error());
        heap_.put(map, std::move(*name), std::move(*value));
      }
      return map;
    }
    case ExprKind::Not: {
      auto operand = eval(expr.operands[0]);
      if (!operand) return operand;
      return Value::of_bool(!truthy(*operand));
    }
    case ExprKind::Binary:
      return eval_binary(expr);
  }
  return Value();
}

Result<Value> Renderer::eval_binary(const Expr& expr) {
  auto left = eval(expr.operands[0]);
  if (!left) return left;
  if (expr.op == BinaryOp::Or && truthy(*left)) return Value::of_bool(true);
  if (expr.op == BinaryOp::And && !truthy(*left)) return Value::of_bool(false);
  auto right = eval(expr.operands[1]);
  if (!right) return right;
  const Value& l = *left;
  const Value& r = *right;
  switch (expr.op) {
    case BinaryOp::Or:
    case BinaryOp::And:
      return Value::of_bool(truthy(r));
    case BinaryOp::Eq:
      return Value::of_bool(velocity_equals(l, r));
    case BinaryOp::Ne:
      return Value::of_bool(!velocity_equals(l, r));
    case BinaryOp::Lt:
    case BinaryOp::Gt:
    case BinaryOp::Le:
    case BinaryOp::Ge: {
      if (!l.is_number() || !r.is_number()) return Value::of_bool(false);
      bool both_int = l.kind == Kind::Integer && r.kind == Kind::Integer;
      int order = both_int ? (l.integer < r.integer   ? -1
                              : l.integer > r.integer ? 1
                                                      : 0)
                           : (l.as_double() < r.as_double()   ? -1
                              : l.as_double() > r.as_double() ? 1
                                                              : 0);
      bool result = expr.op == BinaryOp::Lt   ? order < 0
                    : expr.op == BinaryOp::Gt ? order > 0
                    : expr.op == BinaryOp::Le ? order <= 0
                                              : order >= 0;
      return Value::of_bool(result);
    }
    case BinaryOp::Add:
      if (l.kind == Kind::String || r.kind == Kind::String) {
        // Velocity concatenates the strings, a null operand as its own text.
        std::string text;
        for (int i = 0; i < 2; ++i) {
          const Value& v = i == 0 ? l : r;
          const Expr& operand = expr.operands[static_cast<std::size_t>(i)];
          if (v.is_null()) {
            if (operand.kind == ExprKind::Reference &&
                options_.null_reference == NullReference::SourceText) {
              text += operand.reference->source;
            }
            continue;
          }
          if (auto ok = append_text(v, text, expr.position); !ok) return Unexpected(ok.error());
        }
        return heap_.new_string(std::move(text));
      }
      [[fallthrough]];
    case BinaryOp::Sub:
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Mod:
      if (!l.is_number() || !r.is_number()) return Value();
      if ((expr.op == BinaryOp::Div || expr.op == BinaryOp::Mod) && is_zero(r)) return Value();
      return arithmetic(expr.op, l, r);
  }
  return Value();
}

bool Renderer::velocity_equals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) {
    if (a.kind == Kind::Integer && b.kind == Kind::Integer) return a.integer == b.integer;
    return a.as_double() == b.as_double();
  }
  if (a.kind == b.kind) return heap_.java_equals(a, b);
  std::string x;
  std::string y;
  heap_.append_text(a, x);
  heap_.append_text(b, y);
  return x == y;
}

Result<Value> Renderer::eval_reference(const Reference& ref) {
  auto it = vars_.find(ref.name);
  Value value = it != vars_.end() ? it->second : Value();
  for (const Accessor& accessor : ref.accessors) {
    // Velocity: anything asked of null is null (rendered as API Gateway renders null).
    if (value.is_null()) return value;
    auto next = access(value, accessor);
    if (!next) return next;
    value = std::move(*next);
  }
  return value;
}

Result<Value> Renderer::access(const Value& target, const Accessor& accessor) {
  switch (accessor.kind) {
    case Accessor::Kind::Property:
      return property(target, accessor);
    case Accessor::Kind::Method: {
      std::vector<Value> args;
      for (const Expr& expr : accessor.args) {
        auto arg = eval(expr);
        if (!arg) return arg;
        args.push_back(std::move(*arg));
      }
      return call_method(target, accessor, args);
    }
    case Accessor::Kind::Index: {
      auto index = eval(accessor.args[0]);
      if (!index) return index;
      if (target.kind == Kind::Map) {
        auto key = text_of(*index, accessor.position);
        if (!key) return Unexpected(key.error());
        const Value* found = heap_.map(target).find(*key);
        return found ? *found : Value();
      }
      if (target.kind != Kind::List) {
        return error_at(accessor.position,
                        "a " + std::string(type_name(target)) + " cannot be indexed with []");
      }
      if (index->kind != Kind::Integer) {
        return error_at(accessor.position, "a list's index must be an integer, not a " +
                                               std::string(type_name(*index)));
      }
      const auto& items = heap_.list(target).items;
      std::int64_t size = static_cast<std::int64_t>(items.size());
      std::int64_t i = index->integer < 0 ? size + index->integer : index->integer;
      if (i < 0 || i >= size) {
        return error_at(accessor.position, "index " + std::to_string(index->integer) +
                                               " is out of bounds for a list of " +
                                               std::to_string(size) + " items");
      }
      return items[static_cast<std::size_t>(i)];
    }
  }
  return Value();
}

Result<void> Renderer::assign(const Reference& target, Value value) {
  if (target.accessors.empty()) {
    vars_[target.name] = std::move(value);
    return {};
  }
  auto it = vars_.find(target.name);
  Value container = it != vars_.end() ? it->second : Value();
  for (std::size_t i = 0; i + 1 < target.accessors.size(); ++i) {
    if (container.is_null()) return {};  // Velocity logs it and sets nothing
    auto next = access(container, target.accessors[i]);
    if (!next) return Unexpected(next.error());
    container = std::move(*next);
  }
  const Accessor& last = target.accessors.back();
  if (last.kind == Accessor::Kind::Method) {
    return error_at(last.position, "#set cannot assign to a method call");
  }
  if (container.kind == Kind::Map) {
    std::string key = last.name;
    if (last.kind == Accessor::Kind::Index) {
      auto index = eval(last.args[0]);
      if (!index) return Unexpected(index.error());
      auto text = text_of(*index, last.position);
      if (!text) return Unexpected(text.error());
      key = std::move(*text);
    }
    heap_.put(container, std::move(key), std::move(value));
    return {};
  }
  if (container.kind == Kind::List && last.kind == Accessor::Kind::Index) {
    auto index = eval(last.args[0]);
    if (!index) return Unexpected(index.error());
    auto& items = heap_.list(container).items;
    std::int64_t size = static_cast<std::int64_t>(items.size());
    if (index->kind != Kind::Integer || index->integer < -size || index->integer >= size) {
      return error_at(last.position, "#set of a list item out of bounds");
    }
    std::int64_t i = index->integer < 0 ? size + index->integer : index->integer;
    items[static_cast<std::size_t>(i)] = std::move(value);
    return {};
  }
  return {};  // Velocity logs a #set it cannot do (on null, on a string) and sets nothing
}

}  // namespace baton::events::vtl
