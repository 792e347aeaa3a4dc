#include "events/vtl.h"

#include <gtest/gtest.h>

namespace baton::events::vtl {
namespace {

std::string run(std::string_view text, const Variables& v = {}) {
  auto t = Template::compile(text);
  if (!t) return "COMPILE: " + t.error().cause;
  auto r = render(*t, v);
  if (!r) return "RENDER: " + r.error().cause;
  return r->text;
}

TEST(VtlTest, Smoke) { EXPECT_EQ(run("#set($a = 1)\n$a"), "1"); }

}  // namespace
}  // namespace baton::events::vtl
