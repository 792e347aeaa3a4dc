// Events to HTTP endpoints: a target that is an API destination gets the event (or what its
// Input, InputPath or InputTransformer makes of it) in a request made as the destination and its
// connection say, sent once the event is committed, on a dispatch thread. A request that gets
// no answer, 429 or a 5xx is tried again with growing delays while the target's RetryPolicy
// allows (MaximumRetryAttempts, 185 by default; MaximumEventAgeInSeconds, 86400); another 4xx,
// or the end of the retries, sends the event to the target's dead-letter queue.
//
// A parameter value written as a JSON path ("$.detail-type") is read from the event, as AWS's
// dynamic path, header and query parameters are.
//
// CloudEvents out: a target whose HttpParameters.HeaderParameters set Content-Type
// application/cloudevents+json gets the event as a structured CloudEvent; one that sets a
// ce-specversion header gets it in binary mode (events/cloudevent.h maps the event).

#include <algorithm>

#include "core/crypto.h"
#include "events/cloudevent.h"
#include "net/http_client.h"
#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

struct HttpDelivery {
  net::HttpClientRequest request;
  std::string rule_arn;
  Target target;
  std::string body;  // what the dead-letter queue gets
  int attempts = 0;
  int max_attempts = 185;
  std::int64_t deadline_ms = 0;
};

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void set_header(net::HttpClientRequest& request, const std::string& name, std::string value) {
  std::erase_if(request.headers, [&](const auto& h) { return lower(h.first) == lower(name); });
  request.headers.emplace_back(name, std::move(value));
}

// {Key, Value} lists (a connection's) or maps (a target's) of parameters.
void each_parameter(const Value* parameters,
                    const std::function<void(const std::string&, const std::string&)>& take) {
  if (parameters == nullptr) return;
  if (parameters->is_array()) {
    for (const Value& p : parameters->as_array())
      take(string_member(p, "Key"), string_member(p, "Value"));
  } else if (parameters->is_object()) {
    for (const json::Member& m : parameters->members()) {
      take(std::string(m.name()),
           m.value.is_string() ? std::string(m.value.as_string()) : json::to_string(m.value));
    }
  }
}

// A parameter's value, or, for one written as a JSON path ("$.detail.id"), what that path
// selects in the event (AWS's dynamic parameters): its text, or JSON for anything but a string.
std::string resolved(const std::string& value, const Value& event) {
  if (!value.starts_with("$.")) return value;
  auto path = asl::Path::compile(value);
  if (!path) return "";
  asl::Scope scope;
  scope.input = &event;
  auto found = path->evaluate_on(event, scope);
  if (!found) return "";
  return found->is_string() ? std::string(found->as_string()) : json::to_string(*found);
}

std::int64_t policy_value(const Value& target, std::string_view name, std::int64_t fallback) {
  const Value* policy = target.find("RetryPolicy");
  const Value* v = policy != nullptr ? policy->find(name) : nullptr;
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

}  // namespace

