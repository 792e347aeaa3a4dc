#include "cli/serve_client.h"

#include "net/http_client.h"

namespace baton::cli {

using json::Value;

namespace {

Result<ServeAnswer> send(const std::string& endpoint, const net::HttpClientRequest& r) {
  auto response = net::http_request(r);
  if (!response) {
    return fail("Unreachable", "cannot reach baton serve at " + endpoint + ": " +
                                   response.error().cause + " (is it running? --endpoint)");
  }
  ServeAnswer a;
  a.status = response->status;
  auto parsed = json::parse(response->body);
  a.body = parsed ? *parsed : Value::object({});
  return a;
}

}  // namespace

Result<ServeAnswer> ServeClient::lambda(const std::string& method, const std::string& path,
                                        const Value& body) {
  net::HttpClientRequest r;
  r.method = method;
  r.url = endpoint_ + path;
  r.headers.emplace_back("Content-Type", "application/json");
  if (!body.is_null()) r.body = json::to_string(body);
  return send(endpoint_, r);
}

Result<ServeAnswer> ServeClient::states(const std::string& operation, const Value& body) {
  net::HttpClientRequest r;
  r.method = "POST";
  r.url = endpoint_ + "/";
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  r.headers.emplace_back("X-Amz-Target", "AWSStepFunctions." + operation);
  r.body = json::to_string(body);
  return send(endpoint_, r);
}

std::string message_of(const ServeAnswer& a) {
  for (std::string_view key : {"message", "Message"}) {
    if (const Value* m = a.body.find(key); m != nullptr && m->is_string()) {
      return std::string(m->as_string());
    }
  }
  return "HTTP " + std::to_string(a.status);
}

}  // namespace baton::cli
