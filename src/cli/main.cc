// The `baton` command: registers the subcommands, parses the command line, runs one.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "cli/command.h"

int main(int argc, char** argv) {
  // A child process that exits early must not take baton down with it when baton writes to
  // its pipe.
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"baton: a serverless orchestration engine for Amazon States Language workflows",
               "baton"};
  app.set_version_flag("--version", "baton " BATON_VERSION);
  app.require_subcommand(1);
  std::vector<baton::cli::Run> commands = {
      baton::cli::register_validate(app), baton::cli::register_run(app),
      baton::cli::register_serve(app),    baton::cli::register_deploy(app),
      baton::cli::register_teardown(app), baton::cli::register_logs(app),
  };
  // CLI11 reports bad arguments by throwing; this is where baton meets it.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : baton::cli::kExitUsage;
  }
  for (const baton::cli::Run& run : commands) {
    int code = run();
    if (code >= 0) return code;
  }
  return baton::cli::kExitUsage;
}
