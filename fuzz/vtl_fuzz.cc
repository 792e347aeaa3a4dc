// Compiles arbitrary text as an API Gateway mapping template and renders what compiles against
// a fixed request: a bad template is an error, never a crash, and rendering ends within the
// engine's bounds (no hang, no unbounded memory) whatever the template does.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/vtl.h"

namespace {

const baton::events::vtl::Variables& variables() {
  static const baton::events::vtl::Variables v = [] {
    baton::events::vtl::Variables made;
    made.input.body =
        R"({"id":"42","name":"O'Brien","items":[{"sku":"a","n":1},{"sku":"b","n":2.5}],)"
        R"("nested":{"list":[1,[2,[3]]],"flag":true,"none":null}})";
    made.input.path = *baton::json::parse(R"({"id":"42"})");
    made.input.querystring = *baton::json::parse(R"({"q":"cats","page":"2"})");
    made.input.header = *baton::json::parse(R"({"Content-Type":"application/json"})");
    made.context = *baton::json::parse(
        R"({"requestId":"r-1","stage":"prod","identity":{"sourceIp":"10.0.0.1"}})");
    made.stage_variables = *baton::json::parse(R"({"table":"Orders"})");
    return made;
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = baton::events::vtl::Template::compile(text);
  if (!compiled) return 0;
  auto rendered = baton::events::vtl::render(*compiled, variables());
  (void)rendered;
  return 0;
}
