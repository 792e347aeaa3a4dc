#include "api/constraints.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace baton::api {

namespace {

enum class Kind { String, Integer, Boolean, List, Structure };

// One member's constraint, from the Step Functions model (stepfunctions/2016-11-23). An empty
// operation applies to every operation with that member; a row for one operation comes first.
struct Constraint {
  std::string_view operation;
  std::string_view member;
  Kind kind;
  std::int64_t min = -1;  // length for strings and lists, value for integers; -1: none
  std::int64_t max = -1;
  std::string_view values = "";  // an enum's values, ", "-separated as AWS prints them
  bool sensitive = false;        // AWS leaves the value out of the message
};

constexpr std::string_view kExecutionStatus =
    "SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING";  // AWS's order
constexpr std::string_view kIncludedData = "ALL_DATA, METADATA_ONLY";

constexpr Constraint kConstraints[] = {
    {"ValidateStateMachineDefinition", "maxResults", Kind::Integer, 0, 100},
    {"ListExecutions", "nextToken", Kind::String, 1, 3096},
    {"DeleteStateMachineVersion", "stateMachineVersionArn", Kind::String, 1, 2000},
    {"", "maxResults", Kind::Integer, 0, 1000},
    {"", "nextToken", Kind::String, 1, 1024},
    {"", "name", Kind::String, 1, 80},
    {"", "workerName", Kind::String, 1, 80},
    {"", "stateMachineArn", Kind::String, 1, 256},
    {"", "executionArn", Kind::String, 1, 256},
    {"", "activityArn", Kind::String, 1, 256},
    {"", "resourceArn", Kind::String, 1, 256},
    {"", "roleArn", Kind::String, 1, 256},
    {"", "stateMachineAliasArn", Kind::String, 1, 256},
    {"", "mapRunArn", Kind::String, 1, 2000},
    {"", "maxConcurrency", Kind::Integer, 0, -1},
    {"", "toleratedFailureCount", Kind::Integer, 0, -1},
    {"", "definition", Kind::String, 1, 1048576, "", true},
    {"", "input", Kind::String, -1, 262144, "", true},
    {"", "output", Kind::String, -1, 262144, "", true},
    {"", "variables", Kind::String, -1, 262144, "", true},
    {"", "context", Kind::String, -1, 262144, "", true},
    {"", "error", Kind::String, 0, 256, "", true},
    {"", "cause", Kind::String, 0, 32768, "", true},
    {"", "taskToken", Kind::String, 1, 2048},
    {"", "traceHeader", Kind::String, 0, 256},
    {"", "clientToken", Kind::String, 1, 64},
    {"", "stateName", Kind::String, 1, 80, "", true},
    {"", "description", Kind::String, -1, 256, "", true},
    {"", "versionDescription", Kind::String, -1, 256, "", true},
    {"", "revisionId", Kind::String},
    {"", "statusFilter", Kind::String, -1, -1, kExecutionStatus},
    {"", "redriveFilter", Kind::String, -1, -1, "REDRIVEN, NOT_REDRIVEN"},
    {"", "type", Kind::String, -1, -1, "STANDARD, EXPRESS"},
    {"", "includedData", Kind::String, -1, -1, kIncludedData},
    {"", "inspectionLevel", Kind::String, -1, -1, "INFO, DEBUG, TRACE"},
    {"", "severity", Kind::String, -1, -1, "ERROR, WARNING"},
    {"", "reverseOrder", Kind::Boolean},
    {"", "includeExecutionData", Kind::Boolean},
    {"", "publish", Kind::Boolean},
    {"", "revealSecrets", Kind::Boolean},
    {"", "tags", Kind::List},
    {"", "tagKeys", Kind::List},
    {"", "routingConfiguration", Kind::List, 1, 2},
    {"", "loggingConfiguration", Kind::Structure},
    {"", "tracingConfiguration", Kind::Structure},
    {"", "encryptionConfiguration", Kind::Structure},
    {"", "mock", Kind::Structure},
};

const Constraint* constraint_of(std::string_view operation, std::string_view member) {
  for (const Constraint& c : kConstraints) {
    if (c.member == member && (c.operation.empty() || c.operation == operation)) return &c;
  }
  return nullptr;
}

// Characters, as the model counts a string's length (UTF-8 continuation bytes do not count).
std::int64_t length_of(std::string_view s) {
  std::int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool has_kind(const json::Value& v, Kind kind) {
  switch (kind) {
    case Kind::String:
      return v.is_string();
    case Kind::Integer:
      return v.is_integer();
    case Kind::Boolean:
      return v.is_bool();
    case Kind::List:
      return v.is_array();
    case Kind::Structure:
      return v.is_object();
  }
  return false;
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::String:
      return "a string";
    case Kind::Integer:
      return "an integer";
    case Kind::Boolean:
      return "a boolean";
    case Kind::List:
      return "a list";
    case Kind::Structure:
      return "an object";
  }
  return "a value";
}

bool in_enum(std::string_view values, std::string_view value) {
  std::size_t start = 0;
  while (start <= values.size()) {
    std::size_t comma = values.find(", ", start);
    std::string_view item = values.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item == value) return true;
    if (comma == std::string_view::npos) return false;
    start = comma + 2;
  }
  return false;
}

