// Compiles arbitrary text as an SNS filter policy, in both scopes, and matches what compiles
// against fixed messages: a bad policy is an InvalidParameter error, never a crash.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/filter_policy.h"

namespace {

const baton::events::Message& message() {
  static const baton::events::Message m{
      *baton::json::parse(R"({"colour":{"DataType":"String","StringValue":"blue"},
                              "size":{"DataType":"Number","StringValue":"12.5"},
                              "tags":{"DataType":"String.Array","StringValue":"[\"a\",1,null]"},
                              "ip":{"DataType":"String","StringValue":"10.0.0.7"}})"),
      baton::events::parse_message_body(
          R"({"order":{"id":7,"lines":[{"sku":"x","n":2},{"sku":"y"}]},"ok":true,"z":null})")};
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto scope : {baton::events::FilterPolicyScope::MessageAttributes,
                     baton::events::FilterPolicyScope::MessageBody}) {
    if (auto policy = baton::events::FilterPolicy::parse(text, scope)) {
      (void)policy->matches(message());
    }
  }
  return 0;
}
