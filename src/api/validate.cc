#include "api/validate.h"

#include <cmath>
#include <memory>
#include <vector>

#include "core/java_pattern.h"

namespace baton::api {

namespace {

using json::Value;

std::int64_t characters(std::string_view s) {
  std::int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string lower_first(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] + 32);
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string number_text(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e18) return std::to_string(static_cast<long long>(d));
  return json::to_string(Value::number(d));
}

bool fits(const Shape& shape, const Value& v) {
  switch (shape.type) {
    case ShapeType::Structure:
    case ShapeType::Map:
      return v.is_object();
    case ShapeType::List:
      return v.is_array();
    case ShapeType::String:
    case ShapeType::Blob:
      return v.is_string();
    case ShapeType::Integer:
    case ShapeType::Long:
      return v.is_integer();
    case ShapeType::Float:
    case ShapeType::Double:
    case ShapeType::Timestamp:
      return v.is_number();
    case ShapeType::Boolean:
      return v.is_bool();
  }
  return false;
}

std::string_view type_name(ShapeType type) {
  switch (type) {
    case ShapeType::Structure:
    case ShapeType::Map:
      return "an object";
    case ShapeType::List:
      return "a list";
    case ShapeType::String:
    case ShapeType::Blob:
      return "a string";
    case ShapeType::Integer:
    case ShapeType::Long:
      return "an integer";
    case ShapeType::Float:
    case ShapeType::Double:
    case ShapeType::Timestamp:
      return "a number";
    case ShapeType::Boolean:
      return "a boolean";
  }
  return "a value";
}

class Checker {
 public:
  explicit Checker(const ValidationStyle& style) : style_(style) {}

  void check(const Shape& shape, const Value& v, const std::string& where, bool top) {
    if (type_error_) return;
    if (!fits(shape, v)) {
      type_error_ = Error{style_.type_error, "Expected " + std::string(type_name(shape.type)) +
                                                 " for '" + where + "'"};
      return;
    }
    switch (shape.type) {
      case ShapeType::Structure:
        return structure(shape, v, where, top);
      case ShapeType::List: {
        length(shape, static_cast<std::int64_t>(v.size()), v, where);
        std::size_t i = 0;
        for (const Value& item : v.as_array()) {
          ++i;
          if (!item.is_null()) {
            check(*shape.element.shape, item, where + "." + std::to_string(i) + ".member", false);
          }
        }
        return;
      }
      case ShapeType::Map:
        length(shape, static_cast<std::int64_t>(v.size()), v, where);
        for (const json::Member& m : v.members()) {
          check(*shape.key.shape, Value::string(m.name()), where + ".key", false);
          if (!m.value.is_null()) check(*shape.value.shape, m.value, where + ".value", false);
        }
        return;
      case ShapeType::String:
        return string(shape, v, where);
      case ShapeType::Blob:
        return length(shape, static_cast<std::int64_t>(v.as_string().size()), v, where);
      case ShapeType::Integer:
      case ShapeType::Long:
      case ShapeType::Float:
      case ShapeType::Double:
        return range(shape, v, where);
      default:
        return;
    }
  }

  std::optional<Error> result() const {
    if (type_error_) return type_error_;
    const std::vector<std::string>& list = enum_only_ ? enums_ : all_;
    if (list.empty()) return std::nullopt;
    std::string message = std::to_string(list.size()) +
                          (list.size() == 1 ? " validation error" : " validation errors") +
                          " detected: ";
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i > 0) message += "; ";
      message += list[i];
    }
    return Error{enum_only_ ? style_.enum_error : style_.constraint_error, std::move(message)};
  }

 private:
  void structure(const Shape& shape, const Value& v, const std::string& where, bool top) {
    std::string prefix = top ? "" : where + ".";
    for (const json::Member& m : v.members()) {
      const Member* member = shape.find(m.name());
      if (member == nullptr || m.value.is_null()) continue;
      check(*member->shape, m.value, prefix + lower_first(member->name), false);
    }
    for (const std::string& name : shape.required) {
      const Value* given = v.find(name);
      if (given == nullptr || given->is_null()) {
        add("Value null at '" + prefix + lower_first(name) +
            "' failed to satisfy constraint: Member must not be null");
      }
    }
  }

  void string(const Shape& shape, const Value& v, const std::string& where) {
    std::string_view s = v.as_string();
    if (!shape.enum_values.empty() && style_.check_enums) {
      bool known = false;
      for (const std::string& e : shape.enum_values) known = known || e == s;
      if (!known) {
        std::string text = shown(shape, v) + " at '" + where +
                           "' failed to satisfy constraint: Member must satisfy enum value set: [" +
                           join(shape.enum_values) + "]";
        enums_.push_back(text);
        all_.push_back(std::move(text));
        return;
      }
    }
    length(shape, characters(s), v, where);
    if (shape.compiled_pattern != nullptr && !shape.compiled_pattern->matches(s)) {
      add(shown(shape, v) + " at '" + where +
          "' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
          shape.pattern);
    }
  }

  void length(const Shape& shape, std::int64_t n, const Value& v, const std::string& where) {
    if (shape.min && n < *shape.min) {
      add(shown(shape, v) + " at '" + where +
          "' failed to satisfy constraint: Member must have length greater than or equal to " +
          std::to_string(*shape.min));
    } else if (shape.max && n > *shape.max) {
      add(shown(shape, v) + " at '" + where +
          "' failed to satisfy constraint: Member must have length less than or equal to " +
          std::to_string(*shape.max));
    }
  }

  void range(const Shape& shape, const Value& v, const std::string& where) {
    double d = v.as_double();
    if (shape.min_value && d < *shape.min_value) {
      add(shown(shape, v) + " at '" + where +
          "' failed to satisfy constraint: Member must have value greater than or equal to " +
          number_text(*shape.min_value));
    } else if (shape.max_value && d > *shape.max_value) {
      add(shown(shape, v) + " at '" + where +
          "' failed to satisfy constraint: Member must have value less than or equal to " +
          number_text(*shape.max_value));
    }
  }

  static std::string shown(const Shape& shape, const Value& v) {
    if (shape.sensitive) return "Value";
    if (v.is_string()) {
      return shape.type == ShapeType::Blob ? "Value" : "Value '" + std::string(v.as_string()) + "'";
    }
    return "Value '" + json::to_string(v) + "'";
  }

  void add(std::string text) {
    enum_only_ = false;
    all_.push_back(std::move(text));
  }

  const ValidationStyle& style_;
  std::optional<Error> type_error_;
  std::vector<std::string> all_;
  std::vector<std::string> enums_;
  bool enum_only_ = true;
};

}  // namespace

bool matches_pattern(const std::string& pattern, std::string_view text) {
  auto compiled = Pattern::compile(pattern);
  return compiled == nullptr || compiled->matches(text);
}

std::optional<Error> validate(const Shape& input, const Value& request,
                              const ValidationStyle& style) {
  Checker checker(style);
  checker.check(input, request, "", true);
  return checker.result();
}

}  // namespace baton::api
