// Task states that call one of baton's HTTP APIs (arn:aws:states:::apigateway:invoke): the
// request made of the task's parameters, its serving by API Gateway's service through the one
// call interface, and the result as Step Functions reports it.

#include "service/states/api_gateway_tasks.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "asl/errors.h"
#include "core/text.h"
#include "net/http_client.h"
#include "service/http_api_request.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

Unexpected<Error> task_failed(const std::string& cause) {
  return fail(std::string(asl::errors::kTaskFailed), cause);
}

std::string text_of(const Value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::to_string(v);
}

// The API id an endpoint names: API_ID.execute-api.REGION.amazonaws.com (as AWS requires it),
// or baton's own API_ID.execute-api.localhost[:PORT] (its ApiEndpoint without the scheme).
std::optional<std::string> api_id_of(std::string_view endpoint) {
  if (auto scheme = endpoint.find("://"); scheme != std::string_view::npos) {
    endpoint.remove_prefix(scheme + 3);
  }
  endpoint = endpoint.substr(0, endpoint.find('/'));
  auto at = endpoint.find(".execute-api.");
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::string_view id = endpoint.substr(0, at);
  std::string_view rest = endpoint.substr(at + 13);
  bool aws = rest.ends_with(".amazonaws.com") && rest.find('.') == rest.size() - 14;
  bool local = rest == "localhost" || rest.starts_with("localhost:");
  if (!aws && !local) return std::nullopt;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::string(id);
}

// "Not Found" for 404: the reason phrases of the statuses API Gateway and functions answer.
std::string status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace

