#include "runtime/sandbox_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "core/check.h"

namespace baton::runtime {

namespace {

namespace fs = std::filesystem;

// The child runs on a stack of its own until it executes its program: it shares baton's memory
// (CLONE_VM) and the thread that starts it waits on its own stack meanwhile. Frames are larger
// under AddressSanitizer, hence the margin.
constexpr std::size_t kChildStackBytes = 256 * 1024;
constexpr int kMaxBinds = 8;
constexpr int kMaxDirs = 32;
constexpr int kMaxListeners = 4;

// Everything the child does, prepared by baton beforehand: between clone and exec the child
// shares baton's memory, so it makes system calls only (no allocation, no lock) on what is
// here, and writes back what failed.
struct ChildPlan {
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* cwd = nullptr;
  int out_fd = -1;
  int err_fd = -1;
  const char* init = nullptr;     // the sandbox init's path; null: the program is PID 1 itself
  int status_fd = -1;             // becomes descriptor 3 of the init
  char* program_stack = nullptr;  // the top of the program's stack, when the init starts it
  pid_t parent = 0;
  int parent_pidfd = -1;
  int max_fd = 1024;     // for closing descriptors where close_range is missing
  bool dry_run = false;  // set everything up, then exit 0 instead of running argv

  bool namespaces = false;
  bool own_network = false;
  bool toggle_dumpable = false;
  char uid_map[48] = {};
  char gid_map[48] = {};
  const char* hidden_dir = nullptr;
  const char* dirs[kMaxDirs] = {};  // mount points made in the tmpfs over hidden_dir, in order
  int dir_count = 0;
  struct Bind {
    const char* source = nullptr;  // the folder shown
    const char* path = nullptr;    // where
    unsigned long remount_flags = 0;
    int fd = -1;
  };
  Bind binds[kMaxBinds];
  int bind_count = 0;
  std::uint16_t ports[kMaxListeners] = {};
  int port_count = 0;

  // Written by the child.
  int listeners[kMaxListeners] = {-1, -1, -1, -1};
  const char* failed_step = nullptr;
  int failed_errno = 0;
};

// What runs in the child, between clone and exec, on a stack the sanitizers did not make: not
// instrumented, as glibc's posix_spawn is not.
#define BATON_IN_CHILD __attribute__((no_sanitize("address", "undefined")))

BATON_IN_CHILD bool write_text(const char* path, const char* text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  auto size = static_cast<ssize_t>(std::strlen(text));
  bool written = ::write(fd, text, static_cast<std::size_t>(size)) == size;
  int why = errno;
  ::close(fd);
  errno = why;
  return written;
}

// A listening TCP socket on 127.0.0.1:port of the caller's network namespace, or -1. System
// calls only, for the child.
BATON_IN_CHILD int open_listener(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    int why = errno;
    ::close(fd);
    errno = why;
    return -1;
  }
  return fd;
}

// A new network namespace has a loopback interface, down.
BATON_IN_CHILD bool loopback_up() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq request{};
  std::memcpy(request.ifr_name, "lo", 3);
  bool up = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
  up = up && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  int why = errno;
  ::close(fd);
  errno = why;
  return up;
}

// "/proc/self/fd/N", without the allocating formatters.
BATON_IN_CHILD void fd_path(int fd, char (&out)[32]) {
  constexpr char kPrefix[] = "/proc/self/fd/";
  std::memcpy(out, kPrefix, sizeof kPrefix - 1);
  char digits[12];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  for (int i = 0; i < count; ++i) out[sizeof kPrefix - 1 + i] = digits[count - 1 - i];
  out[sizeof kPrefix - 1 + count] = '\0';
}

[[noreturn]] BATON_IN_CHILD void child_failed(ChildPlan& plan, const char* step) {
  plan.failed_step = step;
  plan.failed_errno = errno;
  ::_exit(126);
}

// Closes every descriptor from `first` on.
BATON_IN_CHILD void close_from(int first, const ChildPlan& plan) {
  if (::close_range(static_cast<unsigned>(first), ~0U, 0) == 0) return;
  for (int fd = first; fd < plan.max_fd; ++fd) ::close(fd);
}

