// Compiles arbitrary text as a JSONPath and as an intrinsic call, and evaluates what compiles
// against a fixed document: errors are values, never crashes.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "asl/expression.h"

namespace {

const baton::json::Value& document() {
  static const baton::json::Value doc = *baton::json::parse(
      R"({"a":{"b":[1,2,{"c":"x"}],"d":null},"s":"a,b","n":-3.5,"arr":[3,1,2],"t":true})");
  return doc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  baton::Random random(1);
  baton::asl::Scope scope{&document(), &document(), nullptr, &random};
  if (auto path = baton::asl::Path::compile(text)) {
    (void)path->evaluate(scope);
    (void)path->canonical();
  }
  (void)baton::asl::Path::compile_reference(text);
  if (auto expression = baton::asl::Expression::compile(text)) {
    (void)expression->evaluate(scope, "field.$");
  }
  return 0;
}
