#include "asl/expression.h"

#include "asl/errors.h"

namespace baton::asl {

Expected<Expression, std::string> Expression::compile(std::string_view text) {
  Expression e;
  if (Intrinsic::looks_like_call(text)) {
    auto call = Intrinsic::compile(text);
    if (!call) return Unexpected<std::string>(std::move(call).error());
    e.value_ = std::make_shared<const Intrinsic>(std::move(*call));
    return e;
  }
  auto path = Path::compile(text);
  if (!path) return Unexpected<std::string>(std::move(path).error());
  e.value_ = std::move(*path);
  return e;
}

const std::string& Expression::text() const {
  if (const Path* p = path()) return p->text();
  return intrinsic()->text();
}

bool Expression::reads_context() const {
  if (const Path* p = path()) return p->root() == PathRoot::Context;
  return intrinsic()->reads_context();
}

std::string path_not_found_cause(std::string_view path, std::string_view field,
                                 const json::Value& input) {
  return "The JSONPath '" + std::string(path) + "' specified for the field '" + std::string(field) +
         "' could not be found in the input '" + json::to_string(input) + "'";
}

Result<json::Value> Expression::evaluate(const Scope& scope, std::string_view field) const {
  if (const Path* p = path()) {
    auto v = p->evaluate(scope);
    if (!v) {
      return fail(std::string(errors::kRuntime),
                  path_not_found_cause(p->text(), field, *scope.input));
    }
    return std::move(*v);
  }
  return intrinsic()->evaluate(scope);
}

}  // namespace baton::asl
