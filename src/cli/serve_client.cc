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
  a.text = response->body;
  auto parsed = json::parse(response->body);
  a.body = parsed ? *parsed : Value::object({});
  return a;
}

}  // namespace

Result<ServeAnswer> ServeClient::rest(const std::string& method, const std::string& path,
                                      const Value& body) {
  net::HttpClientRequest r;
  r.method = method;
  r.url = endpoint_ + path;
  r.headers.emplace_back("Content-Type", "application/json");
  if (!body.is_null()) r.body = json::to_string(body);
  return send(endpoint_, r);
}

Result<ServeAnswer> ServeClient::states(const std::string& operation, const Value& body) {
  return json_api("application/x-amz-json-1.0", "AWSStepFunctions." + operation, body);
}

Result<ServeAnswer> ServeClient::json_api(const char* content_type, const std::string& target,
                                          const Value& body) {
  net::HttpClientRequest r;
  r.method = "POST";
  r.url = endpoint_ + "/";
  r.headers.emplace_back("Content-Type", content_type);
  r.headers.emplace_back("X-Amz-Target", target);
  r.body = json::to_string(body);
  return send(endpoint_, r);
}

Result<ServeAnswer> ServeClient::sqs(const std::string& operation, const Value& body) {
  return json_api("application/x-amz-json-1.0", "AmazonSQS." + operation, body);
}

Result<ServeAnswer> ServeClient::events(const std::string& operation, const Value& body) {
  return json_api("application/x-amz-json-1.1", "AWSEvents." + operation, body);
}

Result<ServeAnswer> ServeClient::sns(
    const std::string& action, const std::vector<std::pair<std::string, std::string>>& parameters) {
  net::HttpClientRequest r;
  r.method = "POST";
  r.url = endpoint_ + "/";
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  // The query protocol names no service: the credential scope of the signature does. baton
  // serve without --auth reads the scope and checks no signature.
  r.headers.emplace_back("Authorization",
                         "AWS4-HMAC-SHA256 Credential=baton/20240101/us-east-1/sns/aws4_request, "
                         "SignedHeaders=host, Signature=0");
  r.body = "Action=" + net::url_encode(action) + "&Version=2010-03-31";
  for (const auto& [name, value] : parameters) {
    r.body += "&" + net::url_encode(name) + "=" + net::url_encode(value);
  }
  return send(endpoint_, r);
}

std::vector<std::string> xml_texts(const ServeAnswer& a, const std::string& tag) {
  std::vector<std::string> texts;
  std::string open = "<" + tag + ">";
  std::string close = "</" + tag + ">";
  for (auto start = a.text.find(open); start != std::string::npos;
       start = a.text.find(open, start)) {
    start += open.size();
    auto end = a.text.find(close, start);
    if (end == std::string::npos) break;
    std::string text = a.text.substr(start, end - start);
    // The five entities XML escapes text with.
    for (auto [entity, c] : {std::pair{"&lt;", "<"},
                             {"&gt;", ">"},
                             {"&quot;", "\""},
                             {"&apos;", "'"},
                             {"&amp;", "&"}}) {
      for (std::size_t at = 0; (at = text.find(entity, at)) != std::string::npos; ++at) {
        text.replace(at, std::string_view(entity).size(), c);
      }
    }
    texts.push_back(std::move(text));
    start = end + close.size();
  }
  return texts;
}

std::string xml_text(const ServeAnswer& a, const std::string& tag) {
  auto texts = xml_texts(a, tag);
  return texts.empty() ? std::string() : std::move(texts.front());
}

std::string message_of(const ServeAnswer& a) {
  for (std::string_view key : {"message", "Message"}) {
    if (const Value* m = a.body.find(key); m != nullptr && m->is_string()) {
      return std::string(m->as_string());
    }
  }
  if (std::string m = xml_text(a, "Message"); !m.empty()) return m;
  return "HTTP " + std::to_string(a.status);
}

std::string string_member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<ServeAnswer> checked_apigateway(ServeClient& client, const std::string& error,
                                       const std::string& where, const std::string& method,
                                       const std::string& path, const Value& body) {
  auto a = client.apigateway(method, path, body);
  if (!a) return a;
  if (a->status >= 300) {
    return fail(error, where + ": " + method + " " + path + ": " + message_of(*a));
  }
  return a;
}

}  // namespace baton::cli