// "Value '<v>' at '<member>' failed to satisfy constraint: <what>", or nothing.
std::optional<std::string> violation(const Constraint& c, const json::Value& v) {
  std::string shown;
  std::string what;
  if (c.kind == Kind::Integer) {
    std::int64_t n = v.is_int64() ? v.as_int64() : INT64_MAX;
    shown = v.is_int64() ? std::to_string(n) : std::to_string(v.as_uint64());
    if (c.min >= 0 && n < c.min) {
      what = "Member must have value greater than or equal to " + std::to_string(c.min);
    } else if (c.max >= 0 && n > c.max) {
      what = "Member must have value less than or equal to " + std::to_string(c.max);
    }
  } else if (c.kind == Kind::String) {
    std::string_view s = v.as_string();
    shown = std::string(s);
    std::int64_t n = length_of(s);
    if (!c.values.empty() && !in_enum(c.values, s)) {
      what = "Member must satisfy enum value set: [" + std::string(c.values) + "]";
    } else if (c.min >= 0 && n < c.min) {
      what = "Member must have length greater than or equal to " + std::to_string(c.min);
    } else if (c.max >= 0 && n > c.max) {
      what = "Member must have length less than or equal to " + std::to_string(c.max);
    }
  } else if (c.kind == Kind::List) {
    auto n = static_cast<std::int64_t>(v.size());
    shown = json::to_string(v);
    if (c.min >= 0 && n < c.min) {
      what = "Member must have length greater than or equal to " + std::to_string(c.min);
    } else if (c.max >= 0 && n > c.max) {
      what = "Member must have length less than or equal to " + std::to_string(c.max);
    }
  }
  if (what.empty()) return std::nullopt;
  std::string value = c.sensitive ? "Value" : "Value '" + shown + "'";
  return value + " at '" + std::string(c.member) + "' failed to satisfy constraint: " + what;
}

}  // namespace

std::optional<Error> check_constraints(std::string_view operation, const json::Value& request) {
  if (!request.is_object()) return std::nullopt;
  std::vector<std::string> violations;
  for (const json::Member& m : request.members()) {
    const Constraint* c = constraint_of(operation, m.name());
    if (c == nullptr || m.value.is_null()) continue;
    if (!has_kind(m.value, c->kind)) {
      return Error{"SerializationException", "Expected " + std::string(kind_name(c->kind)) +
                                                 " for '" + std::string(m.name()) + "'"};
    }
    if (auto v = violation(*c, m.value)) violations.push_back(std::move(*v));
  }
  if (violations.empty()) return std::nullopt;
  std::string message = std::to_string(violations.size()) +
                        (violations.size() == 1 ? " validation error" : " validation errors") +
                        " detected: ";
  for (std::size_t i = 0; i < violations.size(); ++i) {
    if (i > 0) message += "; ";
    message += violations[i];
  }
  return Error{"ValidationException", std::move(message)};
}

}  // namespace baton::api
