// The events of payload formats 2.0 and 1.0, and the answers made of a function's response.

#include "service/proxy_event.h"

#include <cstdio>
#include <ctime>
#include <map>

#include "core/crypto.h"
#include "core/text.h"
#include "net/http.h"

namespace baton::service {

namespace {

using json::Value;

Value text(std::string_view s) { return Value::string(s); }

bool is_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    auto c = static_cast<unsigned char>(bytes[i]);
    std::size_t extra = 0;
    if (c >= 0x80) {
      if ((c >> 5) == 0x6) {
        extra = 1;
      } else if ((c >> 4) == 0xE) {
        extra = 2;
      } else if ((c >> 3) == 0x1E) {
        extra = 3;
      } else {
        return false;
      }
    }
    if (bytes.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

// The request's body as the event carries it: text, or base64 for binary content.
void add_body(json::ObjectBuilder& out, const HttpRequestIn& request, bool null_when_empty) {
  auto types = request.header_values("content-type");
  std::string_view type = types.empty() ? std::string_view() : types.front();
  bool binary = !request.body.empty() && is_binary(type, request.body);
  if (request.body.empty()) {
    if (null_when_empty) out.add("body", Value::null());
  } else {
    out.add("body", text(binary ? crypto::base64_encode(request.body) : request.body));
  }
  out.add("isBase64Encoded", Value::boolean(binary));
}

// Each name once, in the order first sent, with every value.
std::vector<std::pair<std::string, std::vector<std::string>>> grouped(
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  std::map<std::string, std::size_t> at;
  for (const auto& [name, value] : pairs) {
    auto [it, added] = at.try_emplace(name, out.size());
    if (added) out.emplace_back(name, std::vector<std::string>{});
    out[it->second].second.push_back(value);
  }
  return out;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

Value parameters_value(const Parameters& parameters) {
  json::ObjectBuilder out;
  for (const auto& [name, value] : parameters) out.add(name, text(value));
  return out.build();
}

std::string domain_prefix(std::string_view domain) {
  return std::string(domain.substr(0, domain.find('.')));
}

std::string first_header(const HttpRequestIn& request, std::string_view name) {
  auto values = request.header_values(name);
  return values.empty() ? std::string() : std::string(values.front());
}

// The headers API Gateway adds to what the client sent.
Headers forwarded_headers(const HttpRequestIn& request) {
  Headers out = request.headers;
  if (request.header_values("x-forwarded-for").empty()) {
    out.emplace_back("x-forwarded-for", request.source_ip);
  }
  if (request.header_values("x-forwarded-proto").empty()) {
    out.emplace_back("x-forwarded-proto", "http");
  }
  return out;
}

Unexpected<Error> malformed(const std::string& why) {
  return fail("MalformedResponse", "The function's response is not a proxy response: " + why);
}

std::string header_text(const Value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::to_string(v);
}

// statusCode, headers, multiValueHeaders, cookies (2.0), body and isBase64Encoded.
Result<HttpAnswer> structured(const Value& response, bool v2) {
  HttpAnswer out;
  const Value* status = response.find("statusCode");
  if (status == nullptr || !status->is_number() || status->as_double() < 100 ||
      status->as_double() > 599 ||
      status->as_double() != static_cast<double>(static_cast<int>(status->as_double()))) {
    return malformed("statusCode must be an HTTP status, an integer from 100 to 599");
  }
  out.status = static_cast<int>(status->as_double());
  std::map<std::string, bool> multi;  // lower-cased names multiValueHeaders gives
  if (const Value* m = response.find("multiValueHeaders"); m != nullptr && !m->is_null()) {
    if (!m->is_object()) return malformed("multiValueHeaders must be an object");
    for (const json::Member& h : m->members()) {
      if (h.value.is_null()) continue;
      if (!h.value.is_array())
        return malformed("multiValueHeaders." + std::string(h.name()) + " must be an array");
      multi[ascii_lower(h.name())] = true;
      for (const Value& v : h.value.as_array()) out.headers.emplace_back(h.name(), header_text(v));
    }
  }
  if (const Value* h = response.find("headers"); h != nullptr && !h->is_null()) {
    if (!h->is_object()) return malformed("headers must be an object");
    for (const json::Member& m : h->members()) {
      // Where both give a header, multiValueHeaders' values are the ones kept, as on AWS.
      if (m.value.is_null() || multi.contains(ascii_lower(m.name()))) continue;
      if (m.value.is_object() || m.value.is_array()) {
        return malformed("headers." + std::string(m.name()) + " must be a string");
      }
      out.headers.emplace_back(m.name(), header_text(m.value));
    }
  }
  if (const Value* c = v2 ? response.find("cookies") : nullptr; c != nullptr && !c->is_null()) {
    if (!c->is_array()) return malformed("cookies must be an array of strings");
    for (const Value& cookie : c->as_array()) {
      if (!cookie.is_string()) return malformed("cookies must be an array of strings");
      out.headers.emplace_back("Set-Cookie", std::string(cookie.as_string()));
    }
  }
  bool base64 = false;
  if (const Value* b = response.find("isBase64Encoded"); b != nullptr && !b->is_null()) {
    if (!b->is_bool()) return malformed("isBase64Encoded must be true or false");
    base64 = b->as_bool();
  }
  if (const Value* body = response.find("body"); body != nullptr && !body->is_null()) {
    if (!body->is_string()) return malformed("body must be a string");
    if (base64) {
      auto bytes = crypto::base64_decode(body->as_string());
      if (!bytes) return malformed("isBase64Encoded is true but body is not base64");
      out.body = std::move(*bytes);
    } else {
      out.body = std::string(body->as_string());
    }
  }
  bool typed = false;
  for (const auto& [name, value] : out.headers)
    typed = typed || ascii_lower(name) == "content-type";
  if (!typed) out.headers.emplace_back("Content-Type", "application/json");
  return out;
}

}  // namespace

std::vector<std::string_view> HttpRequestIn::header_values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : headers) {
    if (n == name) out.push_back(v);
  }
  return out;
}

std::string HttpRequestIn::host() const {
  auto hosts = header_values("host");
  std::string out = hosts.empty() ? "localhost" : std::string(hosts.front());
  if (auto colon = out.rfind(':');
      colon != std::string::npos && out.find(']') == std::string::npos) {
    out.resize(colon);
  }
  return out;
}

HttpRequestIn http_request_in(const Value& request) {
  auto member = [&request](std::string_view name) {
    const Value* v = request.find(name);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  HttpRequestIn in;
  in.method = member("Method");
  in.raw_path = member("Path");
  in.raw_query = member("Query");
  in.body = member("Body");
  in.source_ip = member("SourceIp");
  if (std::string protocol = member("Protocol"); !protocol.empty()) in.protocol = protocol;
  if (const Value* headers = request.find("Headers"); headers != nullptr && headers->is_array()) {
    for (const Value& pair : headers->as_array()) {
      if (!pair.is_array() || pair.size() != 2) continue;
      in.headers.emplace_back(pair.as_array()[0].as_string(), pair.as_array()[1].as_string());
    }
  }
  return in;
}

Value http_answer_value(const HttpAnswer& answer) {
  std::vector<Value> headers;
  for (const auto& [name, value] : answer.headers) {
    headers.push_back(Value::array({text(name), text(value)}));
  }
  return json::ObjectBuilder()
      .add("StatusCode", Value::integer(answer.status))
      .add("Headers", Value::array(std::move(headers)))
      .add("Body", Value::string(answer.body))
      .build();
}

bool is_binary(std::string_view content_type, std::string_view body) {
  if (!is_utf8(body)) return true;
  std::string type = ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
  if (type.empty() || type.starts_with("text/")) return false;
  for (std::string_view textual : {"json", "xml", "javascript"}) {
    if (type.find(textual) != std::string::npos) return false;
  }
  return true;
}

std::string request_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char out[64];
  std::snprintf(out, sizeof out, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return out;
}

Value event_v2(const HttpRequestIn& request, const ProxyContext& context) {
  json::ObjectBuilder out;
  out.add("version", text("2.0"));
  out.add("routeKey", text(context.route_key));
  out.add("rawPath", text(request.raw_path));
  out.add("rawQueryString", text(request.raw_query));
  // Cookie headers become `cookies`, one entry a cookie.
  std::vector<Value> cookies;
  for (std::string_view header : request.header_values("cookie")) {
    std::size_t at = 0;
    while (at <= header.size()) {
      std::size_t end = header.find(';', at);
      if (end == std::string_view::npos) end = header.size();
      std::string_view cookie = trim(header.substr(at, end - at));
      if (!cookie.empty()) cookies.push_back(text(cookie));
      at = end + 1;
    }
  }
  if (!cookies.empty()) out.add("cookies", Value::array(std::move(cookies)));
  Headers headers;
  for (const auto& [name, value] : forwarded_headers(request)) {
    if (name != "cookie") headers.emplace_back(name, value);
  }
  json::ObjectBuilder header_object;
  for (const auto& [name, values] : grouped(headers)) header_object.add(name, text(joined(values)));
  out.add("headers", header_object.build());
  if (!request.raw_query.empty()) {
    json::ObjectBuilder query;
    for (const auto& [name, values] : grouped(net::form_pairs(request.raw_query))) {
      query.add(name, text(joined(values)));
    }
    out.add("queryStringParameters", query.build());
  }
  json::ObjectBuilder http;
  http.add("method", text(request.method));
  http.add("path", text(net::url_decode(request.raw_path)));
  http.add("protocol", text(request.protocol));
  http.add("sourceIp", text(request.source_ip));
  http.add("userAgent", text(first_header(request, "user-agent")));
  json::ObjectBuilder rc;
  rc.add("accountId", text(context.account_id));
  rc.add("apiId", text(context.api_id));
  rc.add("domainName", text(context.domain_name));
  rc.add("domainPrefix", text(domain_prefix(context.domain_name)));
  rc.add("http", http.build());
  rc.add("requestId", text(context.request_id));
  rc.add("routeKey", text(context.route_key));
  rc.add("stage", text(context.stage));
  rc.add("time", text(request_time(context.time_ms)));
  rc.add("timeEpoch", Value::integer(context.time_ms));
  out.add("requestContext", rc.build());
  if (!context.path_parameters.empty()) {
    out.add("pathParameters", parameters_value(context.path_parameters));
  }
  if (context.stage_variables.is_object() && context.stage_variables.size() > 0) {
    out.add("stageVariables", context.stage_variables);
  }
  add_body(out, request, false);
  return out.build();
}

Value event_v1(const HttpRequestIn& request, const ProxyContext& context) {
  json::ObjectBuilder out;
  out.add("version", text("1.0"));
  out.add("resource", text(context.route_path));
  std::string path = net::url_decode(request.raw_path);
  out.add("path", text(path));
  out.add("httpMethod", text(request.method));
  json::ObjectBuilder headers, multi_headers;
  for (const auto& [name, values] : grouped(forwarded_headers(request))) {
    headers.add(name, text(values.back()));
    std::vector<Value> all;
    for (const std::string& v : values) all.push_back(text(v));
    multi_headers.add(name, Value::array(std::move(all)));
  }
  out.add("headers", headers.build());
  out.add("multiValueHeaders", multi_headers.build());
  if (request.raw_query.empty()) {
    out.add("queryStringParameters", Value::null());
    out.add("multiValueQueryStringParameters", Value::null());
  } else {
    json::ObjectBuilder query, multi_query;
    for (const auto& [name, values] : grouped(net::form_pairs(request.raw_query))) {
      query.add(name, text(values.back()));
      std::vector<Value> all;
      for (const std::string& v : values) all.push_back(text(v));
      multi_query.add(name, Value::array(std::move(all)));
    }
    out.add("queryStringParameters", query.build());
    out.add("multiValueQueryStringParameters", multi_query.build());
  }
  json::ObjectBuilder identity;
  for (std::string_view none : {"accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
                                "cognitoAuthenticationType", "cognitoIdentityId",
                                "cognitoIdentityPoolId", "principalOrgId"}) {
    identity.add(none, Value::null());
  }
  identity.add("sourceIp", text(request.source_ip));
  identity.add("user", Value::null());
  identity.add("userAgent", text(first_header(request, "user-agent")));
  identity.add("userArn", Value::null());
  json::ObjectBuilder rc;
  rc.add("accountId", text(context.account_id));
  rc.add("apiId", text(context.api_id));
  rc.add("domainName", text(context.domain_name));
  rc.add("domainPrefix", text(domain_prefix(context.domain_name)));
  rc.add("extendedRequestId", text(context.request_id));
  rc.add("httpMethod", text(request.method));
  rc.add("identity", identity.build());
  rc.add("path", text(path));
  rc.add("protocol", text(request.protocol));
  rc.add("requestId", text(context.request_id));
  rc.add("requestTime", text(request_time(context.time_ms)));
  rc.add("requestTimeEpoch", Value::integer(context.time_ms));
  rc.add("resourceId", text(context.route_key));
  rc.add("resourcePath", text(context.route_path));
  rc.add("stage", text(context.stage));
  out.add("requestContext", rc.build());
  out.add("pathParameters", context.path_parameters.empty()
                                ? Value::null()
                                : parameters_value(context.path_parameters));
  out.add("stageVariables",
          context.stage_variables.is_object() && context.stage_variables.size() > 0
              ? context.stage_variables
              : Value::null());
  add_body(out, request, true);
  return out.build();
}

Result<HttpAnswer> answer_v2(std::string_view payload) {
  auto response = json::parse(payload);
  if (!response) return malformed("it is not JSON");
  if (response->is_object() && response->find("statusCode") != nullptr) {
    return structured(*response, true);
  }
  // Anything else is the body of a 200 JSON answer, as API Gateway infers it for 2.0.
  HttpAnswer out;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = response->is_string() ? std::string(response->as_string()) : std::string(payload);
  return out;
}

Result<HttpAnswer> answer_v1(std::string_view payload) {
  auto response = json::parse(payload);
  if (!response) return malformed("it is not JSON");
  if (!response->is_object()) {
    return malformed("payload format 1.0 takes an object with statusCode, headers and body");
  }
  return structured(*response, false);
}

HttpAnswer message_answer(int status, std::string_view message) {
  HttpAnswer out;
  out.status = status;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = json::to_string(json::ObjectBuilder().add("message", text(message)).build());
  return out;
}

}  // namespace baton::service
