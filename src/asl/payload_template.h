#pragma once

// A compiled payload template: Parameters, ItemSelector, ResultSelector, and JSONPath-mode
// Assign. Keys ending in `.$` take a path, a context path, a variable or an intrinsic call, at
// any depth, also inside arrays; everything else is copied as is. Parts without any `.$` key
// are kept as the parsed value and cost nothing to evaluate.
// Immutable and safe to share between threads.

#include <memory>
#include <string>

#include "asl/diagnostic.h"
#include "asl/expression.h"
#include "asl/scope.h"
#include "core/error.h"
#include "core/json.h"

namespace baton::asl {

class PayloadTemplate {
 public:
  struct Node;

  // Compiles `source` found at `location`; reports each bad `.$` field into `diagnostics`.
  static PayloadTemplate compile(const json::Value& source, const std::string& location,
                                 Diagnostics& diagnostics);

  PayloadTemplate();
  const json::Value& source() const { return source_; }
  // Each top-level key of an object template, without its `.$`, in order (Assign's variable
  // names).
  std::vector<std::string> top_level_keys() const;

  // Whether evaluating it reads the context object ($$), so the caller builds it only then.
  bool reads_context() const { return reads_context_; }

  [[nodiscard]] Result<json::Value> evaluate(const Scope& scope) const;

 private:
  json::Value source_;
  std::shared_ptr<const Node> root_;
  bool reads_context_ = false;
};

}  // namespace baton::asl
