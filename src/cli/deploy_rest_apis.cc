// `baton deploy` and `baton teardown` of REST APIs, through baton serve's apigateway API.

#include "cli/deploy_rest_apis.h"

#include <iostream>
#include <optional>

#include "core/json_object.h"
#include "net/http_client.h"

namespace baton::cli {

namespace {

using json::Value;

std::string member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<ServeAnswer> call(ServeClient& client, const std::string& error, const std::string& where,
                         const std::string& method, const std::string& path, const Value& body) {
  auto a = client.apigateway(method, path, body);
  if (!a) return a;
  if (a->status >= 300) {
    return fail(error, where + ": " + method + " " + path + ": " + message_of(*a));
  }
  return a;
}

// The id of the API a deploy before made of `api`, found by its tags.
Result<std::optional<std::string>> deployed(ServeClient& client, const service::SamRestApi& api,
                                            const std::string& error) {
  std::string position;
  do {
    std::string path =
        "/restapis?limit=500" + (position.empty() ? "" : "&position=" + net::url_encode(position));
    auto page = call(client, error, api.where, "GET", path, Value());
    if (!page) return Unexpected<Error>(page.error());
    if (const Value* items = page->body.find("item"); items != nullptr && items->is_array()) {
      for (const Value& item : items->as_array()) {
        const Value* t = item.find("tags");
        if (t != nullptr && member(*t, "baton:stack") == member(api.tags, "baton:stack") &&
            member(*t, "baton:logical-id") == api.logical_id) {
          return std::optional<std::string>(member(item, "id"));
        }
      }
    }
    position = member(page->body, "position");
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
    auto made = call(client, "DeployFailed", api.where, "POST", "/restapis",
                     json::object({{"name", Value::string(api.name)}, {"tags", api.tags}}));
    if (!made) return Unexpected<Error>(made.error());
    id = member(made->body, "id");
  }
  auto put = call(client, "DeployFailed", api.where, "PUT", "/restapis/" + id + "?mode=overwrite",
                  api.openapi);
  if (!put) return Unexpected<Error>(put.error());
  std::string stages;
  for (const service::SamRestApi::Stage& stage : api.stages) {
    json::ObjectBuilder request;
    request.add("stageName", Value::string(stage.name));
    if (stage.variables.is_object()) request.add("variables", stage.variables);
    auto made = call(client, "DeployFailed", api.where, "POST", "/restapis/" + id + "/deployments",
                     request.build());
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
    auto gone =
        call(client, "TeardownFailed", api.where, "DELETE", "/restapis/" + **before, Value());
    if (!gone) return Unexpected<Error>(gone.error());
    std::cout << "rest api " << api.logical_id << " deleted\n";
  }
  return {};
}

}  // namespace baton::cli
