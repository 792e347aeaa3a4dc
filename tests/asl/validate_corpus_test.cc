// The validation corpus: every tests/corpus/validate/NAME.asl.json is validated and its
// diagnostics compared with NAME.expected, one `baton validate` line each (file name left
// out), in any order. An empty .expected file means the definition is valid. A first line
// `# type: EXPRESS` validates for an EXPRESS state machine.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "asl/parse.h"

namespace baton::asl {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(BATON_SOURCE_DIR) / "tests/corpus/validate";

std::vector<std::string> corpus_cases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    std::string file = entry.path().filename().string();
    if (file.ends_with(".asl.json")) names.push_back(file.substr(0, file.size() - 9));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class ValidateCorpus : public testing::TestWithParam<std::string> {};

TEST_P(ValidateCorpus, DiagnosticsAreAsExpected) {
  std::string text = read(kCorpus / (GetParam() + ".asl.json"));
  fs::path expected_path = kCorpus / (GetParam() + ".expected");
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
  std::istringstream expected_text(read(expected_path));
  ParseOptions options;
  std::vector<std::string> expected;
  for (std::string line; std::getline(expected_text, line);) {
    if (line == "# type: EXPRESS") {
      options.type = StateMachineType::EXPRESS;
    } else if (!line.empty() && !line.starts_with("#")) {
      expected.push_back(line);
    }
  }
  auto parsed = parse(text, options);
  const Diagnostics& diagnostics = parsed ? parsed->warnings : parsed.error();
  std::vector<std::string> actual;
  for (const Diagnostic& d : diagnostics) actual.push_back(d.line_text());
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  EXPECT_EQ(actual, expected);
  bool expect_valid = std::none_of(expected.begin(), expected.end(),
                                   [](const std::string& l) {
                                     return l.find(": warning: ") == std::string::npos;
                                   }) ||
                      expected.empty();
  EXPECT_EQ(parsed.has_value(), expect_valid);
}

INSTANTIATE_TEST_SUITE_P(Corpus, ValidateCorpus, testing::ValuesIn(corpus_cases()),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace baton::asl
