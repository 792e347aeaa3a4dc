#pragma once

// What the api tests share: the models baton embeds, parsed once, and JSON values written as
// text in the expectations.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "api/model.h"
#include "core/error.h"
#include "core/json.h"
#include "net/http.h"

namespace baton {

// How GoogleTest prints an Error in a failed expectation.
inline void PrintTo(const Error& error, std::ostream* out) {
  *out << error.name << ": " << error.cause;
}

}  // namespace baton

namespace baton::json {

// How GoogleTest prints a Value in a failed expectation.
inline void PrintTo(const Value& value, std::ostream* out) { *out << to_string(value); }

}  // namespace baton::json

namespace baton::api::testing {

// An embedded model ("sqs") with its overrides, parsed once.
inline const Model& model(const std::string& name) {
  static std::map<std::string, std::shared_ptr<const Model>> parsed;
  auto it = parsed.find(name);
  if (it != parsed.end()) return *it->second;
  auto text = embedded_model(name);
  auto overrides = embedded_model(name + ".overrides");
  auto model = Model::parse(text.value_or(""), overrides.value_or(""));
  if (!model) {
    ADD_FAILURE() << name << ": " << model.error().cause;
    std::abort();
  }
  return *parsed.emplace(name, std::move(*model)).first->second;
}

// The input shape of an operation of an embedded model.
inline const Shape& input(const std::string& api, std::string_view operation) {
  const Operation* op = model(api).operation(operation);
  if (op == nullptr || op->input == nullptr) {
    ADD_FAILURE() << api << " has no operation " << operation << " with an input";
    std::abort();
  }
  return *op->input;
}

inline json::Value json_of(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed) {
    ADD_FAILURE() << "not JSON: " << text;
    return json::Value();
  }
  return *parsed;
}

// The value of the first header named `name` (as written, case and all), or "".
inline std::string header(const net::HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace baton::api::testing
