// `baton deploy [PROJECT]`: a SAM project's queues, topics, functions, state machines,
// subscriptions, event source mappings, event rules and HTTP APIs into a running `baton serve`,
// through its APIs (as `sam deploy` would put them into AWS). Creates what is new, updates what
// exists.

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/deploy_events.h"
#include "cli/deploy_function_urls.h"
#include "cli/deploy_http_apis.h"
#include "cli/deploy_messaging.h"
#include "cli/deploy_rest_apis.h"
#include "cli/serve_client.h"
#include "core/crypto.h"
#include "core/json.h"
#include "net/http_client.h"
#include "runtime/code_archive.h"
#include "service/sam_template.h"

namespace baton::cli {
namespace {

using json::Value;

struct DeployOptions {
  std::string project = ".";
  std::string endpoint = "http://127.0.0.1:8083";
  std::string role = "arn:aws:iam::123456789012:role/baton-deploy";
  int api_port = 3000;  // baton serve's --api-port, which !GetAtt X.FunctionUrl names
};

Value environment_of(const runtime::FunctionConfig& f) {
  json::ObjectBuilder vars;
  for (const auto& [key, value] : f.environment) vars.add(key, Value::string(value));
  return json::ObjectBuilder().add("Variables", vars.build()).build();
}

Expected<void, Error> deploy_function(ServeClient& client, const runtime::FunctionConfig& f,
                                      const std::string& role) {
  auto zip = runtime::pack_zip(f.code_dir);
  if (!zip) return Unexpected<Error>(zip.error());
  std::string code = crypto::base64_encode(*zip);
  std::string path = "/2015-03-31/functions/" + net::url_encode(f.name);
  auto existing = client.lambda("GET", path, Value());
  if (!existing) return Unexpected<Error>(existing.error());
  Value configuration = json::ObjectBuilder()
                            .add("Runtime", Value::string(f.runtime))
                            .add("Handler", Value::string(f.handler))
                            .add("Role", Value::string(role))
                            .add("Timeout", Value::integer(f.timeout_seconds))
                            .add("MemorySize", Value::integer(f.memory_mb))
                            .add("Environment", environment_of(f))
                            .build();
  Result<ServeAnswer> done = ServeAnswer{};
  std::string verb;
  if (existing->status == 404) {
    Value create = json::with_member(configuration, "FunctionName", Value::string(f.name));
    create = json::with_member(create, "Code",
                               json::ObjectBuilder().add("ZipFile", Value::string(code)).build());
    done = client.lambda("POST", "/2015-03-31/functions", create);
    verb = "created";
  } else {
    done = client.lambda("PUT", path + "/code",
                         json::ObjectBuilder().add("ZipFile", Value::string(code)).build());
    if (done && done->status == 200)
      done = client.lambda("PUT", path + "/configuration", configuration);
    verb = "updated";
  }
  if (!done) return Unexpected<Error>(done.error());
  if (done->status >= 300)
    return fail("DeployFailed", "function " + f.name + ": " + message_of(*done));
  if (f.reserved_concurrency >= 0) {
    auto put = client.lambda(
        "PUT", "/2017-10-31/functions/" + net::url_encode(f.name) + "/concurrency",
        json::ObjectBuilder()
            .add("ReservedConcurrentExecutions", Value::integer(f.reserved_concurrency))
            .build());
    if (!put) return Unexpected<Error>(put.error());
  }
  std::cout << "function " << f.name << " (" << f.runtime << ") " << verb << ", " << zip->size()
            << " bytes of code\n";
  return {};
}

Expected<void, Error> deploy_state_machine(ServeClient& client, const service::SamStateMachine& m,
                                           const std::string& role) {
  auto created =
      client.states("CreateStateMachine", json::ObjectBuilder()
                                              .add("name", Value::string(m.name))
                                              .add("definition", Value::string(m.definition))
                                              .add("roleArn", Value::string(role))
                                              .add("type", Value::string(m.type))
                                              .build());
  if (!created) return Unexpected<Error>(created.error());
  std::string verb = "created";
  std::string arn;
  if (created->status == 200) {
    arn = std::string(created->body.find("stateMachineArn")->as_string());
  } else {
    const Value* type = created->body.find("__type");
    if (type == nullptr || type->as_string() != "StateMachineAlreadyExists") {
      return fail("DeployFailed", "state machine " + m.name + ": " + message_of(*created));
    }
    // It exists with another definition: the message names its ARN.
    std::string message = message_of(*created);
    auto start = message.find("arn:");
    arn = message.substr(start, message.find('\'', start) - start);
    auto updated =
        client.states("UpdateStateMachine", json::ObjectBuilder()
                                                .add("stateMachineArn", Value::string(arn))
                                                .add("definition", Value::string(m.definition))
                                                .add("roleArn", Value::string(role))
                                                .build());
    if (!updated) return Unexpected<Error>(updated.error());
    if (updated->status != 200) {
      return fail("DeployFailed", "state machine " + m.name + ": " + message_of(*updated));
    }
    verb = "updated";
  }
  std::cout << "state machine " << m.name << " " << verb << ": " << arn << "\n";
  return {};
}

int deploy(const DeployOptions& options) {
  auto project =
      service::read_sam_project(options.project, static_cast<std::uint16_t>(options.api_port));
  if (!project) {
    std::cerr << "baton deploy: " << project.error().cause << "\n";
    return kExitUsage;
  }
  ServeClient client(options.endpoint);
  auto stores = deploy_queues_and_topics(client, *project);
  if (stores) stores = deploy_event_buses(client, *project);
  if (!stores) {
    std::cerr << "baton deploy: " << stores.error().cause << "\n";
    return kExitFailed;
  }
  for (const auto& [name, function] : project->functions) {
    if (auto ok = deploy_function(client, function, options.role); !ok) {
      std::cerr << "baton deploy: " << ok.error().cause << "\n";
      return kExitFailed;
    }
  }
  for (const service::SamStateMachine& machine : project->state_machines) {
    if (auto ok = deploy_state_machine(client, machine, options.role); !ok) {
      std::cerr << "baton deploy: " << ok.error().cause << "\n";
      return kExitFailed;
    }
  }
  auto triggers = deploy_triggers(client, *project);
  if (triggers) triggers = deploy_rules(client, *project);
  if (triggers) triggers = deploy_schedules(client, *project);
  if (triggers) triggers = deploy_http_apis(client, *project);
  if (triggers) triggers = deploy_rest_apis(client, *project);
  if (triggers) triggers = deploy_function_urls(client, *project);
  if (!triggers) {
    std::cerr << "baton deploy: " << triggers.error().cause << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

Run register_deploy(CLI::App& app) {
  auto options = std::make_shared<DeployOptions>();
  CLI::App* cmd = app.add_subcommand(
      "deploy", "Put a SAM project's functions and state machines into a running baton serve");
  cmd->add_option("project", options->project,
                  "The SAM template, or the folder holding template.yaml")
      ->capture_default_str();
  cmd->add_option("--endpoint", options->endpoint, "Where baton serve listens")
      ->capture_default_str();
  cmd->add_option("--role", options->role, "The role ARN given to what is created")
      ->capture_default_str();
  cmd->add_option("--api-port", options->api_port,
                  "baton serve's HTTP API port (its --api-port), which the function URLs that "
                  "!GetAtt X.FunctionUrl gives in the template name")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  return [cmd, options]() -> int {
    if (!cmd->parsed()) return -1;
    return deploy(*options);
  };
}

}  // namespace baton::cli
