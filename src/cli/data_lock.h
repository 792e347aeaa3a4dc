#pragma once

// The lock that makes one `baton serve` the only user of its data folder: two processes on one
// database would both run every execution (every side effect twice). Held from acquire() until
// the process exits, however it exits: the kernel drops it when the process dies.

#include <string>

#include "core/expected.h"

namespace baton::cli {

class DataLock {
 public:
  // Locks DATA/baton.lock and writes this process's id into it. The error, for a person, names
  // the process that holds the folder.
  [[nodiscard]] static Expected<DataLock, std::string> acquire(const std::string& data_dir);

  DataLock(DataLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataLock& operator=(DataLock&&) = delete;
  DataLock(const DataLock&) = delete;
  ~DataLock();

 private:
  explicit DataLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace baton::cli
