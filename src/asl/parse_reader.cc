// ObjectReader: typed reads of one object's fields, and the report of the fields left over.

#include <cmath>

#include "asl/parse_internal.h"

namespace baton::asl::parse_detail {

using json::Value;

namespace {

// Fields that exist only in JSONata states, so a JSONPath state names the language, not just
// "not supported".
constexpr std::string_view kJsonataOnlyFields[] = {"Arguments", "Output", "Items", "Condition"};

bool is_variable_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxStateNameLength) return false;
  auto start = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  };
  if (!start(static_cast<unsigned char>(name[0]))) return false;
  for (unsigned char c : name) {
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string format_min(double min) {
  std::string text = json::to_string(Value::number(min));
  return text;
}

}  // namespace

ObjectReader::ObjectReader(Builder& builder, const Value& object, std::string location)
    : builder_(builder), object_(object), location_(std::move(location)) {}

void ObjectReader::error(std::string_view code, std::string message, std::string location) {
  builder_.diagnostics().push_back(
      {Severity::Error, std::string(code), std::move(message), std::move(location)});
}

void ObjectReader::warn(std::string_view code, std::string message, std::string location) {
  builder_.diagnostics().push_back(
      {Severity::Warning, std::string(code), std::move(message), std::move(location)});
}

void ObjectReader::error_at(std::string_view field, std::string message) {
  error(codes::kSchemaValidationFailed, std::move(message), at(field));
}

const Value* ObjectReader::take(std::string_view field) {
  taken_.emplace(field);
  return object_.find(field);
}

std::optional<std::string> ObjectReader::string(std::string_view field) {
  const Value* v = take(field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    error_at(field, "Expected value of type [STRING]");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view field, std::int64_t min,
                                                  std::int64_t max) {
  const Value* v = take(field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_integer()) {
    error_at(field, "Expected value of type [INTEGER]");
    return std::nullopt;
  }
  if (!v->is_int64() || v->as_int64() > max) {
    error_at(field, "Maximum value is " + std::to_string(max));
    return std::nullopt;
  }
  if (v->as_int64() < min) {
    error_at(field, "Minimum value is " + std::to_string(min));
    return std::nullopt;
  }
  return v->as_int64();
}

std::optional<double> ObjectReader::number(std::string_view field, double min,
                                           std::optional<double> max) {
  const Value* v = take(field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    error_at(field, "Expected value of type [NUMBER]");
    return std::nullopt;
  }
  double d = v->as_double();
  if (d < min) {
    error_at(field, "Minimum value is " + format_min(min));
    return std::nullopt;
  }
  if (max && d > *max) {
    error_at(field, "Maximum value is " + format_min(*max));
    return std::nullopt;
  }
  return d;
}

std::optional<bool> ObjectReader::boolean(std::string_view field) {
  const Value* v = take(field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    error_at(field, "Expected value of type [BOOLEAN]");
    return std::nullopt;
  }
  return v->as_bool();
}

const Value* ObjectReader::object(std::string_view field) {
  const Value* v = take(field);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    error_at(field, "Expected value of type [OBJECT]");
    return nullptr;
  }
  return v;
}

const Value* ObjectReader::array(std::string_view field) {
  const Value* v = take(field);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    error_at(field, "Expected value of type [ARRAY]");
    return nullptr;
  }
  return v;
}

std::optional<Path> ObjectReader::io_path(std::string_view field) {
  const Value* v = take(field);
  static const Path kRoot = *Path::compile("$");
  if (v == nullptr) return kRoot;
  if (v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    error_at(field, "Expected value of type [STRING]");
    return kRoot;
  }
  auto path = Path::compile(v->as_string());
  if (!path) {
    error_at(field, "Value must be a valid JSONPath.");
    return kRoot;
  }
  return std::move(*path);
}

std::optional<Path> ObjectReader::result_path(std::string_view field) {
  const Value* v = take(field);
  static const Path kRoot = *Path::compile("$");
  if (v == nullptr) return kRoot;
  if (v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    error_at(field, "Expected value of type [STRING]");
    return kRoot;
  }
  auto path = Path::compile_reference(v->as_string());
  if (!path) {
    error_at(field, "Value is not a Reference Path");
    return kRoot;
  }
  return std::move(*path);
}

std::optional<Path> ObjectReader::path(std::string_view field) {
  const Value* v = take(field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    error_at(field, "Expected value of type [STRING]");
    return std::nullopt;
  }
  auto path = Path::compile(v->as_string());
  if (!path) {
    error_at(field, "Value must be a valid JSONPath.");
    return std::nullopt;
  }
  return std::move(*path);
}

std::optional<Path> ObjectReader::reference_path(std::string_view field) {
  const Value* v = take(field);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    error_at(field, "Expected value of type [STRING]");
    return std::nullopt;
  }
  auto path = Path::compile_reference(v->as_string());
  if (!path) {
    // A variable may stand where a reference path does.
    auto any = Path::compile(v->as_string());
    if (any && any->root() == PathRoot::Variable) return std::move(*any);
    error_at(field, "Value is not a Reference Path");
    return std::nullopt;
  }
  return std::move(*path);
}

std::optional<PayloadTemplate> ObjectReader::payload(std::string_view field) {
  const Value* v = take(field);
  if (v == nullptr) return std::nullopt;
  return PayloadTemplate::compile(*v, at(field), builder_.diagnostics());
}

std::optional<PayloadTemplate> ObjectReader::assign(std::string_view field) {
  const Value* v = object(field);
  if (v == nullptr) return std::nullopt;
  for (const json::Member& m : v->members()) {
    std::string_view name = m.name();
    if (name.size() > 2 && name.ends_with(".$")) name.remove_suffix(2);
    if (!is_variable_name(name)) {
      error_at(field, "The variable name '" + std::string(name) +
                          "' is not valid: a name starts with a letter or '_', continues with "
                          "letters, digits or '_', and has at most 80 characters");
    }
  }
  return PayloadTemplate::compile(*v, at(field), builder_.diagnostics());
}

void ObjectReader::require(std::initializer_list<std::string_view> fields) {
  std::string missing;
  for (std::string_view field : fields) {
    taken_.emplace(field);
    if (has(field)) continue;
    if (!missing.empty()) missing += ", ";
    missing += field;
  }
  if (!missing.empty()) {
    error(codes::kSchemaValidationFailed, "These fields are required: [" + missing + "]",
          location_.empty() ? "/" : location_);
  }
}

bool ObjectReader::at_most_one_of(std::initializer_list<std::string_view> fields) {
  std::string present;
  int count = 0;
  std::string_view first;
  for (std::string_view field : fields) {
    if (!has(field)) continue;
    taken_.emplace(field);
    if (count == 0) first = field;
    if (!present.empty()) present += ", ";
    present += field;
    ++count;
  }
  if (count > 1) {
    error_at(first, "There should only be one of the following fields: [" + present + "]");
    return false;
  }
  return true;
}

void ObjectReader::finish() {
  for (const json::Member& m : object_.members()) {
    if (taken_.contains(m.name())) continue;
    std::string field(m.name());
    bool jsonata_only = false;
    for (std::string_view name : kJsonataOnlyFields) jsonata_only = jsonata_only || name == field;
    error(codes::kSchemaValidationFailed,
          jsonata_only ? "The QueryLanguage is set to 'JSONPath', but field '" + field +
                             "' is only supported for the 'JSONata' QueryLanguage"
                       : "Field '" + field + "' is not supported",
          location_.empty() ? "/" : location_);
  }
}

}  // namespace baton::asl::parse_detail
