#pragma once

// What a path, payload template or intrinsic call may read when it is evaluated: the state's
// input (`$`), the context object (`$$`), the workflow's variables (`$name`), and a
// deterministic random source for States.MathRandom and States.UUID. The caller (the engine)
// owns all of them; a Scope only borrows.

#include <string_view>

#include "core/json.h"
#include "core/random.h"

namespace baton::asl {

// Read access to the variables visible from a state.
class Variables {
 public:
  virtual ~Variables() = default;
  // The variable's value, or nullptr when no such variable is visible.
  virtual const json::Value* find(std::string_view name) const = 0;
};

struct Scope {
  const json::Value* input = nullptr;    // `$`; required
  const json::Value* context = nullptr;  // `$$`; nullptr reads as an empty object
  const Variables* variables = nullptr;  // `$name`; nullptr means none are visible
  Random* random = nullptr;              // for MathRandom without a seed and UUID
};

}  // namespace baton::asl
