#include "asl/payload_template.h"

#include <gtest/gtest.h>

namespace baton::asl {
namespace {

using json::Value;

std::string evaluate(std::string_view template_json, std::string_view input_json,
                     Diagnostics* diagnostics_out = nullptr) {
  Diagnostics diagnostics;
  auto t =
      PayloadTemplate::compile(*json::parse(template_json), "/States/S/Parameters", diagnostics);
  if (diagnostics_out != nullptr) *diagnostics_out = diagnostics;
  if (has_errors(diagnostics)) return "<invalid>";
  Value input = *json::parse(input_json);
  Value context = *json::parse(R"j({"Execution":{"Name":"e1"}})j");
  Scope scope{&input, &context};
  auto v = t.evaluate(scope);
  if (!v) return "!" + v.error().name + ": " + v.error().cause;
  return json::to_string(*v);
}

TEST(PayloadTemplateTest, DollarKeysTakePathsContextAndIntrinsicsAtAnyDepth) {
  EXPECT_EQ(evaluate(R"j({"static":1,"a.$":"$.x","nested":{"b.$":"$$.Execution.Name",
                        "list":[{"c.$":"States.Format('{}!', $.x)"}, 2, "s"]}})j",
                     R"j({"x":"hi"})j"),
            R"j({"static":1,"a":"hi","nested":{"b":"e1","list":[{"c":"hi!"},2,"s"]}})j");
}

TEST(PayloadTemplateTest, StaticTemplatesAreReturnedAsIs) {
  EXPECT_EQ(evaluate(R"j({"a":[1,{"b":"$.not_a_path"}]})j", "{}"),
            R"j({"a":[1,{"b":"$.not_a_path"}]})j");
  EXPECT_EQ(evaluate(R"j("just a string")j", "{}"), R"j("just a string")j");
}

TEST(PayloadTemplateTest, AMissingPathFailsWithAwsCause) {
  EXPECT_EQ(evaluate(R"j({"value.$":"$.nope"})j", R"j({"x":1})j"),
            "!States.Runtime: The JSONPath '$.nope' specified for the field 'value.$' could "
            "not be found in the input '{\"x\":1}'");
}

TEST(PayloadTemplateTest, BadDollarFieldsAreDiagnosedWhereTheObjectIs) {
  Diagnostics diagnostics;
  EXPECT_EQ(
      evaluate(R"j({"a.$":"not a path","n":{"b.$":5},"c.$":"States.Nope()"})j", "{}", &diagnostics),
      "<invalid>");
  ASSERT_EQ(diagnostics.size(), 3u);
  EXPECT_EQ(diagnostics[0].line_text(),
            "/States/S/Parameters: SCHEMA_VALIDATION_FAILED: The value for the field 'a.$' must "
            "be a valid JSONPath or a valid intrinsic function call");
  EXPECT_EQ(diagnostics[1].location, "/States/S/Parameters/n");
  EXPECT_EQ(diagnostics[2].location, "/States/S/Parameters");
}

TEST(PayloadTemplateTest, IntrinsicProblemsThatFailAtRunTimeAreWarnings) {
  Diagnostics diagnostics;
  EXPECT_EQ(evaluate(R"j({"a.$":"States.ArrayRange(1, 2)"})j", "{}", &diagnostics).substr(0, 15),
            "!States.Runtime");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].severity, Severity::Warning);
}

}  // namespace
}  // namespace baton::asl
