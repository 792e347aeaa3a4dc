#include "runtime/bootstraps.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace baton::runtime {

namespace {

Expected<void, Error> write_if_changed(const std::filesystem::path& path, std::string_view text,
                                       std::filesystem::perms mode) {
  std::ifstream existing(path, std::ios::binary);
  if (existing) {
    std::stringstream buffer;
    buffer << existing.rdbuf();
    if (buffer.str() == text) return {};
  }
  // Written beside, then renamed: a sandbox starting meanwhile never reads half a file.
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return fail("Runtime.Unknown", "cannot write " + temporary.string());
  }
  std::error_code ec;
  std::filesystem::permissions(temporary, mode, ec);
  std::filesystem::rename(temporary, path, ec);
  if (ec) return fail("Runtime.Unknown", "cannot write " + path.string() + ": " + ec.message());
  return {};
}

constexpr auto kReadable = std::filesystem::perms::owner_read |
                           std::filesystem::perms::owner_write |
                           std::filesystem::perms::group_read | std::filesystem::perms::others_read;

}  // namespace

Expected<void, Error> write_runtime_file(const std::string& path, std::string_view text) {
  return write_if_changed(path, text, kReadable);
}

Expected<void, Error> write_bootstraps(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail("Runtime.Unknown", "cannot create " + dir + ": " + ec.message());
  std::filesystem::path folder(dir);
  constexpr auto kExecutable = kReadable | std::filesystem::perms::owner_exec |
                               std::filesystem::perms::group_exec |
                               std::filesystem::perms::others_exec;
  if (auto ok = write_if_changed(folder / kNodeBootstrapName, kNodeBootstrapSource, kReadable);
      !ok) {
    return ok;
  }
  if (auto ok = write_if_changed(folder / kPythonBootstrapName, kPythonBootstrapSource, kReadable);
      !ok) {
    return ok;
  }
  return write_if_changed(folder / kSandboxInitName, kSandboxInitProgram, kExecutable);
}

}  // namespace baton::runtime
