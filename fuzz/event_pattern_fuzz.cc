// Compiles arbitrary text as an EventBridge event pattern and matches what compiles against
// fixed events, directly and through a PatternIndex: a bad pattern is an error, never a crash,
// and the index finds a pattern exactly when the pattern matches.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "events/event_pattern.h"

namespace {

const baton::json::Value& event(int which) {
  static const baton::json::Value events[] = {
      *baton::json::parse(
          R"({"version":"0","id":"1","detail-type":"Object Created","source":"aws.s3",
              "account":"123456789012","time":"2024-01-01T00:00:00Z","region":"us-east-1",
              "resources":["arn:aws:s3:::bucket"],
              "detail":{"object":{"key":"dir/a.PNG","size":1024},"ip":"10.0.0.7",
                        "tags":["a",1,null,true],"lines":[{"sku":"x","n":2},{"sku":"y"}]}})"),
      *baton::json::parse(
          R"({"source":["s1","s2"],"detail-type":5,"detail":{"a.b":"c","n":-3.5}})"),
  };
  return events[which];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pattern = baton::events::EventPattern::parse(text);
  if (!pattern) return 0;
  baton::events::PatternIndex index;
  index.put("p", *pattern);
  for (int which = 0; which < 2; ++which) {
    bool matched = pattern->matches(event(which));
    bool found = false;
    index.matching(event(which), [&found](const std::string&) { found = true; });
    if (matched != found) std::abort();
  }
  return 0;
}
