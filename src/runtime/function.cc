#include "runtime/function.h"

namespace baton::runtime {

Result<RuntimeKind> runtime_kind(std::string_view runtime) {
  if (runtime == "provided" || runtime == "provided.al2" || runtime == "provided.al2023") {
    return RuntimeKind::Provided;
  }
  if (runtime.starts_with("nodejs") && runtime.ends_with(".x")) return RuntimeKind::Node;
  if (runtime.starts_with("python3.")) return RuntimeKind::Python;
  return fail("InvalidRuntimeException",
              "The runtime parameter of " + std::string(runtime) +
                  " is not supported: baton runs provided, provided.al2, provided.al2023, "
                  "nodejs18.x, nodejs20.x, nodejs22.x and python3.x");
}

}  // namespace baton::runtime