Result<Value> api_gateway_request(const Value& p) {
  auto text = [&p](std::string_view key) {
    const Value* v = p.find(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string endpoint = text("ApiEndpoint");
  auto api_id = api_id_of(endpoint);
  if (!api_id) {
    return task_failed(
        "The field 'ApiEndpoint' must name one of baton's HTTP APIs "
        "(API_ID.execute-api.REGION.amazonaws.com), not '" +
        endpoint + "': baton does not reach other hosts");
  }
  std::string method = text("Method");
  static constexpr std::string_view kMethods[] = {"GET",   "POST", "PUT",    "DELETE",
                                                  "PATCH", "HEAD", "OPTIONS"};
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
    return task_failed(
        "The field 'Method' must be one of GET, POST, PUT, DELETE, PATCH, HEAD, "
        "OPTIONS, not '" +
        method + "'");
  }
  if (std::string auth = text("AuthType");
      !auth.empty() && auth != "NO_AUTH" && auth != "IAM_ROLE" && auth != "RESOURCE_POLICY") {
    return task_failed("The field 'AuthType' must be NO_AUTH, IAM_ROLE or RESOURCE_POLICY, not '" +
                       auth + "'");
  }
  std::string path;
  if (std::string stage = text("Stage"); !stage.empty() && stage != "$default") {
    path += "/" + stage;
  }
  if (std::string more = text("Path"); !more.empty()) {
    path += (more.starts_with("/") ? "" : "/") + more;
  }
  if (path.empty()) path = "/";
  // Query parameters and headers are maps of lists: each value is sent.
  auto each_value =
      [](const Value& map, std::string_view field,
         const std::function<void(std::string_view, const std::string&)>& add) -> Result<void> {
    if (!map.is_object()) {
      return task_failed("The field '" + std::string(field) +
                         "' must be a map of names to lists of values");
    }
    for (const json::Member& m : map.members()) {
      if (m.value.is_array()) {
        for (const Value& v : m.value.as_array()) add(m.name(), text_of(v));
      } else {
        add(m.name(), text_of(m.value));
      }
    }
    return {};
  };
  std::string query;
  if (const Value* q = p.find("QueryParameters"); q != nullptr) {
    auto done =
        each_value(*q, "QueryParameters", [&query](std::string_view n, const std::string& v) {
          query += (query.empty() ? "" : "&") + net::url_encode(n) + "=" + net::url_encode(v);
        });
    if (!done) return Unexpected<Error>(done.error());
  }
  std::string host =
      *api_id + ".execute-api." + endpoint.substr(endpoint.find(".execute-api.") + 13);
  host = host.substr(0, host.find('/'));
  std::vector<Value> headers{Value::array({Value::string("host"), Value::string(host)})};
  bool typed = false;
  if (const Value* h = p.find("Headers"); h != nullptr) {
    auto done = each_value(*h, "Headers", [&](std::string_view n, const std::string& v) {
      std::string name = ascii_lower(n);
      if (name == "host") return;
      typed = typed || name == "content-type";
      headers.push_back(Value::array({Value::string(name), Value::string(v)}));
    });
    if (!done) return Unexpected<Error>(done.error());
  }
  std::string body;
  if (const Value* b = p.find("RequestBody"); b != nullptr && !b->is_null()) {
    body = text_of(*b);
    if (!typed) {
      headers.push_back(
          Value::array({Value::string("content-type"), Value::string("application/json")}));
    }
  }
  return json::ObjectBuilder()
      .add("Method", Value::string(method))
      .add("Path", Value::string(path))
      .add("Query", Value::string(query))
      .add("Headers", Value::array(std::move(headers)))
      .add("Body", Value::string(body))
      .add("SourceIp", Value::string("127.0.0.1"))
      .add("Protocol", Value::string("HTTP/1.1"))
      .build();
}

engine::Event api_gateway_event(const engine::commands::InvokeTask& task,
                                const Result<Value>& answer, Timestamp now) {
  if (!answer) {
    return engine::events::TaskFailed{now, task.token, "ApiGateway." + answer.error().name,
                                      answer.error().cause};
  }
  int status = 0;
  if (const Value* s = answer->find("StatusCode"); s != nullptr && s->is_int64()) {
    status = static_cast<int>(s->as_int64());
  }
  std::map<std::string, std::vector<Value>> grouped;
  std::string content_type;
  if (const Value* h = answer->find("Headers"); h != nullptr && h->is_array()) {
    for (const Value& pair : h->as_array()) {
      if (!pair.is_array() || pair.size() != 2) continue;
      std::string name(pair.as_array()[0].as_string());
      std::string value(pair.as_array()[1].as_string());
      if (ascii_lower(name) == "content-type") content_type = ascii_lower(value);
      grouped[name].push_back(Value::string(value));
    }
  }
  json::ObjectBuilder headers;
  for (auto& [name, values] : grouped) headers.add(name, Value::array(std::move(values)));
  const Value* b = answer->find("Body");
  std::string body = b != nullptr && b->is_string() ? std::string(b->as_string()) : "";
  Value response_body = Value::string(body);
  if (content_type.find("json") != std::string::npos) {
    if (auto parsed = json::parse(body)) response_body = *parsed;
  }
  Value result = json::ObjectBuilder()
                     .add("Headers", headers.build())
                     .add("ResponseBody", response_body)
                     .add("StatusCode", Value::integer(status))
                     .add("StatusText", Value::string(status_text(status)))
                     .build();
  if (status >= 400) {
    return engine::events::TaskFailed{now, task.token, "ApiGateway." + std::to_string(status),
                                      json::to_string(result)};
  }
  return engine::events::TaskSucceeded{now, task.token, std::move(result)};
}

void StepFunctions::dispatch_api_gateway_task(LiveExecution& e,
                                              const engine::commands::InvokeTask& task) {
  std::string arn = e.arn;
  auto request = api_gateway_request(task.payload);
  if (!request) {
    engine::Event failed = engine::events::TaskFailed{core.clock.now(), task.token,
                                                      request.error().name, request.error().cause};
    core.post([this, arn, failed] { complete_task(arn, failed); });
    return;
  }
  bool callback = task.resource.pattern == asl::IntegrationPattern::WaitForTaskToken;
  if (callback) keep_task(arn, task, "");
  // At least once: the outbox entry makes the request again after a crash.
  add_outbox(arn, task);
  core.then([this, arn, task, request = std::move(*request)] {
    core.call(kServingService, kServeHttpRequest, request, [this, arn, task](Result<Value> answer) {
      core.post([this, arn, task, answer = std::move(answer)] {
        core.stage(store::ops::DeleteOutbox{task.token});
        engine::Event event = api_gateway_event(task, answer, core.clock.now());
        if (task.resource.pattern != asl::IntegrationPattern::WaitForTaskToken) {
          return complete_task(arn, std::move(event));
        }
        // With a callback, the request only starts the task; its failure ends it.
        if (auto* ok = std::get_if<engine::events::TaskSucceeded>(&event)) {
          complete_task(arn, engine::events::TaskSubmitted{ok->time, task.token, ok->output});
        } else {
          send_task_event(task.token, std::move(event), [](Result<Value>) {});
        }
      });
    });
  });
}

}  // namespace baton::service::states
