#pragma once

// The JSONPath data flow of a state, as pure functions: InputPath -> Parameters ->
// (the task) -> ResultSelector -> ResultPath -> OutputPath. Each fails with States.Runtime and
// the cause AWS gives; the engine adds which state it was.

#include <optional>

#include "asl/path.h"
#include "asl/scope.h"
#include "core/error.h"
#include "core/json.h"

namespace baton::asl {

// InputPath and OutputPath: `path` applied to `scope.input`; nullopt (the field was null)
// gives {}.
[[nodiscard]] Result<json::Value> select_path(const std::optional<Path>& path, const Scope& scope);

// ResultPath: `result` placed into `input` at the reference path; nullopt (ResultPath null)
// keeps `input` as it was; `$` replaces it. Missing objects on the way are created.
[[nodiscard]] Result<json::Value> apply_result_path(const std::optional<Path>& path,
                                                    const json::Value& input, json::Value result);

// The object a Catcher hands on: {"Error": error, "Cause": cause}, without Cause when the
// error has none.
json::Value error_output(std::string_view error, const std::optional<std::string>& cause);

}  // namespace baton::asl
