// A REST API's deployments (a snapshot of its resources and methods, which is what a stage
// serves: a change to the API reaches clients only when deployed) and its stages (a name in the
// URL for one deployment, with stage variables).

#include "core/json_object.h"
#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_api.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

Value described_stage(const Value& stage) {
  return with_dates(stage, {"createdDate", "lastUpdatedDate"});
}

// A deployment as the API shows it: without the resources it keeps.
Value described_deployment(const Value& deployment) {
  json::ObjectBuilder out;
  for (const json::Member& m : deployment.members()) {
    if (m.name() != "resources") out.add(m.name(), m.value);
  }
  return with_dates(out.build(), {"createdDate"});
}

// Why the API's methods cannot be deployed as they are, if they cannot.
std::optional<Error> undeployable(const RestApi& api) {
  bool any = false;
  for (const auto& [id, resource] : api.current.resources) {
    const Value* methods = resource.find("resourceMethods");
    if (methods == nullptr || !methods->is_object()) continue;
    for (const json::Member& m : methods->members()) {
      any = true;
      if (m.value.find("methodIntegration") == nullptr) {
        return Error{"BadRequestException", "No integration defined for method (" +
                                                std::string(m.name()) + " " +
                                                string_member(resource, "path") + ")"};
      }
    }
  }
  if (!any) return Error{"BadRequestException", "The REST API doesn't contain any methods"};
  return std::nullopt;
}

Value new_stage(const Request& r, const std::string& name, const std::string& deployment,
                std::int64_t now) {
  json::ObjectBuilder b;
  b.add("stageName", text(name));
  b.add("deploymentId", text(deployment));
  for (std::string_view member : {"description", "variables", "tags", "tracingEnabled",
                                  "cacheClusterEnabled", "cacheClusterSize"}) {
    if (const Value* v = r.field(member)) b.add(member, *v);
  }
  b.add("createdDate", Value::integer(now));
  b.add("lastUpdatedDate", Value::integer(now));
  return b.build();
}

}  // namespace

void RestApis::create_deployment(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  if (auto refused = undeployable(**api)) return reply(Unexpected<Error>(*refused));
  std::string stage_name = string_member(r.body(), "stageName");
  std::string id = new_id(6);
  std::int64_t now = core.now_ms();
  std::vector<Value> snapshot;
  for (const auto& [rid, resource] : (*api)->current.resources) snapshot.push_back(resource);
  json::ObjectBuilder deployment;
  deployment.add("id", text(id));
  if (const Value* d = r.field("description")) deployment.add("description", *d);
  deployment.add("createdDate", Value::integer(now));
  deployment.add("resources", Value::array(std::move(snapshot)));
  (*api)->deployments.emplace(id, deployment.build());
  if (!stage_name.empty()) {
    auto existing = (*api)->stages.find(stage_name);
    if (existing == (*api)->stages.end()) {
      Value stage = new_stage(r, stage_name, id, now);
      if (const Value* d = r.field("stageDescription")) {
        stage = json::with_member(stage, "description", *d);
      }
      (*api)->stages.emplace(stage_name, stage);
    } else {
      Value& stage = existing->second;
      stage = json::with_member(stage, "deploymentId", text(id));
      stage = json::with_member(stage, "lastUpdatedDate", Value::integer(now));
      if (const Value* v = r.field("variables")) stage = json::with_member(stage, "variables", *v);
    }
  }
  save(**api);
  core.answer(reply, described_deployment((*api)->deployments.at(id)));
}

void RestApis::get_deployment(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto it = (*api)->deployments.find(string_member(r.body(), "deploymentId"));
  if (it == (*api)->deployments.end()) {
    return reply(not_found("Invalid Deployment identifier specified"));
  }
  core.answer(reply, described_deployment(it->second));
}

void RestApis::get_deployments(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto paging = position_and_limit(r);
  if (!paging) return reply(Unexpected<Error>(paging.error()));
  std::vector<Value> all;
  for (const auto& [id, deployment] : (*api)->deployments) {
    all.push_back(described_deployment(deployment));
  }
  core.answer(reply, items_page(std::move(all), paging->first, paging->second));
}

void RestApis::delete_deployment(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  std::string id = string_member(r.body(), "deploymentId");
  if (!(*api)->deployments.contains(id)) {
    return reply(not_found("Invalid Deployment identifier specified"));
  }
  for (const auto& [name, stage] : (*api)->stages) {
    if (string_member(stage, "deploymentId") == id) {
      return reply(
          bad_request("Active stages pointing to this deployment must be moved or "
                      "deleted (stage " +
                      name + ")"));
    }
  }
  (*api)->deployments.erase(id);
  save(**api);
  core.answer(reply, Value::object({}));
}

void RestApis::create_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto name = r.required("stageName");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto deployment = r.required("deploymentId");
  if (!deployment) return reply(Unexpected<Error>(deployment.error()));
  if (!(*api)->deployments.contains(*deployment)) {
    return reply(not_found("Invalid Deployment identifier specified"));
  }
  if ((*api)->stages.contains(*name)) return reply(conflict("Stage already exists"));
  Value stage = new_stage(r, *name, *deployment, core.now_ms());
  (*api)->stages.emplace(*name, stage);
  save(**api);
  core.answer(reply, described_stage(stage));
}

void RestApis::get_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto it = (*api)->stages.find(string_member(r.body(), "stageName"));
  if (it == (*api)->stages.end()) return reply(not_found("Invalid Stage identifier specified"));
  core.answer(reply, described_stage(it->second));
}

void RestApis::get_stages(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  std::string deployment = string_member(r.body(), "deploymentId");
  std::vector<Value> items;
  for (const auto& [name, stage] : (*api)->stages) {
    if (deployment.empty() || string_member(stage, "deploymentId") == deployment) {
      items.push_back(described_stage(stage));
    }
  }
  core.answer(reply, json::object({{"item", Value::array(std::move(items))}}));
}

void RestApis::update_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto it = (*api)->stages.find(string_member(r.body(), "stageName"));
  if (it == (*api)->stages.end()) return reply(not_found("Invalid Stage identifier specified"));
  auto updated = patched(it->second, r);
  if (!updated) return reply(Unexpected<Error>(updated.error()));
  if (!(*api)->deployments.contains(string_member(*updated, "deploymentId"))) {
    return reply(bad_request("Invalid deployment identifier specified: " +
                             string_member(*updated, "deploymentId")));
  }
  it->second = json::with_member(*updated, "lastUpdatedDate", Value::integer(core.now_ms()));
  save(**api);
  core.answer(reply, described_stage(it->second));
}

void RestApis::delete_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto it = (*api)->stages.find(string_member(r.body(), "stageName"));
  if (it == (*api)->stages.end()) return reply(not_found("Invalid Stage identifier specified"));
  (*api)->stages.erase(it);
  save(**api);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::apigateway
