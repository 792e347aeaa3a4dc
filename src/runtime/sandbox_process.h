#pragma once

// The process of a sandbox: a program started in its own process group, in a given folder,
// with exactly the environment it is given (nothing inherited), its output on pipes.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace baton::runtime {

struct SandboxProcess {
  pid_t pid = -1;
  int out_fd = -1;  // the read ends of its stdout and stderr, non-blocking
  int err_fd = -1;
};

// Starts `argv` (argv[0] an absolute path) in `cwd` with `environment` only. Errors:
// Runtime.InvalidEntrypoint when the program cannot be run.
[[nodiscard]] Result<SandboxProcess> spawn_sandbox(
    const std::vector<std::string>& argv, const std::string& cwd,
    const std::map<std::string, std::string>& environment);

// SIGKILL to the process and everything it started (its process group).
void kill_sandbox(const SandboxProcess& process);

// Resident memory of the process, in bytes (0 when it cannot be read).
std::int64_t resident_bytes(pid_t pid);

// The absolute path of `program` found on PATH, or "".
std::string find_on_path(const std::string& program);

}  // namespace baton::runtime
