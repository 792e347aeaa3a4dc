#include "cli/data_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace baton::cli {

namespace {

std::string read_all(int fd) {
  std::string text;
  char buffer[256];
  ::lseek(fd, 0, SEEK_SET);
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

}  // namespace

Expected<DataLock, std::string> DataLock::acquire(const std::string& data_dir) {
  std::string path = data_dir + "/baton.lock";
  // Close-on-exec: a function's sandbox must not inherit (and so keep) the lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Unexpected<std::string>("cannot open " + path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int why = errno;
    std::string holder = why == EWOULDBLOCK ? read_all(fd) : std::string();
    ::close(fd);
    if (why != EWOULDBLOCK) {
      return Unexpected<std::string>("cannot lock " + path + ": " + std::strerror(why));
    }
    return Unexpected<std::string>("the data folder " + data_dir + " is in use by another baton (" +
                                   (holder.empty() ? std::string("process unknown") : holder) +
                                   "); stop it, or give this one another --data folder");
  }
  std::time_t now = std::time(nullptr);
  char started[32] = {};
  std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::string holder = "pid " + std::to_string(::getpid()) + ", started " + started + "\n";
  // The lock holds even when the note of who holds it cannot be written.
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, holder.data(), holder.size(), 0);
  return DataLock(fd);
}

DataLock::~DataLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace baton::cli
