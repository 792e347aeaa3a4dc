#pragma once

// The value of a `.$` field: a path (`$.a`, `$$.Execution.Id`, `$var`) or an intrinsic call.
// Compiled once; immutable and safe to share.

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "asl/intrinsics.h"
#include "asl/path.h"
#include "asl/scope.h"
#include "core/error.h"
#include "core/json.h"

namespace baton::asl {

class Expression {
 public:
  // The error is a message for a diagnostic.
  [[nodiscard]] static Expected<Expression, std::string> compile(std::string_view text);

  const std::string& text() const;
  const Path* path() const { return std::get_if<Path>(&value_); }
  const Intrinsic* intrinsic() const {
    const auto* p = std::get_if<std::shared_ptr<const Intrinsic>>(&value_);
    return p != nullptr ? p->get() : nullptr;
  }

  // Whether evaluating it reads the context object ($$).
  bool reads_context() const;

  // Evaluates; a path that selects nothing fails with States.Runtime and AWS's cause:
  // "The JSONPath '<path>' specified for the field '<field>' could not be found in the input
  // '<input>'".
  [[nodiscard]] Result<json::Value> evaluate(const Scope& scope, std::string_view field) const;

 private:
  std::variant<Path, std::shared_ptr<const Intrinsic>> value_;
};

// AWS's cause for a path that selects nothing in a field.
std::string path_not_found_cause(std::string_view path, std::string_view field,
                                 const json::Value& input);

}  // namespace baton::asl
