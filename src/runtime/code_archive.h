#pragma once

// A function's code as Lambda takes it: a zip archive. Unpacked into a folder the sandboxes
// run in; packed from a folder by `baton deploy`.

#include <string>
#include <string_view>

#include "core/error.h"

namespace baton::runtime {

// Unpacks `zip` into `dir` (created; emptied first), keeping the archive's file modes (a
// `bootstrap` stays executable). Errors: InvalidZipFileException with what is wrong,
// including entries that would land outside `dir`.
[[nodiscard]] Expected<void, Error> unpack_zip(std::string_view zip, const std::string& dir);

// The files under `dir` as a zip archive, with their modes. Errors: what could not be read.
[[nodiscard]] Result<std::string> pack_zip(const std::string& dir);

}  // namespace baton::runtime
