// `baton deploy` and `baton teardown` of HTTP APIs, through baton serve's apigatewayv2 API.

#include "cli/deploy_http_apis.h"

#include <iostream>
#include <map>
#include <optional>

#include "net/http_client.h"

namespace baton::cli {

namespace {

using json::Value;

// The members that are structures of the model (their members renamed too); other objects
// (Tags, StageVariables, RouteSettings ...) are maps whose keys are the user's.
bool is_structure(std::string_view name) {
  return name == "CorsConfiguration" || name == "DefaultRouteSettings" ||
         name == "AccessLogSettings" || name == "TlsConfig";
}

// A request in the model's member names (ApiKeySelectionExpression) as it travels on the wire
// (apiKeySelectionExpression).
Value on_wire(const Value& request) {
  json::ObjectBuilder out;
  for (const json::Member& m : request.members()) {
    std::string name(m.name());
    if (!name.empty())
      name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
    out.add(name, is_structure(m.name()) && m.value.is_object() ? on_wire(m.value) : m.value);
  }
  return out.build();
}

// UpdateApi's request: the API's members but its tags, which it does not take.
Value without_tags(const Value& request) {
  json::ObjectBuilder out;
  for (const json::Member& m : request.members()) {
    if (m.name() != "Tags") out.add(m.name(), m.value);
  }
  return out.build();
}

// The API a deploy before made of `api`, found by its tags: its wire description.
Result<std::optional<Value>> deployed(ServeClient& client, const service::SamHttpApi& api,
                                      const std::string& error) {
  const Value* tags = api.api.find("Tags");
  std::string stack = tags != nullptr ? string_member(*tags, "baton:stack") : "";
  std::string token;
  do {
    std::string path = "/v2/apis" + (token.empty() ? "" : "?nextToken=" + net::url_encode(token));
    auto page = checked_apigateway(client, error, api.where, "GET", path, Value());
    if (!page) return Unexpected<Error>(page.error());
    if (const Value* items = page->body.find("items"); items != nullptr && items->is_array()) {
      for (const Value& item : items->as_array()) {
        const Value* t = item.find("tags");
        if (t != nullptr && string_member(*t, "baton:stack") == stack &&
            string_member(*t, "baton:logical-id") == api.logical_id) {
          return std::optional<Value>(item);
        }
      }
    }
    token = string_member(page->body, "nextToken");
  } while (!token.empty());
  return std::optional<Value>();
}

// Deletes every item of the API's `kind` (routes, integrations, stages).
Expected<void, Error> clear(ServeClient& client, const service::SamHttpApi& api,
                            const std::string& base, const std::string& kind,
                            const std::string& id_member) {
  auto listed =
      checked_apigateway(client, "DeployFailed", api.where, "GET", base + "/" + kind, Value());
  if (!listed) return Unexpected<Error>(listed.error());
  if (const Value* items = listed->body.find("items"); items != nullptr && items->is_array()) {
    for (const Value& item : items->as_array()) {
      auto gone = checked_apigateway(
          client, "DeployFailed", api.where, "DELETE",
          base + "/" + kind + "/" + net::url_encode(string_member(item, id_member)), Value());
      if (!gone) return Unexpected<Error>(gone.error());
    }
  }
  return {};
}

Expected<void, Error> deploy_api(ServeClient& client, const service::SamHttpApi& api) {
  auto before = deployed(client, api, "DeployFailed");
  if (!before) return Unexpected<Error>(before.error());
  bool quick = api.api.find("Target") != nullptr;
  if (*before && quick) {
    // A quick-created API is made anew: UpdateApi does not change its Target.
    auto gone = checked_apigateway(client, "DeployFailed", api.where, "DELETE",
                                   "/v2/apis/" + string_member(**before, "apiId"), Value());
    if (!gone) return Unexpected<Error>(gone.error());
    *before = std::nullopt;
  }
  Value described;
  std::string verb = *before ? "updated" : "created";
  if (*before) {
    std::string base = "/v2/apis/" + string_member(**before, "apiId");
    for (const auto& [kind, id] :
         {std::pair{"routes", "routeId"}, std::pair{"integrations", "integrationId"},
          std::pair{"stages", "stageName"}}) {
      if (auto cleared = clear(client, api, base, kind, id); !cleared) return cleared;
    }
    if ((*before)->find("corsConfiguration") != nullptr) {
      auto gone =
          checked_apigateway(client, "DeployFailed", api.where, "DELETE", base + "/cors", Value());
      if (!gone) return Unexpected<Error>(gone.error());
    }
    auto updated = checked_apigateway(client, "DeployFailed", api.where, "PATCH", base,
                                      on_wire(without_tags(api.api)));
    if (!updated) return Unexpected<Error>(updated.error());
    described = updated->body;
  } else {
    auto created =
        checked_apigateway(client, "DeployFailed", api.where, "POST", "/v2/apis", on_wire(api.api));
    if (!created) return Unexpected<Error>(created.error());
    described = created->body;
  }
  std::string base = "/v2/apis/" + string_member(described, "apiId");
  std::map<std::string, std::string> integration_ids;  // the template's key -> the API's id
  for (const auto& [key, request] : api.integrations) {
    auto made = checked_apigateway(client, "DeployFailed", api.where, "POST",
                                   base + "/integrations", on_wire(request));
    if (!made) return Unexpected<Error>(made.error());
    integration_ids[key] = string_member(made->body, "integrationId");
  }
  for (const Value& route : api.routes) {
    Value request = route;
    std::string target = string_member(route, "Target");
    if (target.starts_with("integrations/")) {
      auto it = integration_ids.find(target.substr(13));
      if (it == integration_ids.end()) {
        return fail("DeployFailed", api.where + ": route " + string_member(route, "RouteKey") +
                                        ": its Target " + target +
                                        " names no integration of this API in the template");
      }
      request = json::with_member(request, "Target", Value::string("integrations/" + it->second));
    }
    auto made = checked_apigateway(client, "DeployFailed", api.where, "POST", base + "/routes",
                                   on_wire(request));
    if (!made) return Unexpected<Error>(made.error());
  }
  for (const Value& stage : api.stages) {
    auto made = checked_apigateway(client, "DeployFailed", api.where, "POST", base + "/stages",
                                   on_wire(stage));
    if (!made) return Unexpected<Error>(made.error());
  }
  std::cout << "http api " << api.logical_id << " " << verb << ": "
            << string_member(described, "apiEndpoint") << " (" << api.routes.size()
            << (api.routes.size() == 1 ? " route" : " routes") << ")\n";
  return {};
}

}  // namespace

Expected<void, Error> deploy_http_apis(ServeClient& client, const service::SamProject& project) {
  for (const service::SamHttpApi& api : project.http_apis) {
    if (auto done = deploy_api(client, api); !done) return done;
  }
  return {};
}

Expected<void, Error> teardown_http_apis(ServeClient& client, const service::SamProject& project) {
  for (const service::SamHttpApi& api : project.http_apis) {
    auto before = deployed(client, api, "TeardownFailed");
    if (!before) return Unexpected<Error>(before.error());
    if (!*before) {
      std::cout << "http api " << api.logical_id << " is not there\n";
      continue;
    }
    auto gone = checked_apigateway(client, "TeardownFailed", api.where, "DELETE",
                                   "/v2/apis/" + string_member(**before, "apiId"), Value());
    if (!gone) return Unexpected<Error>(gone.error());
    std::cout << "http api " << api.logical_id << " deleted\n";
  }
  return {};
}

}  // namespace baton::cli
