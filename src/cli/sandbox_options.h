#pragma once

// How function sandboxes are isolated, and the AWS SDK they are offered: the options `baton
// serve` and `baton run --functions` share.

#include <string>

#include "core/error.h"
#include "runtime/function_host.h"

namespace CLI {
class App;
}

namespace baton::cli {

struct SandboxOptions {
  std::string isolation = "namespaces";  // or "none"
  std::string network = "isolated";      // or "host"
  std::string sdk;                       // --function-sdk / BATON_FUNCTION_SDK; "": the default

  // Sets the host's isolation, network and SDK folder as these say. Errors: a folder named by
  // --function-sdk that holds no node_modules.
  [[nodiscard]] Expected<void, std::string> apply(runtime::HostOptions& host) const;
};

// --function-isolation, --function-network and --function-sdk, into `options`.
void add_sandbox_options(CLI::App& command, SandboxOptions& options);

}  // namespace baton::cli
