#pragma once

// RFC 6901 JSON pointers, the locations of diagnostics: "/States/Check/Choices/0".

#include <cstddef>
#include <string>
#include <string_view>

namespace baton::json {

// `base` extended by one reference token, escaped (`~` -> `~0`, `/` -> `~1`).
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, std::size_t index);

}  // namespace baton::json
