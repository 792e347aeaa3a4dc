#include "net/credentials.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

#include "core/text.h"

namespace baton::net {
namespace {

// What a line of the file may be padded with (a file written on Windows ends lines in \r).
constexpr std::string_view kBlanks = " \t\r";

// One profile's key pair as read so far, and where.
struct Profile {
  std::string name;
  int line = 0;
  std::optional<std::string> access_key;
  std::optional<std::string> secret;
};

}  // namespace

Result<std::map<std::string, std::string>> read_credentials(const std::string& path) {
  auto error = [&path](int line, const std::string& what) {
    return fail("InvalidCredentialsFile",
                path + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + what);
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return error(0, "cannot read: it is a folder");
  std::ifstream file(path);
  if (!file) return error(0, std::string("cannot read: ") + std::strerror(errno));

  std::map<std::string, std::string> keys;
  std::map<std::string, int> key_lines;  // where each access key id was read
  std::optional<Profile> profile;
  // Takes the pair of the profile just read, if it has one.
  auto finish = [&]() -> Result<void> {
    if (!profile) return {};
    if (profile->access_key.has_value() != profile->secret.has_value()) {
      return error(profile->line,
                   "profile [" + profile->name + "] has " +
                       (profile->access_key ? "aws_access_key_id" : "aws_secret_access_key") +
                       " but no " +
                       (profile->access_key ? "aws_secret_access_key" : "aws_access_key_id"));
    }
    if (!profile->access_key) return {};
    auto [at, added] = keys.emplace(*profile->access_key, *profile->secret);
    if (!added && at->second != *profile->secret) {
      return error(profile->line, "access key id " + *profile->access_key +
                                      " has another secret already, at line " +
                                      std::to_string(key_lines[*profile->access_key]));
    }
    key_lines.emplace(*profile->access_key, profile->line);
    return {};
  };

  std::string text;
  int number = 0;
  while (std::getline(file, text)) {
    ++number;
    std::string_view line = trim(text, kBlanks);
    if (number == 1 && line.starts_with("\xEF\xBB\xBF"))
      line = trim(line.substr(3), kBlanks);  // BOM
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return error(number, "a section header must end with ']'");
      if (auto done = finish(); !done) return Unexpected<Error>(done.error());
      std::string_view name = trim(line.substr(1, line.size() - 2), kBlanks);
      if (name.empty()) return error(number, "a profile needs a name");
      profile = Profile{std::string(name), number, std::nullopt, std::nullopt};
      continue;
    }
    auto separator = line.find_first_of("=:");
    if (separator == std::string_view::npos) {
      return error(number,
                   "expected `key = value` or `[profile]`, not '" + std::string(line) + "'");
    }
    std::string key = ascii_lower(trim(line.substr(0, separator), kBlanks));
    std::string value(trim(line.substr(separator + 1), kBlanks));
    if (key.empty()) return error(number, "a setting needs a name before '='");
    if (!profile) return error(number, key + " is outside any [profile]");
    if (key == "aws_access_key_id" || key == "aws_secret_access_key") {
      if (value.empty()) return error(number, key + " is empty");
      auto& slot = key == "aws_access_key_id" ? profile->access_key : profile->secret;
      if (slot) return error(number, key + " is set twice in profile [" + profile->name + "]");
      slot = std::move(value);
    }
  }
  if (file.bad()) return error(0, std::string("cannot read: ") + std::strerror(errno));
  if (auto done = finish(); !done) return Unexpected<Error>(done.error());
  return keys;
}

}  // namespace baton::net
