// Stages: where an API is served. $default at the root of the API's URL, any other at
// /STAGE_NAME. baton has no deployments: every stage serves the API's routes as they are now,
// as a stage with AutoDeploy does on AWS.

#include "service/apigateway/apigateway.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

Value describe_stage(const Value& stage) {
  return with_dates(stage, {"CreatedDate", "LastUpdatedDate"});
}

Result<const Value*> requested_stage(const HttpApi& api, const Request& r) {
  auto name = r.required("StageName");
  if (!name) return Unexpected<Error>(name.error());
  auto it = api.stages.find(*name);
  if (it == api.stages.end()) {
    return not_found("Invalid stage identifier specified " + *name + " in API " + api.id);
  }
  return &it->second;
}

bool valid_stage_name(std::string_view name) {
  if (name == "$default") return true;
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

Result<Value> ApiGateway::new_stage(HttpApi& api, const Request& r) {
  auto name = r.required("StageName");
  if (!name) return Unexpected<Error>(name.error());
  if (!valid_stage_name(*name)) {
    return bad_request("Stage name '" + *name +
                       "' must be $default or letters, digits, '-' and '_' only");
  }
  if (api.stages.contains(*name)) {
    return conflict("Stage " + *name + " already exists in API " + api.id);
  }
  Value stage = merged(Value::object({}), r, {"ApiId"});
  std::int64_t now = core.now_ms();
  stage = json::with_member(stage, "CreatedDate", Value::integer(now));
  stage = json::with_member(stage, "LastUpdatedDate", Value::integer(now));
  for (std::string_view member :
       {"DefaultRouteSettings", "RouteSettings", "StageVariables", "Tags"}) {
    if (stage.find(member) == nullptr) stage = json::with_member(stage, member, Value::object({}));
  }
  if (stage.find("AutoDeploy") == nullptr) {
    stage = json::with_member(stage, "AutoDeploy", Value::boolean(false));
  }
  return stage;
}

void ApiGateway::create_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto stage = new_stage(**api, r);
  if (!stage) return reply(Unexpected<Error>(stage.error()));
  (*api)->stages.emplace(string_member(*stage, "StageName"), *stage);
  save(**api);
  core.answer(reply, describe_stage(*stage));
}

void ApiGateway::get_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto stage = requested_stage(**api, r);
  if (!stage) return reply(Unexpected<Error>(stage.error()));
  core.answer(reply, describe_stage(**stage));
}

void ApiGateway::get_stages(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  core.answer(reply, page(r, (*api)->stages, describe_stage));
}

void ApiGateway::update_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto stage = requested_stage(**api, r);
  if (!stage) return reply(Unexpected<Error>(stage.error()));
  Value updated = merged(**stage, r, {"ApiId", "StageName"});
  updated = json::with_member(updated, "LastUpdatedDate", Value::integer(core.now_ms()));
  (*api)->stages[string_member(updated, "StageName")] = updated;
  save(**api);
  core.answer(reply, describe_stage(updated));
}

void ApiGateway::delete_stage(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto stage = requested_stage(**api, r);
  if (!stage) return reply(Unexpected<Error>(stage.error()));
  (*api)->stages.erase(string_member(**stage, "StageName"));
  save(**api);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::apigateway
