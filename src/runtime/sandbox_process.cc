#include "runtime/sandbox_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace baton::runtime {

Result<SandboxProcess> spawn_sandbox(const std::vector<std::string>& argv, const std::string& cwd,
                                     const std::map<std::string, std::string>& environment) {
  struct stat info {};
  if (argv.empty() || ::stat(argv[0].c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      ::access(argv[0].c_str(), X_OK) != 0) {
    return fail("Runtime.InvalidEntrypoint",
                "Couldn't find valid bootstrap(s): [" + (argv.empty() ? "" : argv[0]) + "]");
  }
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return fail("Runtime.Unknown", std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return fail("Runtime.Unknown", std::strerror(errno));
  }
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : environment) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (std::string& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  // vfork, not fork: it does not copy baton's page tables, which are large when many
  // executions are in memory. Between vfork and exec the child shares baton's memory and calls
  // only system calls on what was prepared above.
  const char* folder = cwd.c_str();
  pid_t parent = ::getpid();
  pid_t pid = ::vfork();
  if (pid == 0) {
    ::setpgid(0, 0);
    // If baton dies, its sandboxes die with it instead of waiting forever on a gone API.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::chdir(folder) != 0) ::_exit(126);
    ::execve(argp[0], argp.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    int why = errno;
    ::close(out[0]);
    ::close(err[0]);
    return fail("Runtime.InvalidEntrypoint", "cannot start " + argv[0] + ": " + std::strerror(why));
  }
  ::setpgid(pid, pid);
  ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);
  ::fcntl(err[0], F_SETFL, ::fcntl(err[0], F_GETFL) | O_NONBLOCK);
  return SandboxProcess{pid, out[0], err[0]};
}

void kill_sandbox(const SandboxProcess& process) {
  if (process.pid <= 0) return;
  ::kill(-process.pid, SIGKILL);
  ::kill(process.pid, SIGKILL);
}

std::int64_t resident_bytes(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  std::int64_t size = 0;
  std::int64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * ::sysconf(_SC_PAGESIZE);
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace baton::runtime
