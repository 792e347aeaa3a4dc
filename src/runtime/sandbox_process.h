#pragma once

// The process of a sandbox: a program started in its own process group, in a given folder,
// with exactly the environment it is given (nothing inherited, no file descriptor but its
// standard input, output and error), its output on pipes; optionally in Linux namespaces of its
// own, which keep it from seeing baton, baton's data and the other sandboxes.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace baton::runtime {

// What a sandbox is kept from. Namespaces need no privilege (an unprivileged user namespace
// owns the others) and work the same when baton runs as root.
struct SandboxIsolation {
  // Own user, mount and PID namespaces: the sandbox runs as baton's user but holds no
  // capability, sees only its own processes (it is PID 1 of its namespace, under a /proc of its
  // own), cannot see `hidden_dir`, and sees `read_only` read-only. Off: a plain child process.
  bool namespaces = false;
  // Own network namespace too (with `namespaces` only): loopback only, reachable by no one but
  // the sandbox's own processes and the listeners baton is handed.
  bool own_network = false;
  // A folder whose contents the sandbox must not see (baton's data folder): an empty read-only
  // folder in its place. "" hides nothing.
  std::string hidden_dir;
  // Folders shown read-only at their own paths, even inside `hidden_dir` (the function's code,
  // the bootstraps).
  std::vector<std::string> read_only;
  // A folder shown read-only at another path, which must be in `hidden_dir`: its mount point is
  // made in the empty folder that replaces it (the AWS SDK's node_modules, in an ancestor of the
  // function's code).
  struct Shown {
    std::string source;
    std::string path;
  };
  std::vector<Shown> read_only_at;
  // With `own_network`: TCP ports listened on at 127.0.0.1 inside the sandbox's network
  // namespace before its program starts, handed back as SandboxProcess::listeners.
  std::vector<std::uint16_t> listen_ports;
  // With `namespaces`: the sandbox init (sandbox_init.cc). The program starts as PID 2, and
  // this becomes PID 1 of the namespace: it reaps, and reports how the program ended. "": the
  // program is PID 1 itself.
  std::string init;
};

struct SandboxProcess {
  pid_t pid = -1;
  int out_fd = -1;  // the read ends of its stdout and stderr, non-blocking
  int err_fd = -1;
  // One listening socket per SandboxIsolation::listen_ports, in that order, bound inside the
  // sandbox's network namespace: only its processes can connect to them. The caller owns them.
  std::vector<int> listeners;
  // With an init: the read end of the pipe on which it reports the program's wait status. The
  // caller closes it.
  int status_fd = -1;
};

// Starts `argv` (argv[0] an absolute path) in `cwd` with `environment` only. Errors:
// Runtime.InvalidEntrypoint when the program cannot be run; Sandbox.IsolationFailed when the
// namespaces cannot be set up (the cause names the step and the system's reason).
[[nodiscard]] Result<SandboxProcess> spawn_sandbox(
    const std::vector<std::string>& argv, const std::string& cwd,
    const std::map<std::string, std::string>& environment, const SandboxIsolation& isolation = {});

// Sets up a sandbox with `isolation` as spawn_sandbox does, runs nothing in it and waits for it:
// whether this machine allows it. Errors: as spawn_sandbox's.
[[nodiscard]] Expected<void, Error> check_isolation(const SandboxIsolation& isolation);

// SIGKILL to the process and everything it started (its process group; with namespaces, the
// whole PID namespace dies with it).
void kill_sandbox(const SandboxProcess& process);

// How the sandbox's program ended, given the wait status of `process.pid`: with an init, the
// status the init reported for the program, when it could (a sandbox that baton killed could
// not). Call once.
int program_status(const SandboxProcess& process, int wait_status);

// Resident memory of the sandbox's program (with an init, of the init's children), in bytes; 0
// when it cannot be read.
std::int64_t resident_bytes(const SandboxProcess& process);

// The absolute path of `program` found on PATH, or "".
std::string find_on_path(const std::string& program);

}  // namespace baton::runtime
