#include "cli/sandbox_options.h"

#include <CLI/CLI.hpp>

namespace baton::cli {

void SandboxOptions::apply(runtime::HostOptions& host) const {
  host.isolation = isolation == "none" ? runtime::Isolation::None : runtime::Isolation::Namespaces;
  host.network =
      network == "host" ? runtime::FunctionNetwork::Host : runtime::FunctionNetwork::Isolated;
}

void add_sandbox_options(CLI::App& command, SandboxOptions& options) {
  command
      .add_option("--function-isolation", options.isolation,
                  "namespaces: each function's sandbox in Linux namespaces of its own (no root "
                  "needed), which reach neither baton, its data, nor other sandboxes; none: "
                  "plain processes of this user, for machines without user namespaces")
      ->check(CLI::IsMember({"namespaces", "none"}))
      ->capture_default_str();
  command
      .add_option("--function-network", options.network,
                  "isolated: a sandbox reaches its own Runtime API and baton's API on loopback, "
                  "nothing else; host: this machine's network, where any local process can "
                  "reach each sandbox's Runtime API")
      ->check(CLI::IsMember({"isolated", "host"}))
      ->capture_default_str();
}

}  // namespace baton::cli
