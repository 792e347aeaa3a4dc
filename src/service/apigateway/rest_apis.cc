// REST APIs: the service's registration (its operations, in one table), recovery from the store,
// the APIs themselves (create, import, put, get, update, delete) and the paging and patching
// their operations share.

#include <charconv>

#include "core/json_object.h"
#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_api.h"
#include "store/each_resource.h"

namespace baton::service::apigateway {

using json::Value;

RestApis::RestApis(Core& c)
    : core(c),
      table{
          operation("CreateRestApi", this, &RestApis::create_rest_api),
          operation("ImportRestApi", this, &RestApis::import_rest_api),
          operation("PutRestApi", this, &RestApis::put_rest_api),
          operation("GetRestApi", this, &RestApis::get_rest_api, true),
          operation("GetRestApis", this, &RestApis::get_rest_apis, true),
          operation("UpdateRestApi", this, &RestApis::update_rest_api),
          operation("DeleteRestApi", this, &RestApis::delete_rest_api),
          operation("GetResources", this, &RestApis::get_resources, true),
          operation("GetResource", this, &RestApis::get_resource, true),
          operation("CreateResource", this, &RestApis::create_resource),
          operation("UpdateResource", this, &RestApis::update_resource),
          operation("DeleteResource", this, &RestApis::delete_resource),
          operation("PutMethod", this, &RestApis::put_method),
          operation("GetMethod", this, &RestApis::get_method, true),
          operation("UpdateMethod", this, &RestApis::update_method),
          operation("DeleteMethod", this, &RestApis::delete_method),
          operation("PutMethodResponse", this, &RestApis::put_method_response),
          operation("GetMethodResponse", this, &RestApis::get_method_response, true),
          operation("DeleteMethodResponse", this, &RestApis::delete_method_response),
          operation("PutIntegration", this, &RestApis::put_integration),
          operation("GetIntegration", this, &RestApis::get_integration, true),
          operation("UpdateIntegration", this, &RestApis::update_integration),
          operation("DeleteIntegration", this, &RestApis::delete_integration),
          operation("PutIntegrationResponse", this, &RestApis::put_integration_response),
          operation("GetIntegrationResponse", this, &RestApis::get_integration_response, true),
          operation("DeleteIntegrationResponse", this, &RestApis::delete_integration_response),
          operation("CreateDeployment", this, &RestApis::create_deployment),
          operation("GetDeployment", this, &RestApis::get_deployment, true),
          operation("GetDeployments", this, &RestApis::get_deployments, true),
          operation("DeleteDeployment", this, &RestApis::delete_deployment),
          operation("CreateStage", this, &RestApis::create_stage),
          operation("GetStage", this, &RestApis::get_stage, true),
          operation("GetStages", this, &RestApis::get_stages, true),
          operation("UpdateStage", this, &RestApis::update_stage),
          operation("DeleteStage", this, &RestApis::delete_stage),
          operation("TestInvokeMethod", this, &RestApis::test_invoke_method),
      },
      random(os_entropy()) {}

std::string RestApi::root_id() const { return string_member(api, "rootResourceId"); }

std::string RestApis::new_id(std::size_t length) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  while (true) {
    std::string id;
    for (std::size_t i = 0; i < length; ++i) id += kAlphabet[random.below(kAlphabet.size())];
    if (!apis.contains(id)) return id;
  }
}

std::string RestApis::api_arn(std::string_view id) const {
  return "arn:aws:apigateway:" + core.options.partition.region + "::/restapis/" + std::string(id);
}

Result<RestApi*> RestApis::requested_api(const Request& r) {
  auto id = r.required("restApiId");
  if (!id) return Unexpected<Error>(id.error());
  auto it = apis.find(*id);
  if (it == apis.end()) {
    return not_found("Invalid API identifier specified " + core.options.partition.account + ":" +
                     *id);
  }
  return &it->second;
}

Value RestApis::describe_api(const RestApi& api) const {
  return with_dates(api.api, {"createdDate"});
}

std::string child_path(std::string_view parent_path, std::string_view part) {
  return parent_path == "/" ? "/" + std::string(part)
                            : std::string(parent_path) + "/" + std::string(part);
}

namespace {

// The members of CreateRestApi's request an API keeps.
Value api_of(const Request& r, const std::string& id, std::int64_t now, const std::string& root) {
  Value api = merged(Value::object({}), r, {"cloneFrom"});
  api = json::with_member(api, "id", text(id));
  api = json::with_member(api, "createdDate", Value::integer(now));
  api = json::with_member(api, "rootResourceId", text(root));
  if (api.find("apiKeySource") == nullptr)
    api = json::with_member(api, "apiKeySource", text("HEADER"));
  if (api.find("endpointConfiguration") == nullptr) {
    api = json::with_member(api, "endpointConfiguration",
                            json::object({{"types", Value::array({text("EDGE")})}}));
  }
  if (api.find("disableExecuteApiEndpoint") == nullptr) {
    api = json::with_member(api, "disableExecuteApiEndpoint", Value::boolean(false));
  }
  return api;
}

// The path segments of a JSON-patch-like path: "/a/b~1c" -> {"a", "b/c"}.
std::vector<std::string> patch_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t at = 1;
  while (at <= path.size()) {
    std::size_t end = path.find('/', at);
    std::string_view part = path.substr(at, end == std::string_view::npos ? path.npos : end - at);
    std::string decoded;
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '~' && i + 1 < part.size() && (part[i + 1] == '0' || part[i + 1] == '1')) {
        decoded += part[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        decoded += part[i];
      }
    }
    out.push_back(std::move(decoded));
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return out;
}

