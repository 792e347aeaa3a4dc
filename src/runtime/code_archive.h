#pragma once

// A function's code as Lambda takes it: a zip archive. Unpacked into a folder the sandboxes
// run in; packed from a folder by `baton deploy`.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace baton::runtime {

// Lambda's limit on a function's unzipped code: 250 MB, layers included, which its error states
// in bytes.
inline constexpr std::uint64_t kMaxUnzippedBytes = 262'144'000;
// baton's limit on the entries (files and folders) of a function's code. Lambda documents none;
// this is far above what real deployments hold (a Node.js app with its node_modules, a Python
// one with numpy and pandas: a few thousand to ~20,000) and keeps an archive of empty files
// from making millions of inodes.
inline constexpr std::uint64_t kMaxUnzippedFiles = 50'000;

// Unpacks `zip` into `dir`, keeping the archive's file modes (a `bootstrap` stays executable).
// `dir` is whole or absent: the files go to a sibling folder first, which replaces `dir` once
// complete; on error nothing is left, not even the folders made for `dir`. The limits count what
// is written, never what the archive's headers claim. Errors, as Lambda words them:
// InvalidParameterValueException for an archive that cannot be read (with what is wrong,
// including entries that would land outside `dir`) and past kMaxUnzippedBytes or
// kMaxUnzippedFiles.
[[nodiscard]] Expected<void, Error> unpack_zip(std::string_view zip, const std::string& dir);

// The files under `dir` as a zip archive, with their modes. Errors: what could not be read.
[[nodiscard]] Result<std::string> pack_zip(const std::string& dir);

}  // namespace baton::runtime
