#include "asl/diagnostic.h"

namespace baton::asl {

std::string Diagnostic::describe() const {
  // AWS prints "at null" for a diagnostic without a place.
  return code + ": " + message + " at " + (location.empty() ? "null" : location);
}

std::string Diagnostic::line_text() const {
  std::string where = line > 0 ? std::to_string(line) + ":" + std::to_string(column) : location;
  std::string first_line = message.substr(0, message.find('\n'));
  return where + ": " + (severity == Severity::Warning ? "warning: " : "") + code + ": " +
         first_line;
}

bool has_errors(const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) return true;
  }
  return false;
}

std::string invalid_definition_message(const Diagnostics& diagnostics) {
  std::string joined;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity != Severity::Error) continue;
    if (!joined.empty()) joined += ", ";
    joined += d.describe();
  }
  return "Invalid State Machine Definition: '" + joined + "'";
}

}  // namespace baton::asl
