// A REST API's resources: the tree of path parts under its root ("/"), each a literal, a
// {variable} or a greedy {variable+} (last, with no children), and the routes a tree makes:
// one per method, the most specific first as API Gateway picks them (a literal before a
// variable before a greedy variable; a resource's own method before ANY).

#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_api.h"

namespace baton::service::apigateway {

using json::Value;

void ResourceTree::rebuild() {
  table = RouteTable();
  for (const auto& [id, resource] : resources) {
    const Value* methods = resource.find("resourceMethods");
    if (methods == nullptr || !methods->is_object()) continue;
    for (const json::Member& m : methods->members()) {
      auto key = RouteKey::parse(std::string(m.name()) + " " + string_member(resource, "path"));
      if (key) table.add(std::move(*key), id + " " + std::string(m.name()));
    }
  }
}

Result<Value*> requested_resource(RestApi& api, const Request& r) {
  auto id = r.required("resourceId");
  if (!id) return Unexpected<Error>(id.error());
  auto it = api.current.resources.find(*id);
  if (it == api.current.resources.end()) {
    return not_found("Invalid Resource identifier specified");
  }
  return &it->second;
}

namespace {

// A resource as GetResources lists it without embed=methods: its methods named, not shown.
Value listed(const Value& resource, bool embed) {
  const Value* methods = resource.find("resourceMethods");
  if (embed || methods == nullptr || !methods->is_object()) return resource;
  json::ObjectBuilder names;
  for (const json::Member& m : methods->members()) names.add(m.name(), Value::object({}));
  return json::with_member(resource, "resourceMethods", names.build());
}

std::optional<Error> check_path_part(const RestApi& api, const Value& parent, std::string_view part,
                                     std::string_view self_id) {
  auto refused = [](std::string message) {
    return std::optional<Error>(Error{"BadRequestException", std::move(message)});
  };
  if (part.empty()) return refused("pathPart must not be empty");
  bool variable = part.front() == '{';
  if (variable) {
    bool greedy = part.ends_with("+}");
    std::string_view name = part.substr(1, part.size() - (greedy ? 3 : 2));
    if (!part.ends_with("}") || name.empty() ||
        name.find_first_of("{}/+") != std::string_view::npos) {
      return refused(
          "Resource's path part only allow a-zA-Z0-9._- and curly braces at the "
          "beginning and the end and an optional plus sign before the closing brace. "
          "(pathPart '" +
          std::string(part) + "')");
    }
  } else {
    for (char c : part) {
      bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                std::string_view("._-:~@!$&'()*,;=").find(c) != std::string_view::npos;
      if (!ok) {
        return refused(
            "Resource's path part only allow a-zA-Z0-9._- and curly braces at the "
            "beginning and the end and an optional plus sign before the closing brace. "
            "(pathPart '" +
            std::string(part) + "')");
      }
    }
  }
  if (string_member(parent, "pathPart").ends_with("+}")) {
    return refused("Cannot create a child of a resource with a greedy path variable: " +
                   string_member(parent, "pathPart"));
  }
  std::string parent_id = string_member(parent, "id");
  for (const auto& [id, sibling] : api.current.resources) {
    if (id == self_id || string_member(sibling, "parentId") != parent_id) continue;
    std::string other = string_member(sibling, "pathPart");
    if (other == part) {
      return Error{
          "ConflictException",
          "Another resource with the same parent already has this name: " + std::string(part)};
    }
    if (variable && other.starts_with("{")) {
      return refused("A sibling (" + other +
                     ") of this resource already has a variable path "
                     "part -- only one is allowed");
    }
  }
  return std::nullopt;
}

// The ids of `id` and every resource under it.
std::vector<std::string> subtree(const RestApi& api, const std::string& id) {
  std::vector<std::string> out{id};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const auto& [child, resource] : api.current.resources) {
      if (string_member(resource, "parentId") == out[i]) out.push_back(child);
    }
  }
  return out;
}

}  // namespace

void RestApis::get_resources(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto paging = position_and_limit(r);
  if (!paging) return reply(Unexpected<Error>(paging.error()));
  bool embed = false;
  if (const Value* e = r.field("embed"); e != nullptr && e->is_array()) {
    for (const Value& v : e->as_array())
      embed = embed || (v.is_string() && v.as_string() == "methods");
  }
  std::vector<std::pair<std::string, const Value*>> by_path;
  for (const auto& [id, resource] : (*api)->current.resources) {
    by_path.emplace_back(string_member(resource, "path"), &resource);
  }
  std::sort(by_path.begin(), by_path.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Value> all;
  for (const auto& [path, resource] : by_path) all.push_back(listed(*resource, embed));
  core.answer(reply, items_page(std::move(all), paging->first, paging->second));
}

void RestApis::get_resource(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto resource = requested_resource(**api, r);
  if (!resource) return reply(Unexpected<Error>(resource.error()));
  core.answer(reply, **resource);
}

void RestApis::create_resource(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto parent_id = r.required("parentId");
  if (!parent_id) return reply(Unexpected<Error>(parent_id.error()));
  auto part = r.required("pathPart");
  if (!part) return reply(Unexpected<Error>(part.error()));
  auto parent = (*api)->current.resources.find(*parent_id);
  if (parent == (*api)->current.resources.end()) {
    return reply(not_found("Invalid Resource identifier specified"));
  }
  if (auto refused = check_path_part(**api, parent->second, *part, "")) {
    return reply(Unexpected<Error>(*refused));
  }
  std::string id = new_id(6);
  Value resource = json::ObjectBuilder()
                       .add("id", text(id))
                       .add("parentId", text(*parent_id))
                       .add("pathPart", text(*part))
                       .add("path", text(child_path(string_member(parent->second, "path"), *part)))
                       .build();
  (*api)->current.resources.emplace(id, resource);
  save(**api);
  core.answer(reply, resource);
}

void RestApis::update_resource(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto resource = requested_resource(**api, r);
  if (!resource) return reply(Unexpected<Error>(resource.error()));
  auto updated = patched(**resource, r);
  if (!updated) return reply(Unexpected<Error>(updated.error()));
  std::string id = string_member(**resource, "id");
  std::string parent_id = string_member(*updated, "parentId");
  auto parent = (*api)->current.resources.find(parent_id);
  if (parent == (*api)->current.resources.end()) {
    return reply(bad_request("The root resource has no path part to change"));
  }
  std::string part = string_member(*updated, "pathPart");
  if (auto refused = check_path_part(**api, parent->second, part, id)) {
    return reply(Unexpected<Error>(*refused));
  }
  **resource = *updated;
  // Its path and every path under it follow.
  for (const std::string& each : subtree(**api, id)) {
    Value& node = (*api)->current.resources.at(each);
    const Value& above = (*api)->current.resources.at(string_member(node, "parentId"));
    node = json::with_member(
        node, "path",
        text(child_path(string_member(above, "path"), string_member(node, "pathPart"))));
  }
  save(**api);
  core.answer(reply, (*api)->current.resources.at(id));
}

void RestApis::delete_resource(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto resource = requested_resource(**api, r);
  if (!resource) return reply(Unexpected<Error>(resource.error()));
  std::string id = string_member(**resource, "id");
  if (id == (*api)->root_id()) return reply(bad_request("Cannot delete root resource"));
  for (const std::string& each : subtree(**api, id)) (*api)->current.resources.erase(each);
  save(**api);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::apigateway