void EventBridge::deliver_http(const Rule& rule, const Target& target, const Value& event,
                               std::string body) {
  const HttpResource* destination = nullptr;
  for (const auto& [name, d] : api_destinations) {
    if (d.arn == target.arn) destination = &d;
  }
  if (destination == nullptr) {
    return to_dead_letter(
        rule.arn, target, body,
        Error{"ResourceNotFoundException", "API destination " + target.arn + " does not exist."});
  }
  const HttpResource* connection = nullptr;
  std::string connection_arn = string_member(destination->record, "ConnectionArn");
  for (const auto& [name, c] : connections) {
    if (c.arn == connection_arn) connection = &c;
  }
  auto d = std::make_shared<HttpDelivery>();
  d->rule_arn = rule.arn;
  d->target = target;
  d->body = body;
  d->max_attempts = static_cast<int>(policy_value(target.record, "MaximumRetryAttempts", 185)) + 1;
  d->deadline_ms =
      core.now_ms() + policy_value(target.record, "MaximumEventAgeInSeconds", 86400) * 1000;
  net::HttpClientRequest& request = d->request;
  request.method = string_member(destination->record, "HttpMethod");
  request.timeout_seconds = 5;  // AWS's limit on an API destination's answer
  std::string url = string_member(destination->record, "InvocationEndpoint");
  const Value* http = target.record.find("HttpParameters");
  if (const Value* values = http != nullptr ? http->find("PathParameterValues") : nullptr;
      values != nullptr && values->is_array()) {
    for (const Value& v : values->as_array()) {
      std::size_t star = url.find('*');
      if (star == std::string::npos || !v.is_string()) break;
      std::string part = resolved(std::string(v.as_string()), event);
      url.replace(star, 1, part);
    }
  }
  std::string query;
  auto add_query = [&](const std::string& key, const std::string& value) {
    query += (query.empty() ? "" : "&") + net::url_encode(key) + "=" +
             net::url_encode(resolved(value, event));
  };
  set_header(request, "Content-Type", "application/json; charset=utf-8");
  set_header(request, "User-Agent", "Amazon/EventBridge/ApiDestinations");
  if (connection != nullptr) {
    const Value* auth = connection->record.find("AuthParameters");
    std::string type = string_member(connection->record, "AuthorizationType");
    if (auth != nullptr && type == "API_KEY") {
      const Value* key = auth->find("ApiKeyAuthParameters");
      set_header(request, string_member(*key, "ApiKeyName"), string_member(*key, "ApiKeyValue"));
    } else if (auth != nullptr && type == "BASIC") {
      const Value* basic = auth->find("BasicAuthParameters");
      set_header(request, "Authorization",
                 "Basic " + crypto::base64_encode(string_member(*basic, "Username") + ":" +
                                                  string_member(*basic, "Password")));
    }
    const Value* invocation = auth != nullptr ? auth->find("InvocationHttpParameters") : nullptr;
    if (invocation != nullptr) {
      each_parameter(
          invocation->find("HeaderParameters"),
          [&](const std::string& k, const std::string& v) { set_header(request, k, v); });
      each_parameter(invocation->find("QueryStringParameters"), add_query);
    }
  }
  bool binary_cloudevent = false;
  if (http != nullptr) {
    each_parameter(http->find("HeaderParameters"), [&](const std::string& k, const std::string& v) {
      if (lower(k) == "ce-specversion") binary_cloudevent = true;
      set_header(request, k, resolved(v, event));
    });
    each_parameter(http->find("QueryStringParameters"), add_query);
  }
  request.url =
      url + (query.empty() ? "" : (url.find('?') == std::string::npos ? "?" : "&") + query);
  // CloudEvents out, when the event goes as it is (no Input, InputPath or InputTransformer).
  bool whole_event =
      target.record.find("Input") == nullptr && !target.input_path && !target.transformer;
  std::string content_type;
  for (const auto& [k, v] : request.headers) {
    if (lower(k) == "content-type") content_type = lower(v);
  }
  if (whole_event && binary_cloudevent) {
    auto [headers, payload] = baton::events::binary_http(baton::events::cloudevent_of(event));
    for (auto& [k, v] : headers) set_header(request, k, v);
    body = std::move(payload);
  } else if (whole_event && content_type.starts_with("application/cloudevents+json")) {
    body = json::to_string(baton::events::cloudevent_of(event));
  }
  request.body = std::move(body);
  // Sent once what caused it is committed.
  core.then([this, d] { send_http(d); });
}

void EventBridge::send_http(std::shared_ptr<HttpDelivery> d) {
  ++d->attempts;
  core.run_outbound([this, d] {
    auto answer = net::http_request(d->request);
    core.post([this, d, answer = std::move(answer)] {
      int status = answer ? answer->status : 0;
      if (status >= 200 && status < 300) return;
      bool retryable = status == 0 || status == 429 || status >= 500 || status == 408;
      std::int64_t now = core.now_ms();
      if (retryable && d->attempts < d->max_attempts && now < d->deadline_ms) {
        // 1 s, 2 s, 4 s ... up to 5 minutes between attempts.
        std::int64_t delay =
            std::min<std::int64_t>(300000, 1000LL << std::min(d->attempts - 1, 20));
        return core.at(
            now + delay, [this, d] { send_http(d); }, false);
      }
      Error error = answer ? Error{"SdkClientException",
                                   "HTTP " + std::to_string(status) + " from " + d->request.url}
                           : answer.error();
      to_dead_letter(d->rule_arn, d->target, d->body, error);
    });
  });
}

}  // namespace baton::service::events