// A program starts with no signal blocked: baton blocks some in its threads.
BATON_IN_CHILD void unblock_signals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// The sandbox's program, with nothing of baton's but its output pipes.
[[noreturn]] BATON_IN_CHILD void run_program(ChildPlan& plan) {
  int null = ::open("/dev/null", O_RDONLY);
  if (null >= 0) ::dup2(null, 0);
  ::dup2(plan.out_fd, 1);
  ::dup2(plan.err_fd, 2);
  // None of baton's descriptors: not all are close-on-exec (Asio's sockets are not), and a
  // listener or connection of baton's would let the sandbox answer for another.
  close_from(3, plan);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &default_action, nullptr);
  unblock_signals();
  if (::chdir(plan.cwd) != 0) child_failed(plan, "entering the code folder");
  ::execve(plan.argv[0], plan.argv, plan.envp);
  child_failed(plan, "exec");
}

BATON_IN_CHILD int program_main(void* argument) { run_program(*static_cast<ChildPlan*>(argument)); }

// In the child, from clone to exec.
BATON_IN_CHILD int child_main(void* argument) {
  ChildPlan& plan = *static_cast<ChildPlan*>(argument);
  ::setpgid(0, 0);
  // If baton dies, its sandboxes die with it instead of waiting forever on a gone API; unless it
  // died before this line, which the checks below see. (In a PID namespace of its own, the
  // child's parent is invisible: getppid() is 0.)
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  bool orphan = false;
  if (!plan.namespaces) {
    orphan = ::getppid() != plan.parent;
  } else if (plan.parent_pidfd >= 0) {
    pollfd gone{plan.parent_pidfd, POLLIN, 0};  // a process's pidfd turns readable as it exits
    orphan = ::poll(&gone, 1, 0) != 0;
  }
  if (orphan) child_failed(plan, "checking that baton is still there");

  if (plan.namespaces) {
    // Nothing in a user namespace may create a file before its maps are written. /proc shows a
    // non-dumpable process's files (baton's, whose memory the child shares) as root's, which
    // only root could write: baton is dumpable while it writes them (spawn_sandbox says why).
    if (plan.toggle_dumpable) ::prctl(PR_SET_DUMPABLE, 1);
    bool mapped = write_text("/proc/self/setgroups", "deny") &&
                  write_text("/proc/self/uid_map", plan.uid_map) &&
                  write_text("/proc/self/gid_map", plan.gid_map);
    int why = errno;
    if (plan.toggle_dumpable) ::prctl(PR_SET_DUMPABLE, 0);
    errno = why;
    if (!mapped) child_failed(plan, "writing the user namespace's uid and gid maps");
  }
  if (plan.own_network) {
    if (!loopback_up()) child_failed(plan, "bringing up the loopback interface");
    // Made in baton's descriptor table (CLONE_FILES): baton serves them, and only processes in
    // this namespace can connect to them.
    for (int i = 0; i < plan.port_count; ++i) {
      plan.listeners[i] = open_listener(plan.ports[i]);
      if (plan.listeners[i] < 0) child_failed(plan, "listening on 127.0.0.1 in the namespace");
    }
    if (::unshare(CLONE_FILES) != 0) child_failed(plan, "unsharing the descriptor table");
  }
  if (plan.namespaces) {
    // The folders to show, opened before the tmpfs hides them.
    for (int i = 0; i < plan.bind_count; ++i) {
      plan.binds[i].fd = ::open(plan.binds[i].source, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (plan.binds[i].fd < 0) child_failed(plan, "opening a folder to show");
    }
    if (plan.hidden_dir != nullptr) {
      if (::mount("tmpfs", plan.hidden_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "size=64k,nr_inodes=256,mode=0755") != 0) {
        child_failed(plan, "mounting a tmpfs over the data folder");
      }
      for (int i = 0; i < plan.dir_count; ++i) {
        if (::mkdir(plan.dirs[i], 0755) != 0 && errno != EEXIST) {
          child_failed(plan, "making a mount point");
        }
      }
    }
    for (int i = 0; i < plan.bind_count; ++i) {
      const ChildPlan::Bind& bind = plan.binds[i];
      char source[32];
      fd_path(bind.fd, source);
      if (::mount(source, bind.path, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        child_failed(plan, "bind-mounting a folder to show");
      }
      if (::mount(nullptr, bind.path, nullptr,
                  MS_REMOUNT | MS_BIND | MS_RDONLY | bind.remount_flags, nullptr) != 0) {
        child_failed(plan, "making a shown folder read-only");
      }
    }
    if (plan.hidden_dir != nullptr &&
        ::mount(nullptr, plan.hidden_dir, nullptr,
                MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
      child_failed(plan, "making the tmpfs over the data folder read-only");
    }
    // Its own processes only. Mounted last: the binds above go through the old /proc.
    if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
      child_failed(plan, "mounting /proc");
    }
    // The child holds every capability in its user namespace: none survives exec, even as uid 0
    // (SECBIT_NOROOT), and none can be gained again (setuid programs, file capabilities). So the
    // mounts above stay as they are.
    if (::prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                       SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED) !=
            0 ||
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
      child_failed(plan, "dropping capabilities");
    }
  }
  if (plan.dry_run) ::_exit(0);
  if (plan.init == nullptr) run_program(plan);
  // The program first, as PID 2, so that it starts without waiting for the init; this process
  // becomes the init once the program has executed (CLONE_VFORK). A stack of its own, as
  // this one's is in use (and AddressSanitizer's vfork cannot run on a stack it did not make).
  pid_t program =
      ::clone(program_main, plan.program_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
  if (program < 0) child_failed(plan, "starting the program");
  if (plan.failed_step != nullptr) ::_exit(126);  // the program could not start: it said why
  int null = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3 && null >= 0; ++fd) ::dup2(null, fd);
  // dup2 onto itself would keep close-on-exec.
  if (plan.status_fd == 3) ::fcntl(3, F_SETFD, 0);
  ::dup2(plan.status_fd, 3);
  close_from(4, plan);
  unblock_signals();
  char* const init_argv[] = {const_cast<char*>(plan.init), nullptr};
  char* const no_environment[] = {nullptr};
  ::execve(plan.init, init_argv, no_environment);
  // The program runs, but nothing would report its end: stop it with this process.
  child_failed(plan, "executing the sandbox init");
}

// Serializes the spawns that make baton dumpable for a moment, so that one does not make it
// non-dumpable again while the child of another still writes its maps. Process-wide, as the
// flag is.
std::mutex& dumpable_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Strings the plan points into, kept alive until the child has executed.
struct PlanStorage {
  std::string hidden_dir;
  std::vector<std::string> dirs;
  std::vector<SandboxIsolation::Shown> binds;
};

// The mounts of `isolation`, resolved (symbolic links and all) as the kernel will see them.
void plan_mounts(const SandboxIsolation& isolation, PlanStorage& storage, ChildPlan& plan) {
  std::error_code ec;
  if (!isolation.hidden_dir.empty()) {
    fs::path hidden = fs::canonical(isolation.hidden_dir, ec);
    if (!ec) storage.hidden_dir = hidden.string();
  }
  auto show = [&](const std::string& source, std::string path) {
    auto shown = [&](const SandboxIsolation::Shown& b) { return b.path == path; };
    if (std::none_of(storage.binds.begin(), storage.binds.end(), shown)) {
      storage.binds.push_back({source, std::move(path)});
    }
  };
  for (const std::string& folder : isolation.read_only) {
    fs::path path = fs::canonical(folder, ec);
    if (ec) continue;  // nothing to show; running it fails later, with a clearer error
    show(path.string(), path.string());
  }
  for (const SandboxIsolation::Shown& elsewhere : isolation.read_only_at) {
    fs::path source = fs::canonical(elsewhere.source, ec);
    if (ec) continue;
    // Its mount point is made, so only its parent exists.
    fs::path path = fs::path(elsewhere.path).lexically_normal();
    fs::path parent = fs::canonical(path.parent_path(), ec);
    if (ec) continue;
    std::string target = (parent / path.filename()).string();
    // Only there can its mount point be made.
    if (storage.hidden_dir.empty() || !target.starts_with(storage.hidden_dir + "/")) continue;
    show(source.string(), target);
  }
  // Outer folders first: a folder shown inside another stays visible.
  std::sort(storage.binds.begin(), storage.binds.end(),
            [](const SandboxIsolation::Shown& a, const SandboxIsolation::Shown& b) {
              return a.path.size() < b.path.size();
            });
  if (!storage.hidden_dir.empty()) {
    std::string prefix = storage.hidden_dir + "/";
    for (const SandboxIsolation::Shown& shown : storage.binds) {
      const std::string& bind = shown.path;
      if (!bind.starts_with(prefix)) continue;
      for (auto slash = bind.find('/', prefix.size());; slash = bind.find('/', slash + 1)) {
        std::string dir = bind.substr(0, slash);
        if (std::find(storage.dirs.begin(), storage.dirs.end(), dir) == storage.dirs.end()) {
          storage.dirs.push_back(dir);
        }
        if (slash == std::string::npos) break;
      }
    }
    plan.hidden_dir = storage.hidden_dir.c_str();
  }
  BATON_CHECK(storage.binds.size() <= kMaxBinds && storage.dirs.size() <= kMaxDirs,
              "too many folders to show in a sandbox");
  for (const std::string& dir : storage.dirs) plan.dirs[plan.dir_count++] = dir.c_str();
  for (const SandboxIsolation::Shown& bind : storage.binds) {
    ChildPlan::Bind& b = plan.binds[plan.bind_count++];
    b.source = bind.source.c_str();
    b.path = bind.path.c_str();
    // A bind mount keeps the flags of the mount it copies; those a less privileged namespace
    // inherits are locked, and remounting without them fails. nosuid and nodev are added.
    b.remount_flags = MS_NOSUID | MS_NODEV;
    struct statvfs info {};
    if (::statvfs(b.source, &info) == 0 && (info.f_flag & ST_NOEXEC) != 0) {
      b.remount_flags |= MS_NOEXEC;
    }
  }
}

Result<SandboxProcess> start_child(const std::vector<std::string>& argv, const std::string& cwd,
                                   const std::map<std::string, std::string>& environment,
                                   const SandboxIsolation& isolation, bool dry_run) {
  BATON_CHECK(isolation.listen_ports.size() <= kMaxListeners, "too many sandbox listeners");
  BATON_CHECK(!isolation.own_network || isolation.namespaces, "own_network needs namespaces");
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

  int status[2] = {-1, -1};
  if (isolation.namespaces && !isolation.init.empty() && ::pipe2(status, O_CLOEXEC) != 0) {
    int why = errno;
    for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    return fail("Runtime.Unknown", std::strerror(why));
  }
  ChildPlan plan;
  if (status[1] >= 0) plan.init = isolation.init.c_str();
  plan.status_fd = status[1];
  plan.argv = argp.data();
  plan.envp = envp.data();
  plan.cwd = cwd.c_str();
  plan.out_fd = out[1];
  plan.err_fd = err[1];
  plan.parent = ::getpid();
  plan.max_fd = static_cast<int>(std::min<long>(::sysconf(_SC_OPEN_MAX), 65536));
  plan.dry_run = dry_run;
  PlanStorage storage;
  // clone without CLONE_VM|CLONE_VFORK would copy baton's page tables, as fork does: 200 ms
  // for a baton of 1 GB. With them the child shares baton's memory until it executes.
  int flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
  if (isolation.namespaces) {
    flags |= CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID;
    plan.namespaces = true;
    plan.parent_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0));
    // The sandbox keeps baton's user and group: the same files are its, and only those.
    std::snprintf(plan.uid_map, sizeof plan.uid_map, "%u %u 1", ::geteuid(), ::geteuid());
    std::snprintf(plan.gid_map, sizeof plan.gid_map, "%u %u 1", ::getegid(), ::getegid());
    plan.toggle_dumpable = ::geteuid() != 0 && ::prctl(PR_GET_DUMPABLE) != 1;
    plan_mounts(isolation, storage, plan);
  }
  if (isolation.own_network) {
    flags |= CLONE_NEWNET | CLONE_FILES;
    plan.own_network = true;
    for (std::uint16_t port : isolation.listen_ports) plan.ports[plan.port_count++] = port;
  }
  // Two stacks: the child's, and below it the program's when an init starts it.
  auto stack = std::make_unique_for_overwrite<char[]>(2 * kChildStackBytes);
  plan.program_stack = stack.get() + kChildStackBytes;

  // No signal handler of baton's may run in the child while it shares baton's memory.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  pid_t pid;
  int clone_errno;
  {
    // A non-dumpable process cannot write its user namespace's maps unless it runs as root; so
    // the child makes baton dumpable while it writes them, about 20 us. Nothing that could use
    // that can see baton: every other sandbox is in a PID namespace of its own.
    std::unique_lock<std::mutex> lock;
    if (plan.toggle_dumpable) lock = std::unique_lock(dumpable_mutex());
    pid = ::clone(child_main, stack.get() + 2 * kChildStackBytes, flags, &plan);
    clone_errno = errno;
    if (plan.toggle_dumpable) ::prctl(PR_SET_DUMPABLE, 0);
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  for (int fd : {out[1], err[1], status[1], plan.parent_pidfd}) {
    if (fd >= 0) ::close(fd);
  }

  auto close_all = [&] {
    ::close(out[0]);
    ::close(err[0]);
    if (status[0] >= 0) ::close(status[0]);
    for (int fd : plan.listeners) {
      if (fd >= 0) ::close(fd);
    }
  };
  if (pid < 0) {
    close_all();
    if (isolation.namespaces) {
      return fail(
          "Sandbox.IsolationFailed",
          std::string("cannot create the sandbox's namespaces: ") + std::strerror(clone_errno));
    }
    return fail("Runtime.InvalidEntrypoint",
                "cannot start " + argv[0] + ": " + std::strerror(clone_errno));
  }
  // With CLONE_VFORK, clone returns once the child has executed its program or exited.
  if (plan.failed_step != nullptr || dry_run) {
    ::waitpid(pid, nullptr, 0);
    close_all();
    if (plan.failed_step == nullptr) return SandboxProcess{};
    std::string why = std::strerror(plan.failed_errno);
    if (std::strcmp(plan.failed_step, "exec") == 0) {
      return fail("Runtime.InvalidEntrypoint", "cannot start " + argv[0] + ": " + why);
    }
    return fail("Sandbox.IsolationFailed",
                std::string("cannot isolate the sandbox: ") + plan.failed_step + ": " + why);
  }
  ::setpgid(pid, pid);
  ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);
  ::fcntl(err[0], F_SETFL, ::fcntl(err[0], F_GETFL) | O_NONBLOCK);
  if (status[0] >= 0) ::fcntl(status[0], F_SETFL, O_NONBLOCK);
  SandboxProcess process{pid, out[0], err[0], {}, status[0]};
  for (int i = 0; i < plan.port_count; ++i) process.listeners.push_back(plan.listeners[i]);
  return process;
}

}  // namespace

