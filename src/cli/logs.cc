// `baton logs FUNCTION`: what a function printed, invocation by invocation (START, its output,
// END, REPORT), as `baton serve` keeps it in DATA/logs/FUNCTION.log.

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/command.h"

namespace baton::cli {
namespace {

struct LogsOptions {
  std::string function;
  std::string data = ".baton";
  bool follow = false;
};

int logs(const LogsOptions& options) {
  std::filesystem::path file =
      std::filesystem::path(options.data) / "logs" / (options.function + ".log");
  std::ifstream in(file, std::ios::binary);
  if (!in && !options.follow) {
    std::cerr << "baton logs: no log for the function " << options.function << " in "
              << options.data << "/logs (has it run?)\n";
    return kExitFailed;
  }
  std::cout << in.rdbuf();
  std::cout.flush();
  // --follow: what is appended from now on, until interrupted.
  while (options.follow) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!in.is_open()) {
      in.open(file, std::ios::binary);
      if (!in) continue;
    }
    in.clear();
    std::string line;
    while (std::getline(in, line)) std::cout << line << "\n";
    std::cout.flush();
  }
  return kExitOk;
}

}  // namespace

Run register_logs(CLI::App& app) {
  auto options = std::make_shared<LogsOptions>();
  CLI::App* cmd = app.add_subcommand("logs", "Print a function's log, invocation by invocation");
  cmd->add_option("function", options->function, "The function's name")->required();
  cmd->add_option("--data", options->data, "The data folder of baton serve")->capture_default_str();
  cmd->add_flag("-f,--follow", options->follow, "Keep printing what is appended");
  return [cmd, options]() -> int {
    if (!cmd->parsed()) return -1;
    return logs(*options);
  };
}

}  // namespace baton::cli
