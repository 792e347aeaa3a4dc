#pragma once

// File access for the subcommands.

#include <string>
#include <string_view>

#include "core/expected.h"

namespace baton::cli {

// The whole file, or "-" for standard input. The error says what failed, for a person.
[[nodiscard]] Expected<std::string, std::string> read_text_file(const std::string& path);

}  // namespace baton::cli
