#pragma once

// Child processes: run a command with some bytes on its standard input, collect what it
// prints, and kill it at a deadline. Each call is independent; safe from any thread.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace baton::runtime {

struct ProcessResult {
  int exit_code = 0;       // the exit status, or 128 + signal when killed by one
  bool timed_out = false;  // killed at the deadline
  std::string out;         // standard output
  std::string err;         // standard error
};

struct ProcessOptions {
  std::optional<std::chrono::milliseconds> timeout;
  // Extra environment variables, on top of the current environment.
  std::map<std::string, std::string> environment;
};

// Runs `command` with /bin/sh -c. Blocks until it exits or its timeout passes (then it and
// its process group are killed). Fails only when the process cannot be started.
[[nodiscard]] Result<ProcessResult> run_shell(const std::string& command, std::string_view input,
                                              const ProcessOptions& options = {});

}  // namespace baton::runtime
