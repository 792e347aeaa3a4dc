// CORS preflights and headers from an HTTP API's CorsConfiguration.

#include "service/cors.h"

#include <algorithm>

#include "core/text.h"

namespace baton::service {

namespace {

std::vector<std::string> strings(const json::Value& configuration, std::string_view name) {
  std::vector<std::string> out;
  const json::Value* list = configuration.find(name);
  if (list == nullptr || !list->is_array()) return out;
  for (const json::Value& v : list->as_array()) {
    if (v.is_string()) out.emplace_back(v.as_string());
  }
  return out;
}

std::string comma_joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

std::string first_of(const HttpRequestIn& request, std::string_view name) {
  auto values = request.header_values(name);
  return values.empty() ? std::string() : std::string(values.front());
}

}  // namespace

Cors Cors::from(const json::Value& configuration) {
  Cors out;
  out.allow_origins = strings(configuration, "AllowOrigins");
  out.allow_methods = strings(configuration, "AllowMethods");
  out.allow_headers = strings(configuration, "AllowHeaders");
  out.expose_headers = strings(configuration, "ExposeHeaders");
  if (const json::Value* c = configuration.find("AllowCredentials"); c && c->is_bool()) {
    out.allow_credentials = c->as_bool();
  }
  if (const json::Value* m = configuration.find("MaxAge"); m && m->is_int64()) {
    out.max_age = m->as_int64();
  }
  return out;
}

bool Cors::is_preflight(const HttpRequestIn& request) {
  return request.method == "OPTIONS" && !request.header_values("origin").empty() &&
         !request.header_values("access-control-request-method").empty();
}

std::optional<std::string> Cors::allowed_origin(std::string_view origin) const {
  if (origin.empty()) return std::nullopt;
  for (const std::string& allowed : allow_origins) {
    if (allowed == "*") return allow_credentials ? std::string(origin) : std::string("*");
    // Origins compare without regard to case, as browsers send them lower-cased.
    if (ascii_lower(allowed) == ascii_lower(origin)) return std::string(origin);
  }
  return std::nullopt;
}

HttpAnswer Cors::preflight(const HttpRequestIn& request) const {
  HttpAnswer out;
  out.status = 204;
  auto origin = allowed_origin(first_of(request, "origin"));
  if (!origin) return out;
  out.headers.emplace_back("Access-Control-Allow-Origin", *origin);
  if (!allow_methods.empty()) {
    out.headers.emplace_back("Access-Control-Allow-Methods", comma_joined(allow_methods));
  }
  if (!allow_headers.empty()) {
    out.headers.emplace_back("Access-Control-Allow-Headers", comma_joined(allow_headers));
  }
  if (allow_credentials) out.headers.emplace_back("Access-Control-Allow-Credentials", "true");
  if (max_age && *max_age >= 0) {
    out.headers.emplace_back("Access-Control-Max-Age", std::to_string(*max_age));
  }
  return out;
}

void Cors::decorate(const HttpRequestIn& request, HttpAnswer& answer) const {
  std::erase_if(answer.headers, [](const auto& header) {
    return ascii_lower(header.first).starts_with("access-control-");
  });
  auto origin = allowed_origin(first_of(request, "origin"));
  if (!origin) return;
  answer.headers.emplace_back("Access-Control-Allow-Origin", *origin);
  if (!expose_headers.empty()) {
    answer.headers.emplace_back("Access-Control-Expose-Headers", comma_joined(expose_headers));
  }
  if (allow_credentials) answer.headers.emplace_back("Access-Control-Allow-Credentials", "true");
}

}  // namespace baton::service