Result<SandboxProcess> spawn_sandbox(const std::vector<std::string>& argv, const std::string& cwd,
                                     const std::map<std::string, std::string>& environment,
                                     const SandboxIsolation& isolation) {
  struct stat info {};
  if (argv.empty() || ::stat(argv[0].c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
      ::access(argv[0].c_str(), X_OK) != 0) {
    return fail("Runtime.InvalidEntrypoint",
                "Couldn't find valid bootstrap(s): [" + (argv.empty() ? "" : argv[0]) + "]");
  }
  return start_child(argv, cwd, environment, isolation, false);
}

Expected<void, Error> check_isolation(const SandboxIsolation& isolation) {
  auto started = start_child({"/bin/true"}, "/", {}, isolation, true);  // never executed
  if (!started) return Unexpected<Error>(started.error());
  return {};
}

void kill_sandbox(const SandboxProcess& process) {
  if (process.pid <= 0) return;
  ::kill(-process.pid, SIGKILL);
  ::kill(process.pid, SIGKILL);
}

int program_status(const SandboxProcess& process, int wait_status) {
  int status = 0;
  if (process.status_fd >= 0 &&
      ::read(process.status_fd, &status, sizeof status) == static_cast<ssize_t>(sizeof status)) {
    return status;
  }
  return wait_status;
}

std::int64_t resident_bytes(const SandboxProcess& process) {
  auto of = [](const std::string& pid) -> std::int64_t {
    std::ifstream statm("/proc/" + pid + "/statm");
    std::int64_t size = 0;
    std::int64_t resident = 0;
    if (!(statm >> size >> resident)) return 0;
    return resident * ::sysconf(_SC_PAGESIZE);
  };
  std::string pid = std::to_string(process.pid);
  if (process.status_fd < 0) return of(pid);
  std::ifstream children("/proc/" + pid + "/task/" + pid + "/children");
  std::int64_t total = 0;
  for (std::string child; children >> child;) total += of(child);
  return total;
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
