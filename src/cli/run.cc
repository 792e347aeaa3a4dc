// `baton run DEFINITION`: one execution to its end in this process.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "asl/parse.h"
#include "cli/command.h"
#include "cli/io.h"
#include "cli/sandbox_options.h"
#include "core/clock.h"
#include "core/json.h"
#include "engine/history_json.h"
#include "runtime/function_host.h"
#include "service/sam_template.h"
#include "service/states/local_run.h"

namespace baton::cli {
namespace {

struct RunOptions {
  std::string definition;
  std::string input;
  std::string input_file;
  bool json = false;
  bool history = false;
  std::string mock_file;
  std::string test_case;
  std::string state_machine;
  std::vector<std::string> functions;
  std::string functions_template;
  SandboxOptions sandboxes;
  bool virtual_time = false;
  std::string type = "STANDARD";
  std::int64_t payload_limit = engine::kMaxPayloadBytes;
  std::string name;
};

int usage_error(const std::string& message) {
  std::cerr << "baton run: " << message << "\n";
  return kExitUsage;
}

// "flow.asl.json" -> "flow".
std::string machine_name_from(const std::string& path) {
  std::string stem = std::filesystem::path(path).filename().string();
  for (std::string_view suffix : {".asl.json", ".json", ".asl"}) {
    if (stem.size() > suffix.size() && stem.ends_with(suffix)) {
      return stem.substr(0, stem.size() - suffix.size());
    }
  }
  return stem.empty() || stem == "-" ? "local" : stem;
}

json::Value text_or_null(const std::optional<std::string>& s) {
  return s ? json::Value::string(*s) : json::Value();
}

int run(const RunOptions& options) {
  auto text = read_text_file(options.definition);
  if (!text) return usage_error(text.error());
  // With a SAM template, the definition is the template's (its DefinitionSubstitutions made)
  // when the template names this file.
  std::optional<service::SamProject> project;
  if (!options.functions_template.empty()) {
    auto read = service::read_sam_project(options.functions_template);
    if (!read) return usage_error(read.error().cause);
    project = std::move(*read);
    std::error_code ec;
    auto path = std::filesystem::weakly_canonical(options.definition, ec);
    for (const service::SamStateMachine& m : project->state_machines) {
      if (!m.definition_path.empty() &&
          std::filesystem::weakly_canonical(m.definition_path, ec) == path) {
        *text = m.definition;
      }
    }
  }
  asl::ParseOptions parse_options;
  parse_options.type =
      options.type == "EXPRESS" ? asl::StateMachineType::EXPRESS : asl::StateMachineType::STANDARD;
  auto parsed = asl::parse(*text, parse_options);
  if (!parsed) {
    std::cerr << "baton run: " << asl::invalid_definition_message(parsed.error()) << "\n";
    for (const asl::Diagnostic& d : parsed.error()) {
      std::cerr << options.definition << (d.line_text().starts_with(":") ? "" : ":")
                << d.line_text() << "\n";
    }
    return kExitFailed;
  }

  std::string input_text = "{}";
  if (!options.input_file.empty()) {
    auto file = read_text_file(options.input_file);
    if (!file) return usage_error(file.error());
    input_text = *file;
  } else if (!options.input.empty()) {
    input_text = options.input;
  }
  auto input = json::parse(input_text);
  if (!input) return usage_error("the input is not JSON: " + input.error().describe());

  service::states::LocalRunOptions run_options;
  run_options.state_machine_name =
      options.state_machine.empty() ? machine_name_from(options.definition) : options.state_machine;
  run_options.execution_name = options.name;
  run_options.express = options.type == "EXPRESS";
  run_options.max_payload_bytes = options.payload_limit;
  for (const std::string& spec : options.functions) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return usage_error("--function takes NAME=COMMAND, not '" + spec + "'");
    }
    run_options.functions[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  // Lambda functions from a SAM template, run in sandboxes as `baton serve` runs them.
  std::unique_ptr<runtime::FunctionHost> host;
  if (project) {
    runtime::HostOptions host_options;
    if (auto applied = options.sandboxes.apply(host_options); !applied) {
      return usage_error(applied.error());
    }
    host = std::make_unique<runtime::FunctionHost>(host_options);
    if (auto started = host->start(); !started) return usage_error(started.error().cause);
    for (const auto& [name, function] : project->functions) {
      if (auto runnable = host->check_runnable(function); !runnable) {
        return usage_error(project->template_path + ": " + name + ": " + runnable.error().cause);
      }
    }
    run_options.lambda_functions = project->functions;
    run_options.host = host.get();
  }
  if (!options.mock_file.empty()) {
    auto mock_text = read_text_file(options.mock_file);
    if (!mock_text) return usage_error(mock_text.error());
    auto config = service::states::MockConfig::parse(*mock_text);
    if (!config) return usage_error(options.mock_file + ": " + config.error().cause);
    std::string machine = options.state_machine;
    if (machine.empty()) {
      auto machines = config->state_machines();
      if (machines.size() != 1) {
        return usage_error(options.mock_file + " mocks " + std::to_string(machines.size()) +
                           " state machines; name one with --state-machine");
      }
      machine = machines[0];
    }
    if (options.test_case.empty()) return usage_error("--mock needs --test-case NAME");
    auto test_case = config->test_case(machine, options.test_case);
    if (!test_case) return usage_error(options.mock_file + ": " + test_case.error().cause);
    run_options.mocks = std::move(*test_case);
    if (options.state_machine.empty()) run_options.state_machine_name = machine;
  }

  SystemClock system_clock;
  VirtualClock virtual_clock;
  Clock& clock =
      options.virtual_time ? static_cast<Clock&>(virtual_clock) : static_cast<Clock&>(system_clock);
  auto result = service::states::run_locally(*parsed->definition, *input, clock, run_options);
  if (!result) return usage_error(result.error().cause);

  const engine::ExecutionState& state = result->state;
  bool succeeded = state.status == engine::ExecutionStatus::SUCCEEDED;
  // History as JSON only when asked for: it is most of the work on long executions.
  json::Value history = options.history ? engine::history_json(result->history) : json::Value();
  if (options.json) {
    json::ObjectBuilder out;
    out.add("status", json::Value::string(engine::execution_status_name(state.status)));
    out.add("output", succeeded && state.output ? *state.output : json::Value());
    out.add("error", text_or_null(state.error));
    out.add("cause", text_or_null(state.cause));
    if (options.history) out.add("history", history);
    std::cout << json::to_string(out.build()) << "\n";
  } else {
    if (succeeded) {
      std::cout << json::to_string(state.output ? *state.output : json::Value()) << "\n";
    } else {
      std::cerr << engine::execution_status_name(state.status);
      if (state.error) std::cerr << ": " << *state.error;
      std::cerr << "\n";
      if (state.cause) std::cerr << *state.cause << "\n";
    }
    if (options.history) {
      std::cerr << json::to_pretty_string(json::ObjectBuilder().add("events", history).build())
                << "\n";
    }
  }
  return succeeded ? kExitOk : kExitFailed;
}

}  // namespace

Run register_run(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd =
      app.add_subcommand("run", "Run one execution of a state machine to its end, in this process");
  cmd->add_option("definition", options->definition, "The state machine definition (ASL JSON)")
      ->required();
  auto* input = cmd->add_option("--input", options->input, "The execution input, as JSON");
  cmd->add_option("--input-file", options->input_file, "Read the execution input from a file")
      ->excludes(input);
  cmd->add_flag("--json", options->json,
                "Print {\"status\", \"output\", \"error\", \"cause\"} whatever the outcome");
  cmd->add_flag("--history", options->history,
                "Print the execution history as GetExecutionHistory returns it (to stderr, or "
                "inside the --json object)");
  cmd->add_option("--mock", options->mock_file,
                  "A Step Functions Local mock configuration file (MockConfigFile.json)");
  cmd->add_option("--test-case", options->test_case, "The mock test case to run");
  cmd->add_option("--state-machine", options->state_machine,
                  "The state machine's name (default: the file's name; with --mock, the one the "
                  "file names)");
  cmd->add_option("--function", options->functions,
                  "NAME=COMMAND: run the Lambda function NAME as a local command (the payload "
                  "on stdin, the result JSON on stdout; exit non-zero with {\"errorType\", "
                  "\"errorMessage\"} on stdout to fail)");
  cmd->add_option("--functions", options->functions_template,
                  "A SAM template (or the folder holding template.yaml): its functions run in "
                  "Lambda sandboxes (Node.js, Python, provided) when the workflow calls them");
  add_sandbox_options(*cmd, options->sandboxes);
  cmd->add_flag("--virtual-time", options->virtual_time,
                "Waits and retry intervals take no real time (history timestamps still advance)");
  cmd->add_option("--type", options->type, "STANDARD or EXPRESS (no history limit)")
      ->check(CLI::IsMember({"STANDARD", "EXPRESS"}))
      ->capture_default_str();
  cmd->add_option("--name", options->name, "The execution's name (default: a UUID)");
  cmd->add_option("--payload-limit", options->payload_limit,
                  "Bytes a state's input, result or output may hold, as AWS's quota (past it: "
                  "States.DataLimitExceeded); 0 lifts the quotas, for workloads beyond AWS's")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->footer(
      "Exit status: 0 when the execution succeeded, 1 when it failed, timed out or was "
      "aborted (or the definition is invalid), 2 on usage errors or when a task has nothing "
      "to serve it.");
  return [options, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    return run(*options);
  };
}

}  // namespace baton::cli
