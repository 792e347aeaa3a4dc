// The AWS CLI's credentials file, read from real files in a temporary folder.

#include "net/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace baton::net {
namespace {

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("baton-credentials-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string write(const std::string& text) {
    std::string path = (folder_ / "credentials").string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path folder_;
};

TEST_F(CredentialsTest, ReadsEveryProfilesKeys) {
  auto keys =
      read_credentials(write("# the CLI's file\n"
                             "[default]\n"
                             "aws_access_key_id = AKIDDEFAULT\n"
                             "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"
                             "aws_session_token = ignored\n"
                             "\n"
                             "; another\n"
                             "[ci]\r\n"
                             "AWS_ACCESS_KEY_ID=AKIDCI\r\n"
                             "aws_secret_access_key: s=cret with spaces \r\n"
                             "region = eu-west-1\n"
                             "[role-only]\n"
                             "role_arn = arn:aws:iam::123456789012:role/r\n"
                             "source_profile = default\n"));
  ASSERT_TRUE(keys) << keys.error().cause;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->at("AKIDDEFAULT"), "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(keys->at("AKIDCI"), "s=cret with spaces");
}

TEST_F(CredentialsTest, AnEmptyFileHasNoKeys) {
  auto keys = read_credentials(write("\n# nothing yet\n"));
  ASSERT_TRUE(keys) << keys.error().cause;
  EXPECT_TRUE(keys->empty());
}

TEST_F(CredentialsTest, ErrorsNameTheFileAndLine) {
  struct Case {
    std::string text;
    std::string error;
  };
  for (const Case& c : {
           Case{"aws_access_key_id = A\n", ":1: aws_access_key_id is outside any [profile]"},
           Case{"[a]\nthis is not a setting\n",
                ":2: expected `key = value` or `[profile]`, not 'this is not a setting'"},
           Case{"[a\n", ":1: a section header must end with ']'"},
           Case{"[a]\naws_access_key_id = A\n[b]\n",
                ":1: profile [a] has aws_access_key_id but no aws_secret_access_key"},
           Case{"[a]\naws_secret_access_key = S\n",
                ":1: profile [a] has aws_secret_access_key but no aws_access_key_id"},
           Case{"[a]\naws_access_key_id = A\naws_secret_access_key = S\n"
                "[b]\naws_access_key_id = A\naws_secret_access_key = T\n",
                ":4: access key id A has another secret already, at line 1"},
           Case{"[a]\naws_access_key_id =\n", ":2: aws_access_key_id is empty"},
       }) {
    std::string path = write(c.text);
    auto keys = read_credentials(path);
    ASSERT_FALSE(keys) << c.text;
    EXPECT_EQ(keys.error().name, "InvalidCredentialsFile");
    EXPECT_EQ(keys.error().cause, path + c.error) << c.text;
  }
}

TEST_F(CredentialsTest, AMissingFileIsAnError) {
  std::string path = (folder_ / "nowhere").string();
  auto keys = read_credentials(path);
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().cause, path + ": cannot read: No such file or directory");
}

}  // namespace
}  // namespace baton::net
