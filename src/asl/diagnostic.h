#pragma once

// What validation finds wrong with a definition: AWS's code, a message, and where.
// Locations are written as AWS writes them: `/States/Check/Choices[0]/Next`, `/` for the top.

#include <string>
#include <string_view>
#include <vector>

namespace baton::asl {

// AWS's diagnostic codes (ValidateStateMachineDefinition and InvalidDefinition messages).
namespace codes {
inline constexpr std::string_view kInvalidJsonDescription = "INVALID_JSON_DESCRIPTION";
inline constexpr std::string_view kMissingDescription = "MISSING_DESCRIPTION";
inline constexpr std::string_view kSchemaValidationFailed = "SCHEMA_VALIDATION_FAILED";
inline constexpr std::string_view kInvalidResource = "INVALID_RESOURCE";
inline constexpr std::string_view kMissingTransitionTarget = "MISSING_TRANSITION_TARGET";
inline constexpr std::string_view kMissingEndState = "MISSING_END_STATE";
inline constexpr std::string_view kDuplicateStateName = "DUPLICATE_STATE_NAME";
inline constexpr std::string_view kInvalidStateName = "INVALID_STATE_NAME";
// Warnings.
inline constexpr std::string_view kNoDollar = "NO_DOLLAR";
inline constexpr std::string_view kNoPath = "NO_PATH";
inline constexpr std::string_view kPassResultIsStatic = "PASS_RESULT_IS_STATIC";
// baton's own, for what AWS accepts and baton does not run yet.
inline constexpr std::string_view kUnsupportedFeature = "UNSUPPORTED_FEATURE";
// Warning: a problem AWS accepts at creation and reports only when the state runs.
inline constexpr std::string_view kRuntimeFailure = "FAILS_AT_RUNTIME";
}  // namespace codes

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;
  std::string message;
  std::string location;  // empty when the problem has no place (MISSING_END_STATE)
  // For INVALID_JSON_DESCRIPTION: where in the text, 1-based; 0 otherwise.
  std::size_t line = 0;
  std::size_t column = 0;

  // "CODE: message at /location", as InvalidDefinition messages show each diagnostic.
  std::string describe() const;
  // "/location: CODE: message" (or "line:column: ..." for JSON errors, "warning: CODE" for
  // warnings), one line: how `baton validate` prints it after the file name.
  std::string line_text() const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diagnostics);

// AWS's InvalidDefinition message for the errors among `diagnostics`:
// "Invalid State Machine Definition: 'CODE: message at /loc, CODE: message at /loc'".
std::string invalid_definition_message(const Diagnostics& diagnostics);

}  // namespace baton::asl
