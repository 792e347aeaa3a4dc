#pragma once

// How function sandboxes are isolated: the options `baton serve` and `baton run --functions`
// share.

#include <string>

#include "runtime/function_host.h"

namespace CLI {
class App;
}

namespace baton::cli {

struct SandboxOptions {
  std::string isolation = "namespaces";  // or "none"
  std::string network = "isolated";      // or "host"

  // Sets the host's isolation and network as these say.
  void apply(runtime::HostOptions& host) const;
};

// --function-isolation and --function-network, into `options`.
void add_sandbox_options(CLI::App& command, SandboxOptions& options);

}  // namespace baton::cli
