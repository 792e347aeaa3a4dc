#pragma once

// The AWS CLI's shared credentials file (~/.aws/credentials), read for the keys it holds: each
// profile's aws_access_key_id and aws_secret_access_key. Other settings (aws_session_token,
// region, role_arn ...) are passed over.

#include <map>
#include <string>

#include "core/error.h"

namespace baton::net {

// Access key id -> secret access key, over every profile. The format is the CLI's INI: `[name]`
// sections, `key = value` (or `key: value`) lines, `#` and `;` comment lines, blank lines.
// Errors (InvalidCredentialsFile) name the file and the line: an unreadable file, a line that
// is neither, a key outside any profile, a profile with one half of a key pair, the same access
// key id with two secrets.
[[nodiscard]] Result<std::map<std::string, std::string>> read_credentials(const std::string& path);

}  // namespace baton::net