Value set_at(const Value& record, const std::vector<std::string>& path, std::size_t i,
             const std::optional<Value>& value) {
  if (i + 1 == path.size()) {
    if (value) return json::with_member(record, path[i], *value);
    json::ObjectBuilder out;
    for (const json::Member& m : record.members()) {
      if (m.name() != path[i]) out.add(m.name(), m.value);
    }
    return out.build();
  }
  const Value* inner = record.find(path[i]);
  Value next = inner != nullptr && inner->is_object() ? *inner : Value::object({});
  return json::with_member(record, path[i], set_at(next, path, i + 1, value));
}

// A patched member's value: what the model says is a list or a boolean, from its text.
// A patched value from its text: true and false as booleans, digits as an integer where the
// member is one, else the text.
Value patch_value(const Value& current, const std::string& given) {
  if (given == "true" || given == "false") return Value::boolean(given == "true");
  if (current.is_int64()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(given.data(), given.data() + given.size(), n);
    if (ec == std::errc() && end == given.data() + given.size()) return Value::integer(n);
  }
  return text(given);
}

}  // namespace

Result<Value> patched(const Value& record, const Request& r) {
  const Value* ops = r.field("patchOperations");
  if (ops == nullptr || !ops->is_array()) return record;
  Value out = record;
  for (const Value& op : ops->as_array()) {
    std::string kind = string_member(op, "op");
    std::string path = string_member(op, "path");
    if (!path.starts_with("/") || path.size() < 2) {
      return bad_request("Invalid patch path '" + path + "': a patch path starts with '/'");
    }
    std::vector<std::string> parts = patch_path(path);
    // A list member (binaryMediaTypes): add and remove its values, the value in the path.
    const Value* list = out.find(parts.front());
    bool is_list = list != nullptr ? list->is_array() : op.find("value") == nullptr;
    if (parts.size() == 2 && is_list && (kind == "add" || kind == "remove")) {
      std::vector<Value> items;
      for (const Value& v : list != nullptr ? list->as_array() : std::span<const Value>()) {
        if (!(v.is_string() && v.as_string() == parts[1])) items.push_back(v);
      }
      if (kind == "add") items.push_back(text(parts[1]));
      out = json::with_member(out, parts.front(), Value::array(std::move(items)));
      continue;
    }
    if (kind == "replace" || kind == "add") {
      const Value* current = out.find(parts.back());
      std::string value = string_member(op, "value");
      if (parts.size() == 1 && parts.front() == "binaryMediaTypes") {
        return bad_request("Invalid patch operation specified for path " + path);
      }
      out = set_at(out, parts, 0, patch_value(current ? *current : Value(), value));
    } else if (kind == "remove") {
      out = set_at(out, parts, 0, std::nullopt);
    } else {
      return bad_request(
          "Invalid patch operation specified. Must be one of: [add, remove, "
          "replace] (op '" +
          kind + "' at " + path + ")");
    }
  }
  return out;
}

ResourceTree tree_of(const Value& deployment) {
  ResourceTree tree;
  if (const Value* snapshot = deployment.find("resources"); snapshot && snapshot->is_array()) {
    for (const Value& resource : snapshot->as_array()) {
      tree.resources.emplace(string_member(resource, "id"), resource);
    }
  }
  tree.rebuild();
  return tree;
}

Result<std::pair<std::size_t, std::size_t>> position_and_limit(const Request& r) {
  std::size_t from = 0, limit = 25;
  if (auto p = r.string("position"); p && *p) {
    auto [end, ec] = std::from_chars((*p)->data(), (*p)->data() + (*p)->size(), from);
    if (ec != std::errc() || end != (*p)->data() + (*p)->size()) {
      return bad_request("Invalid position specified: " + **p);
    }
  }
  if (auto l = r.integer("limit"); l && *l) {
    if (**l < 1 || **l > 500) return bad_request("The limit must be between 1 and 500");
    limit = static_cast<std::size_t>(**l);
  }
  return std::pair{from, limit};
}

Value items_page(std::vector<Value> all, std::size_t from, std::size_t limit) {
  std::vector<Value> items;
  for (std::size_t i = from; i < all.size() && items.size() < limit; ++i) items.push_back(all[i]);
  json::ObjectBuilder out;
  if (from + limit < all.size()) out.add("position", text(std::to_string(from + limit)));
  out.add("items", Value::array(std::move(items)));
  return out.build();
}

