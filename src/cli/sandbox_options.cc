#include "cli/sandbox_options.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <system_error>

namespace baton::cli {

namespace {

namespace fs = std::filesystem;

bool has_node_modules(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "node_modules", ec);
}

// The SDK folder when none is named: share/baton/sdk/node beside the folder of the installed
// binary (PREFIX/bin/baton, PREFIX/share/baton/sdk/node), else the source tree's sdk/node that
// scripts/setup installs (a binary run from its build folder); "" when neither is installed.
std::string default_function_sdk() {
  std::error_code ec;
  fs::path binary = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = binary.parent_path().parent_path() / "share" / "baton" / "sdk" / "node";
    if (has_node_modules(installed)) return installed.string();
  }
  fs::path source = fs::path(BATON_SOURCE_DIR) / "sdk" / "node";
  if (has_node_modules(source)) return source.string();
  return "";
}

}  // namespace

Expected<void, std::string> SandboxOptions::apply(runtime::HostOptions& host) const {
  host.isolation = isolation == "none" ? runtime::Isolation::None : runtime::Isolation::Namespaces;
  host.network =
      network == "host" ? runtime::FunctionNetwork::Host : runtime::FunctionNetwork::Isolated;
  if (sdk.empty()) {
    host.sdk_dir = default_function_sdk();
  } else if (has_node_modules(sdk)) {
    std::error_code ec;
    host.sdk_dir = fs::absolute(sdk, ec).string();
  } else {
    return Unexpected<std::string>("--function-sdk " + sdk +
                                   ": no node_modules there (install it: npm ci in that folder)");
  }
  return {};
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
  command
      .add_option("--function-sdk", options.sdk,
                  "Folder whose node_modules holds the AWS SDK for JavaScript that Node.js "
                  "functions require or import without bundling it (sdk/node, installed by "
                  "scripts/setup). Default: share/baton/sdk/node next to the binary's folder, "
                  "else the source tree's sdk/node; with neither, functions run without it")
      ->envname("BATON_FUNCTION_SDK");
}

}  // namespace baton::cli
