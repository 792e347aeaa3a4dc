#include "runtime/code_archive.h"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace baton::runtime {

namespace fs = std::filesystem;

namespace {

// Lambda refuses a package it cannot read as the caller's fault (400), in these words.
Unexpected<Error> invalid_zip(const std::string& what) {
  return fail("InvalidParameterValueException",
              "Could not unzip uploaded file. Please check your file, then try to upload again. (" +
                  what + ")");
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

// Whether `name` stays inside the folder it is unpacked to.
bool safe_entry(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  for (const auto& part : fs::path(name)) {
    if (part == "..") return false;
  }
  return true;
}

Unexpected<Error> too_large() {
  return fail("InvalidParameterValueException",
              "Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) + " bytes");
}

// Unpacks every entry of `archive` into `dir`, an empty folder, within the limits.
Expected<void, Error> unpack_entries(zip_t* archive, const fs::path& dir) {
  zip_int64_t entries = zip_get_num_entries(archive, 0);
  if (entries < 0) return invalid_zip("cannot read its entries");
  if (static_cast<std::uint64_t>(entries) > kMaxUnzippedFiles) {
    return fail("InvalidParameterValueException",
                "The unzipped code must hold at most " + std::to_string(kMaxUnzippedFiles) +
                    " files (a limit of baton's; Lambda documents none); this archive holds " +
                    std::to_string(entries));
  }
  // What the headers claim refuses an honest archive before anything is written; what is
  // written is counted below all the same, as a forged header can claim anything.
  std::uint64_t claimed = 0;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t info;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &info) == 0 &&
        (info.valid & ZIP_STAT_SIZE) != 0) {
      claimed += info.size;
    }
  }
  if (claimed > kMaxUnzippedBytes) return too_large();
  std::uint64_t written = 0;
  std::vector<char> buffer(1 << 16);
  std::error_code ec;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t info;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &info) != 0) {
      return invalid_zip("cannot read entry " + std::to_string(i));
    }
    std::string name = info.name;
    if (!safe_entry(name)) return invalid_zip("the entry '" + name + "' leaves its folder");
    fs::path target = dir / name;
    if (name.back() == '/') {
      fs::create_directories(target, ec);
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (file == nullptr) return invalid_zip("cannot open '" + name + "'");
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    zip_int64_t n;
    while ((n = zip_fread(file, buffer.data(), buffer.size())) > 0) {
      written += static_cast<std::uint64_t>(n);
      if (written > kMaxUnzippedBytes) {
        zip_fclose(file);
        return too_large();
      }
      out.write(buffer.data(), n);
    }
    zip_fclose(file);
    if (n < 0 || !out) return invalid_zip("cannot unpack '" + name + "'");
    out.close();
    // The Unix mode, where the archive has one; otherwise readable, and executable for a
    // bootstrap, as Lambda's zip uploads expect.
    zip_uint8_t system = 0;
    zip_uint32_t attributes = 0;
    mode_t mode = 0644;
    if (zip_file_get_external_attributes(archive, static_cast<zip_uint64_t>(i), 0, &system,
                                         &attributes) == 0 &&
        system == ZIP_OPSYS_UNIX && (attributes >> 16) != 0) {
      mode = static_cast<mode_t>((attributes >> 16) & 0777) | 0400;
    } else if (fs::path(name).filename() == "bootstrap") {
      mode = 0755;
    }
    ::chmod(target.c_str(), mode);
  }
  return {};
}

}  // namespace

Expected<void, Error> unpack_zip(std::string_view bytes, const std::string& dir) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) return invalid_zip(zip_error_strerror(&error));
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open_from_source(source, ZIP_RDONLY, &error));
  if (!archive) {
    zip_source_free(source);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return invalid_zip(why);
  }
  fs::path target(dir);
  // The outermost folder made for `dir`, removed again if unpacking fails.
  fs::path made;
  std::error_code ec;
  for (fs::path p = target.parent_path(); p != p.parent_path() && !fs::exists(p, ec);
       p = p.parent_path()) {
    made = p;
  }
  fs::path staging = target;
  staging += ".unpacking";
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  Expected<void, Error> unpacked;
  if (ec) {
    unpacked = fail("ServiceException", "cannot create " + staging.string() + ": " + ec.message());
  } else {
    unpacked = unpack_entries(archive.get(), staging);
  }
  if (unpacked) {
    fs::remove_all(target, ec);
    fs::rename(staging, target, ec);
    if (ec) unpacked = fail("ServiceException", "cannot create " + dir + ": " + ec.message());
  }
  if (!unpacked) {
    fs::remove_all(staging, ec);
    if (!made.empty()) fs::remove_all(made, ec);
  }
  return unpacked;
}

Result<std::string> pack_zip(const std::string& dir) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* sink = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (sink == nullptr) return fail("ServiceException", zip_error_strerror(&error));
  zip_source_keep(sink);
  zip_t* archive = zip_open_from_source(sink, ZIP_TRUNCATE, &error);
  if (archive == nullptr) {
    zip_source_free(sink);
    return fail("ServiceException", zip_error_strerror(&error));
  }
  std::error_code ec;
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) {
    zip_discard(archive);
    zip_source_free(sink);
    return fail("ServiceException", "cannot read " + dir + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::string name = fs::relative(file, dir).generic_string();
    zip_source_t* content = zip_source_file(archive, file.c_str(), 0, -1);
    if (content == nullptr) continue;
    zip_int64_t index = zip_file_add(archive, name.c_str(), content, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(content);
      continue;
    }
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0) {
      zip_file_set_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX,
                                       static_cast<zip_uint32_t>(info.st_mode & 0777) << 16);
    }
  }
  if (zip_close(archive) != 0) {
    std::string why = zip_strerror(archive);
    zip_discard(archive);
    zip_source_free(sink);
    return fail("ServiceException", "cannot write the archive: " + why);
  }
  std::string bytes;
  if (zip_source_open(sink) == 0) {
    zip_source_seek(sink, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(sink);
    zip_source_seek(sink, 0, SEEK_SET);
    bytes.resize(static_cast<std::size_t>(std::max<zip_int64_t>(size, 0)));
    zip_source_read(sink, bytes.data(), bytes.size());
    zip_source_close(sink);
  }
  zip_source_free(sink);
  return bytes;
}

}  // namespace baton::runtime
