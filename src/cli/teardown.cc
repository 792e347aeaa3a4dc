// `baton teardown [PROJECT]`: removes from a running `baton serve` what a SAM project makes, as
// `baton deploy` put it there: state machines first (they call the rest), then the event
// source mappings and subscriptions, the functions, and the topics and queues last. What is
// not there is reported and skipped.

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/deploy_events.h"
#include "cli/deploy_function_urls.h"
#include "cli/deploy_http_apis.h"
#include "cli/deploy_messaging.h"
#include "cli/deploy_rest_apis.h"
#include "cli/serve_client.h"
#include "net/http_client.h"
#include "service/sam_template.h"

namespace baton::cli {
namespace {

using json::Value;

struct TeardownOptions {
  std::string project = ".";
  std::string endpoint = "http://127.0.0.1:8083";
};

// The ARN of the state machine named `name`, or nullopt when there is none.
Result<std::optional<std::string>> state_machine_arn(ServeClient& client, const std::string& name) {
  std::string next;
  do {
    json::ObjectBuilder request;
    request.add("maxResults", Value::integer(1000));
    if (!next.empty()) request.add("nextToken", Value::string(next));
    auto page = client.states("ListStateMachines", request.build());
    if (!page) return Unexpected<Error>(page.error());
    if (page->status != 200) return fail("TeardownFailed", message_of(*page));
    if (const Value* machines = page->body.find("stateMachines")) {
      for (const Value& m : machines->as_array()) {
        if (m.find("name")->as_string() == name) {
          return std::optional<std::string>(std::string(m.find("stateMachineArn")->as_string()));
        }
      }
    }
    const Value* token = page->body.find("nextToken");
    next = token != nullptr && token->is_string() ? std::string(token->as_string()) : "";
  } while (!next.empty());
  return std::optional<std::string>();
}

Expected<void, Error> remove_state_machine(ServeClient& client, const std::string& name) {
  auto arn = state_machine_arn(client, name);
  if (!arn) return Unexpected<Error>(arn.error());
  if (!*arn) {
    std::cout << "state machine " << name << " is not there\n";
    return {};
  }
  auto deleted =
      client.states("DeleteStateMachine",
                    json::ObjectBuilder().add("stateMachineArn", Value::string(**arn)).build());
  if (!deleted) return Unexpected<Error>(deleted.error());
  if (deleted->status != 200) {
    return fail("TeardownFailed", "state machine " + name + ": " + message_of(*deleted));
  }
  std::cout << "state machine " << name << " deleted: " << **arn << "\n";
  return {};
}

Expected<void, Error> remove_function(ServeClient& client, const std::string& name) {
  auto deleted = client.lambda("DELETE", "/2015-03-31/functions/" + net::url_encode(name), Value());
  if (!deleted) return Unexpected<Error>(deleted.error());
  if (deleted->status == 404) {
    std::cout << "function " << name << " is not there\n";
    return {};
  }
  if (deleted->status >= 300) {
    return fail("TeardownFailed", "function " + name + ": " + message_of(*deleted));
  }
  std::cout << "function " << name << " deleted\n";
  return {};
}

int teardown(const TeardownOptions& options) {
  auto project = service::read_sam_project(options.project);
  if (!project) {
    std::cerr << "baton teardown: " << project.error().cause << "\n";
    return kExitUsage;
  }
  ServeClient client(options.endpoint);
  for (const service::SamStateMachine& machine : project->state_machines) {
    if (auto ok = remove_state_machine(client, machine.name); !ok) {
      std::cerr << "baton teardown: " << ok.error().cause << "\n";
      return kExitFailed;
    }
  }
  auto triggers = teardown_http_apis(client, *project);
  if (triggers) triggers = teardown_rest_apis(client, *project);
  if (triggers) triggers = teardown_function_urls(client, *project);
  if (triggers) triggers = teardown_rules(client, *project);
  if (triggers) triggers = teardown_schedules(client, *project);
  if (triggers) triggers = teardown_triggers(client, *project);
  if (!triggers) {
    std::cerr << "baton teardown: " << triggers.error().cause << "\n";
    return kExitFailed;
  }
  for (const auto& [name, function] : project->functions) {
    if (auto ok = remove_function(client, function.name); !ok) {
      std::cerr << "baton teardown: " << ok.error().cause << "\n";
      return kExitFailed;
    }
  }
  auto stores = teardown_queues_and_topics(client, *project);
  if (stores) stores = teardown_event_buses(client, *project);
  if (!stores) {
    std::cerr << "baton teardown: " << stores.error().cause << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

Run register_teardown(CLI::App& app) {
  auto options = std::make_shared<TeardownOptions>();
  CLI::App* cmd =
      app.add_subcommand("teardown",
                         "Remove a SAM project's state machines, functions, queues, topics, "
                         "subscriptions and event source mappings from a running baton serve");
  cmd->add_option("project", options->project,
                  "The SAM template, or the folder holding template.yaml")
      ->capture_default_str();
  cmd->add_option("--endpoint", options->endpoint, "Where baton serve listens")
      ->capture_default_str();
  return [cmd, options]() -> int {
    if (!cmd->parsed()) return -1;
    return teardown(*options);
  };
}

}  // namespace baton::cli
