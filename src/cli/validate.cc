// `baton validate FILE...`: checks definitions as AWS's ValidateStateMachineDefinition does.

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "asl/parse.h"
#include "cli/command.h"
#include "cli/io.h"
#include "core/json.h"

namespace baton::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool json = false;
  std::string type = "STANDARD";
};

// "FILE:LOCATION: CODE: message", one line per diagnostic.
void print_text(const std::string& file, const asl::Diagnostic& d) {
  std::string line = d.line_text();
  std::cout << file << (line.starts_with(":") ? "" : ":") << line << "\n";
}

json::Value diagnostic_json(const asl::Diagnostic& d) {
  json::ObjectBuilder b;
  b.add("severity", json::Value::string(d.severity == asl::Severity::Error ? "ERROR" : "WARNING"));
  b.add("code", json::Value::string(d.code));
  b.add("message", json::Value::string(d.message));
  if (!d.location.empty()) b.add("location", json::Value::string(d.location));
  if (d.line > 0) {
    b.add("line", json::Value::integer(static_cast<std::int64_t>(d.line)));
    b.add("column", json::Value::integer(static_cast<std::int64_t>(d.column)));
  }
  return std::move(b).build();
}

int run(const ValidateOptions& options) {
  asl::ParseOptions parse_options;
  parse_options.type =
      options.type == "EXPRESS" ? asl::StateMachineType::EXPRESS : asl::StateMachineType::STANDARD;
  bool any_invalid = false;
  bool any_unreadable = false;
  std::vector<json::Value> results;
  for (const std::string& file : options.files) {
    auto text = read_text_file(file);
    if (!text) {
      std::cerr << "baton validate: " << text.error() << "\n";
      any_unreadable = true;
      continue;
    }
    auto parsed = asl::parse(*text, parse_options);
    const asl::Diagnostics& diagnostics = parsed ? parsed->warnings : parsed.error();
    any_invalid = any_invalid || !parsed;
    if (options.json) {
      std::vector<json::Value> items;
      for (const asl::Diagnostic& d : diagnostics) items.push_back(diagnostic_json(d));
      results.push_back(json::ObjectBuilder()
                            .add("file", json::Value::string(file))
                            .add("result", json::Value::string(parsed ? "OK" : "FAIL"))
                            .add("diagnostics", json::Value::array(std::move(items)))
                            .build());
    } else {
      for (const asl::Diagnostic& d : diagnostics) print_text(file, d);
    }
  }
  if (options.json) {
    std::cout << json::to_pretty_string(json::Value::array(std::move(results))) << "\n";
  }
  if (any_unreadable) return kExitUsage;
  return any_invalid ? kExitFailed : kExitOk;
}

}  // namespace

Run register_validate(CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check state machine definitions as AWS does, and list every problem found");
  cmd->add_option("files", options->files, "Definition files (ASL JSON); - reads standard input")
      ->required();
  cmd->add_flag("--json", options->json, "Print the diagnostics as JSON");
  cmd->add_option("--type", options->type, "The state machine type the definitions are for")
      ->check(CLI::IsMember({"STANDARD", "EXPRESS"}))
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 when every file is valid, 1 when any is invalid, 2 on usage or I/O "
      "errors.");
  return [options, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    return run(*options);
  };
}

}  // namespace baton::cli
