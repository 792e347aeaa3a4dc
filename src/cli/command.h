#pragma once

// How a subcommand joins the `baton` command: it adds its options to `app` and returns the
// function that runs it once the command line is parsed. That function returns the exit code.

#include <functional>

namespace CLI {
class App;
}

namespace baton::cli {

using Run = std::function<int()>;

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the work ran and found a problem
inline constexpr int kExitUsage = 2;   // bad arguments, or a file that cannot be read

Run register_validate(CLI::App& app);
Run register_run(CLI::App& app);
Run register_serve(CLI::App& app);
Run register_deploy(CLI::App& app);
Run register_teardown(CLI::App& app);
Run register_logs(CLI::App& app);

}  // namespace baton::cli
