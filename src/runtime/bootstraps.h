#pragma once

// The bootstraps baton ships for the Node.js and Python runtimes: small programs that load the
// function's handler and speak the Lambda Runtime API for it; and the init of isolated sandboxes
// (sandbox_init.cc). They are compiled into baton and written out to a folder before sandboxes
// use them.

#include <string>
#include <string_view>

#include "core/error.h"

namespace baton::runtime {

inline constexpr std::string_view kNodeBootstrapName = "node_bootstrap.js";
inline constexpr std::string_view kPythonBootstrapName = "python_bootstrap.py";
inline constexpr std::string_view kSandboxInitName = "sandbox-init";
// The copy of HostOptions::ca_bundle.
inline constexpr std::string_view kCaBundleName = "ca-bundle.pem";

// The sources, as compiled in.
extern const std::string_view kNodeBootstrapSource;
extern const std::string_view kPythonBootstrapSource;
// The sandbox init, an executable of this machine's.
extern const std::string_view kSandboxInitProgram;

// Writes the bootstraps and the sandbox init (executable) into `dir` (created if needed), unless
// they are there already.
[[nodiscard]] Expected<void, Error> write_bootstraps(const std::string& dir);

// Writes `text` to `path` (readable by all), unless it holds that already; a sandbox reading it
// meanwhile reads the old text or the new, never half.
[[nodiscard]] Expected<void, Error> write_runtime_file(const std::string& path,
                                                       std::string_view text);

}  // namespace baton::runtime