RestApi RestApis::new_api(const Request& r) {
  RestApi api;
  api.id = new_id(10);
  api.created_ms = core.now_ms();
  std::string root = new_id(10);
  api.api = api_of(r, api.id, api.created_ms, root);
  api.current.resources.emplace(root, json::object({{"id", text(root)}, {"path", text("/")}}));
  return api;
}

void RestApis::keep(RestApi api, const Reply& reply) {
  save(api);
  Value described = describe_api(api);
  apis.emplace(api.id, std::move(api));
  core.answer(reply, described);
}

void RestApis::create_rest_api(const Request& r, Reply reply) {
  auto name = r.required("name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  keep(new_api(r), reply);
}

void RestApis::get_rest_api(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  core.answer(reply, describe_api(**api));
}

void RestApis::get_rest_apis(const Request& r, Reply reply) {
  auto paging = position_and_limit(r);
  if (!paging) return reply(Unexpected<Error>(paging.error()));
  std::vector<const RestApi*> ordered;
  for (const auto& [id, api] : apis) ordered.push_back(&api);
  std::stable_sort(ordered.begin(), ordered.end(), [](const RestApi* a, const RestApi* b) {
    return a->created_ms < b->created_ms;
  });
  std::vector<Value> all;
  for (const RestApi* api : ordered) all.push_back(describe_api(*api));
  core.answer(reply, items_page(std::move(all), paging->first, paging->second));
}

void RestApis::update_rest_api(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto updated = patched((*api)->api, r);
  if (!updated) return reply(Unexpected<Error>(updated.error()));
  (*api)->api = *updated;
  save(**api);
  core.answer(reply, describe_api(**api));
}

void RestApis::delete_rest_api(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  core.stage(store::ops::DeleteResource{store::Kind::RestApi, api_arn((*api)->id)});
  apis.erase((*api)->id);
  core.answer(reply, Value::object({}));
}

void RestApis::import_rest_api(const Request& r, Reply reply) {
  RestApi api = new_api(Request(Value::object({})));
  // Named by the document's info.title, else by its id.
  if (auto imported = import_openapi(api, string_member(r.body(), "body"), false); !imported) {
    return reply(Unexpected<Error>(imported.error()));
  }
  if (string_member(api.api, "name").empty()) {
    api.api = json::with_member(api.api, "name", text(api.id));
  }
  keep(std::move(api), reply);
}

void RestApis::put_rest_api(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  std::string mode = string_member(r.body(), "mode");
  if (!mode.empty() && mode != "merge" && mode != "overwrite") {
    return reply(bad_request("mode must be merge or overwrite, not '" + mode + "'"));
  }
  RestApi copy = **api;
  if (auto imported = import_openapi(copy, string_member(r.body(), "body"), mode == "merge");
      !imported) {
    return reply(Unexpected<Error>(imported.error()));
  }
  **api = std::move(copy);
  save(**api);
  core.answer(reply, describe_api(**api));
}

void RestApis::save(RestApi& api) {
  api.current.rebuild();
  auto values = [](const std::map<std::string, Value>& items) {
    std::vector<Value> out;
    for (const auto& [key, v] : items) out.push_back(v);
    return Value::array(std::move(out));
  };
  for (const auto& [id, deployment] : api.deployments) {
    if (!api.deployed.contains(id)) api.deployed.emplace(id, tree_of(deployment));
  }
  std::erase_if(api.deployed,
                [&api](const auto& entry) { return !api.deployments.contains(entry.first); });
  store::Resource resource;
  resource.kind = store::Kind::RestApi;
  resource.arn = api_arn(api.id);
  resource.name = api.id;
  resource.created_ms = api.created_ms;
  resource.record = json::ObjectBuilder()
                        .add("Api", api.api)
                        .add("Resources", values(api.current.resources))
                        .add("Deployments", values(api.deployments))
                        .add("Stages", values(api.stages))
                        .build();
  core.stage(store::ops::PutResource{std::move(resource)});
}

Expected<void, Error> RestApis::recover() {
  auto recovered =
      store::each_resource(*core.store, store::Kind::RestApi, "", [&](store::Resource& r) {
        RestApi api;
        api.id = r.name;
        api.created_ms = r.created_ms;
        if (const Value* a = r.record.find("Api")) api.api = *a;
        auto read = [&r](std::string_view list, std::string_view key,
                         std::map<std::string, Value>& into) {
          const Value* items = r.record.find(list);
          if (items == nullptr || !items->is_array()) return;
          for (const Value& item : items->as_array()) into.emplace(string_member(item, key), item);
        };
        read("Resources", "id", api.current.resources);
        read("Deployments", "id", api.deployments);
        read("Stages", "stageName", api.stages);
        api.current.rebuild();
        for (const auto& [id, deployment] : api.deployments) {
          api.deployed.emplace(id, tree_of(deployment));
        }
        apis.emplace(api.id, std::move(api));
      });
  if (!recovered) return recovered;
  return {};
}

}  // namespace baton::service::apigateway
