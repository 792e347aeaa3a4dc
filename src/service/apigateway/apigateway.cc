// API Gateway's registration (its operations, in one table), recovery from the store, and what
// its operations share: APIs by id, their stored record, ids, paging.

#include "service/apigateway/apigateway.h"

#include <charconv>

#include "service/apigateway/apigateway_service.h"
#include "service/apigateway/rest_api.h"
#include "service/http_api_request.h"
#include "store/each_resource.h"

namespace baton::service::apigateway {

using json::Value;

void register_services(Core& core) {
  auto http_apis = std::make_unique<ApiGateway>(core);
  auto rest_apis = std::make_unique<RestApis>(core);
  http_apis->rest_apis = rest_apis.get();
  core.register_service(std::move(http_apis));
  core.register_service(std::move(rest_apis));
}

Value text(std::string_view s) { return Value::string(s); }

std::string string_member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Unexpected<Error> not_found(const std::string& message) {
  return fail("NotFoundException", message);
}

Unexpected<Error> bad_request(const std::string& message) {
  return fail("BadRequestException", message);
}

Unexpected<Error> conflict(const std::string& message) {
  return fail("ConflictException", message);
}

Value merged(const Value& record, const Request& r, std::initializer_list<std::string_view> skip) {
  Value out = record;
  for (const json::Member& m : r.body().members()) {
    if (std::find(skip.begin(), skip.end(), m.name()) != skip.end()) continue;
    out = json::with_member(out, m.name(), m.value);
  }
  return out;
}

Value with_dates(const Value& record, std::initializer_list<std::string_view> members) {
  Value out = record;
  for (std::string_view name : members) {
    const Value* ms = record.find(name);
    if (ms != nullptr && ms->is_int64()) out = json::with_member(out, name, epoch(ms->as_int64()));
  }
  return out;
}

Result<Value> page(const Request& r, const std::map<std::string, Value>& items,
                   const std::function<Value(const Value&)>& describe) {
  auto after = r.string("NextToken");
  if (!after) return Unexpected<Error>(after.error());
  auto most_text = r.string("MaxResults");
  if (!most_text) return Unexpected<Error>(most_text.error());
  std::size_t most = 100;
  if (*most_text) {
    const std::string& t = **most_text;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), most);
    if (ec != std::errc() || end != t.data() + t.size() || most == 0) {
      return bad_request("MaxResults must be a positive integer, not '" + t + "'");
    }
  }
  std::vector<Value> listed;
  std::string next;
  auto it = after->has_value() ? items.upper_bound(**after) : items.begin();
  for (; it != items.end(); ++it) {
    if (listed.size() == most) {
      next = std::prev(it)->first;
      break;
    }
    listed.push_back(describe(it->second));
  }
  json::ObjectBuilder out;
  out.add("Items", Value::array(std::move(listed)));
  if (!next.empty()) out.add("NextToken", text(next));
  return out.build();
}

Result<std::string> function_of(std::string_view uri) {
  std::string_view arn = uri;
  if (uri.starts_with("arn:aws:apigateway:")) {
    // The form REST APIs and CloudFormation use: .../functions/FUNCTION_ARN/invocations.
    auto from = uri.find("/functions/");
    auto to = uri.rfind("/invocations");
    if (from == std::string_view::npos || to == std::string_view::npos || to <= from + 11) {
      return bad_request("IntegrationUri " + std::string(uri) +
                         " is not a Lambda function's invocation URI "
                         "(arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/"
                         "FUNCTION_ARN/invocations)");
    }
    arn = uri.substr(from + 11, to - from - 11);
  }
  if (!arn.starts_with("arn:aws:lambda:") || arn.find(":function:") == std::string_view::npos) {
    return bad_request("IntegrationUri " + std::string(uri) +
                       " does not name a Lambda function: give the function's ARN "
                       "(arn:aws:lambda:REGION:ACCOUNT:function:NAME)");
  }
  return std::string(arn);
}

