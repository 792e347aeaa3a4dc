#include "runtime/function.h"

#include <array>

namespace baton::runtime {

namespace {

// What baton runs.
constexpr std::array<std::string_view, 11> kRuns = {
    "provided",  "provided.al2", "provided.al2023", "nodejs18.x", "nodejs20.x", "nodejs22.x",
    "python3.9", "python3.10",   "python3.11",      "python3.12", "python3.13"};
// Lambda's other runtimes: valid names baton has no way to run.
constexpr std::array<std::string_view, 10> kOtherLambdaRuntimes = {
    "java8.al2", "java11",  "java17",  "java21",  "dotnet8",
    "dotnet6",   "ruby3.2", "ruby3.3", "ruby3.4", "python3.8"};

std::string list(std::string_view separator) {
  std::string out;
  for (std::string_view r : kRuns) {
    if (!out.empty()) out += separator;
    out += r;
  }
  return out;
}

}  // namespace

Result<RuntimeKind> runtime_kind(std::string_view runtime) {
  for (std::string_view r : kRuns) {
    if (r != runtime) continue;
    if (r.starts_with("nodejs")) return RuntimeKind::Node;
    if (r.starts_with("python")) return RuntimeKind::Python;
    return RuntimeKind::Provided;
  }
  for (std::string_view r : kOtherLambdaRuntimes) {
    if (r == runtime) {
      return fail("InvalidRuntimeException",
                  "baton does not run the runtime " + std::string(runtime) + "; it runs " +
                      list(", ") + " (a provided runtime runs any language with a bootstrap)");
    }
  }
  return fail("InvalidParameterValueException",
              "Value " + std::string(runtime) +
                  " at 'runtime' failed to satisfy constraint: Member must satisfy enum value "
                  "set: [" +
                  list(", ") + "] or be a valid ARN");
}

}  // namespace baton::runtime
