// `baton deploy` and `baton teardown` of REST APIs, through baton serve's apigateway API.

#include "cli/deploy_rest_apis.h"

#include <iostream>
#include <optional>

#include "core/json_object.h"
#include "net/http_client.h"

namespace baton::cli {

namespace {

using json::Value;

// The id of the API a deploy before made of `api`, found by its tags.
Result<std::optional<std::string>> deployed(ServeClient& client, const service::SamRestApi& api,
                                            const std::string& error) {
  std::string position;
  do {
    std::string path =
        "/restapis?limit=500" + (position.empty() ? "" : "&position=" + net::url_encode(position));
    auto page = checked_apigateway(client, error, api.where, "GET", path, Value());
    if (!page) return Unexpected<Error>(page.error());
    if (const Value* items = page->body.find("item"); items != nullptr && items->is_array()) {
      for (const Value& item : items->as_array()) {
        const Value* t = item.find("tags");
        if (t != nullptr &&
            string_member(*t, "baton:stack") == string_member(api.tags, "baton:stack") &&
            string_member(*t, "baton:logical-id") == api.logical_id) {
          return std::optional<std::string>(string_member(item, "id"));
        }
      }
    }
    position = string_member(page->body, "position");
  } while (!position.empty());
  return std::optional<std::string>();
}

std::size_t methods_of(const Value& openapi) {
  std::size_t n = 0;
  if (const Value* paths = openapi.find("paths"); paths != nullptr && paths->is_object()) {
    for (const json::Member& p : paths->members()) {
      if (p.value.is_object()) n += p.value.members().size();
    }
  }
  return n;
}

Expected<void, Error> deploy_api(ServeClient& client, const service::SamRestApi& api) {
  auto before = deployed(client, api, "DeployFailed");
  if (!before) return Unexpected<Error>(before.error());
  std::string id;
  if (*before) {
    id = **before;
  } else {
    auto made =
        checked_apigateway(client, "DeployFailed", api.where, "POST", "/restapis",
                           json::object({{"name", Value::string(api.name)}, {"tags", api.tags}}));
    if (!made) return Unexpected<Error>(made.error());
    id = string_member(made->body, "id");
  }
  auto put = checked_apigateway(client, "DeployFailed", api.where, "PUT",
                                "/restapis/" + id + "?mode=overwrite", api.openapi);
  if (!put) return Unexpected<Error>(put.error());
  std::string stages;
  for (const service::SamRestApi::Stage& stage : api.stages) {
    json::ObjectBuilder request;
    request.add("stageName", Value::string(stage.name));
    if (stage.variables.is_object()) request.add("variables", stage.variables);
    auto made = checked_apigateway(client, "DeployFailed", api.where, "POST",
                                   "/restapis/" + id + "/deployments", request.build());
    if (!made) return Unexpected<Error>(made.error());
    stages += (stages.empty() ? "" : ", ") + stage.name;
  }
  std::size_t methods = methods_of(api.openapi);
  std::cout << "rest api " << api.logical_id << " " << (*before ? "updated" : "created") << ": "
            << id << ", stage " << (stages.empty() ? "none" : stages) << " (" << methods
            << (methods == 1 ? " method" : " methods") << ")\n";
  return {};
}

}  // namespace

Expected<void, Error> deploy_rest_apis(ServeClient& client, const service::SamProject& project) {
  for (const service::SamRestApi& api : project.rest_apis) {
    if (auto done = deploy_api(client, api); !done) return done;
  }
  return {};
}

Expected<void, Error> teardown_rest_apis(ServeClient& client, const service::SamProject& project) {
  for (const service::SamRestApi& api : project.rest_apis) {
    auto before = deployed(client, api, "TeardownFailed");
    if (!before) return Unexpected<Error>(before.error());
    if (!*before) {
      std::cout << "rest api " << api.logical_id << " is not there\n";
      continue;
    }
    auto gone = checked_apigateway(client, "TeardownFailed", api.where, "DELETE",
                                   "/restapis/" + **before, Value());
    if (!gone) return Unexpected<Error>(gone.error());
    std::cout << "rest api " << api.logical_id << " deleted\n";
  }
  return {};
}

}  // namespace baton::cli