ApiGateway::ApiGateway(Core& c)
    : core(c),
      table{
          operation("CreateApi", this, &ApiGateway::create_api),
          operation("GetApi", this, &ApiGateway::get_api, true),
          operation("GetApis", this, &ApiGateway::get_apis, true),
          operation("UpdateApi", this, &ApiGateway::update_api),
          operation("DeleteApi", this, &ApiGateway::delete_api),
          operation("DeleteCorsConfiguration", this, &ApiGateway::delete_cors_configuration),
          operation("CreateRoute", this, &ApiGateway::create_route),
          operation("GetRoute", this, &ApiGateway::get_route, true),
          operation("GetRoutes", this, &ApiGateway::get_routes, true),
          operation("UpdateRoute", this, &ApiGateway::update_route),
          operation("DeleteRoute", this, &ApiGateway::delete_route),
          operation("CreateIntegration", this, &ApiGateway::create_integration),
          operation("GetIntegration", this, &ApiGateway::get_integration, true),
          operation("GetIntegrations", this, &ApiGateway::get_integrations, true),
          operation("UpdateIntegration", this, &ApiGateway::update_integration),
          operation("DeleteIntegration", this, &ApiGateway::delete_integration),
          operation("CreateStage", this, &ApiGateway::create_stage),
          operation("GetStage", this, &ApiGateway::get_stage, true),
          operation("GetStages", this, &ApiGateway::get_stages, true),
          operation("UpdateStage", this, &ApiGateway::update_stage),
          operation("DeleteStage", this, &ApiGateway::delete_stage),
          operation(kServeHttpRequest, this, &ApiGateway::serve, true),
      },
      random(os_entropy()) {}

std::string ApiGateway::new_id(std::size_t length) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  while (true) {
    std::string id;
    for (std::size_t i = 0; i < length; ++i) id += kAlphabet[random.below(kAlphabet.size())];
    // 36^7 ids: a route's or an integration's clashes with another's of its API only once in
    // billions; an API's is checked.
    if (!apis.contains(id)) return id;
  }
}

std::string ApiGateway::api_arn(std::string_view id) const {
  return "arn:aws:apigateway:" + core.options.partition.region + "::/apis/" + std::string(id);
}

std::string ApiGateway::api_endpoint(std::string_view id) const {
  if (core.options.http_api_port == 0) {
    return "https://" + std::string(id) + ".execute-api." + core.options.partition.region +
           ".amazonaws.com";
  }
  // *.localhost is the loopback address for browsers and curl; baton routes by the name.
  return "http://" + std::string(id) +
         ".execute-api.localhost:" + std::to_string(core.options.http_api_port);
}

Result<HttpApi*> ApiGateway::requested_api(const Request& r) {
  auto id = r.required("ApiId");
  if (!id) return Unexpected<Error>(id.error());
  auto it = apis.find(*id);
  if (it == apis.end()) return not_found("Invalid API identifier specified " + *id);
  return &it->second;
}

void ApiGateway::rebuild(HttpApi& api) {
  api.table = RouteTable();
  for (const auto& [id, route] : api.routes) {
    auto key = RouteKey::parse(string_member(route, "RouteKey"));
    // Checked when it was put; a failure now is a store written by another version.
    if (!key) {
      core.warn("HTTP API " + api.id + " route " + id + ": " + key.error().cause);
      continue;
    }
    api.table.add(std::move(*key), id);
  }
  const Value* cors = api.api.find("CorsConfiguration");
  api.cors =
      cors != nullptr && cors->is_object() ? std::optional<Cors>(Cors::from(*cors)) : std::nullopt;
}

void ApiGateway::save(HttpApi& api) {
  rebuild(api);
  auto values = [](const std::map<std::string, Value>& items) {
    std::vector<Value> out;
    for (const auto& [key, v] : items) out.push_back(v);
    return Value::array(std::move(out));
  };
  store::Resource resource;
  resource.kind = store::Kind::HttpApi;
  resource.arn = api_arn(api.id);
  resource.name = api.id;
  resource.created_ms = api.created_ms;
  resource.record = json::ObjectBuilder()
                        .add("Api", api.api)
                        .add("Routes", values(api.routes))
                        .add("Integrations", values(api.integrations))
                        .add("Stages", values(api.stages))
                        .build();
  core.stage(store::ops::PutResource{std::move(resource)});
}

Expected<void, Error> ApiGateway::recover() {
  auto recovered =
      store::each_resource(*core.store, store::Kind::HttpApi, "", [&](store::Resource& r) {
        HttpApi api;
        api.id = r.name;
        api.created_ms = r.created_ms;
        if (const Value* a = r.record.find("Api")) api.api = *a;
        auto read = [&r](std::string_view list, std::string_view key,
                         std::map<std::string, Value>& into) {
          const Value* items = r.record.find(list);
          if (items == nullptr || !items->is_array()) return;
          for (const Value& item : items->as_array()) into.emplace(string_member(item, key), item);
        };
        read("Routes", "RouteId", api.routes);
        read("Integrations", "IntegrationId", api.integrations);
        read("Stages", "StageName", api.stages);
        rebuild(api);
        apis.emplace(api.id, std::move(api));
      });
  if (!recovered) return recovered;
  return {};
}

}  // namespace baton::service::apigateway
