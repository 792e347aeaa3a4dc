#include "api/lambda_api.h"

#include <chrono>
#include <cstdio>
#include <map>

#include "core/crypto.h"
#include "core/json.h"

namespace baton::api {

namespace {

// Lambda's exceptions and their HTTP statuses.
int lambda_status(const std::string& name) {
  static const std::map<std::string, int, std::less<>> kStatus = {
      {"ResourceNotFoundException", 404},
      {"ResourceConflictException", 409},
      {"PreconditionFailedException", 412},
      {"RequestTooLargeException", 413},
      {"UnsupportedMediaTypeException", 415},
      {"TooManyRequestsException", 429},
      {"ServiceException", 500},
      {"StoreError", 500},
      {"InvalidRuntimeException", 502},
      {"InvalidZipFileException", 502},
      {"UnknownOperationException", 404},
  };
  auto it = kStatus.find(name);
  return it == kStatus.end() ? 400 : it->second;
}

// Lambda's error shape: {"Type", "message"} (ResourceNotFoundException writes "Message"),
// the name in x-amzn-ErrorType.
net::HttpResponse lambda_error(const Error& e, const std::string& request_id) {
  int status = lambda_status(e.name);
  net::HttpResponse r;
  r.status = status;
  r.header("Content-Type", "application/json");
  r.header("x-amzn-RequestId", request_id);
  r.header("x-amzn-ErrorType", e.name);
  json::ObjectBuilder body;
  body.add("Type", json::Value::string(status >= 500 ? "Service" : "User"));
  body.add(e.name == "ResourceNotFoundException" ? "Message" : "message",
           json::Value::string(e.cause));
  if (e.name == "TooManyRequestsException") {
    // The function's reserved concurrency is 0: every call is throttled.
    r.header("Retry-After", "1");
    body.add("Reason", json::Value::string("ReservedFunctionConcurrentInvocationLimitExceeded"));
  }
  r.body = json::to_string(body.build());
  return r;
}

// "/2015-03-31/functions/NAME/code" -> {"2015-03-31", "functions", "NAME", "code"}.
std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(net::url_decode(path.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

}  // namespace

namespace {

// The operation a method and path name, as Lambda's REST API lays them out.
std::optional<LambdaApi::Route> route(const std::string& method, std::string_view path);

}  // namespace

bool LambdaApi::handles(const net::HttpRequest& request) {
  std::string_view path = request.path();
  return path.starts_with("/2015-03-31/functions") || path.starts_with("/2017-10-31/functions") ||
         path.starts_with("/2019-09-30/functions");
}

void LambdaApi::handle(net::HttpRequest&& request, net::Responder respond,
                       const std::string& request_id) {
  auto found = route(request.method, request.path());
  if (!found) {
    return respond(lambda_error(
        Error{"UnknownOperationException",
              "No Lambda operation at " + request.method + " " + std::string(request.path())},
        request_id));
  }
  std::map<std::string, std::string> query = net::parse_query(request.query());
  if (found->operation == "Invoke")
    return invoke(std::move(request), *found, query, respond, request_id);
  json::Value body = json::Value::object({});
  if (!request.body.empty()) {
    auto parsed = json::parse(request.body);
    if (!parsed || !parsed->is_object()) {
      return respond(lambda_error(
          Error{"InvalidRequestContentException", "Could not parse request body into json"},
          request_id));
    }
    body = std::move(*parsed);
  }
  if (!found->function.empty())
    body = json::with_member(body, "FunctionName", json::Value::string(found->function));
  if (auto q = query.find("Qualifier"); q != query.end()) {
    body = json::with_member(body, "Qualifier", json::Value::string(q->second));
  }
  if (auto m = query.find("Marker"); m != query.end()) {
    body = json::with_member(body, "Marker", json::Value::string(m->second));
  }
  if (auto m = query.find("MaxItems"); m != query.end()) {
    char* end = nullptr;
    long long n = std::strtoll(m->second.c_str(), &end, 10);
    body = json::with_member(
        body, "MaxItems",
        end != nullptr && *end == '\0' ? json::Value::integer(n) : json::Value::string(m->second));
  }
  // Blobs reach the service as raw bytes.
  auto zip_bytes = [](const json::Value& holder) -> std::optional<json::Value> {
    const json::Value* zip = holder.find("ZipFile");
    if (zip == nullptr || !zip->is_string()) return holder;
    auto bytes = crypto::base64_decode(zip->as_string());
    if (!bytes) return std::nullopt;
    return json::with_member(holder, "ZipFile", json::Value::string(*bytes));
  };
  std::optional<json::Value> decoded = body;
  if (found->operation == "CreateFunction") {
    if (const json::Value* code = body.find("Code"); code != nullptr && code->is_object()) {
      auto code_bytes = zip_bytes(*code);
      decoded =
          code_bytes ? std::optional(json::with_member(body, "Code", *code_bytes)) : std::nullopt;
    }
  } else if (found->operation == "UpdateFunctionCode") {
    decoded = zip_bytes(body);
  }
  if (!decoded) {
    return respond(lambda_error(
        Error{"InvalidParameterValueException", "Code.ZipFile is not base64"}, request_id));
  }
  int status = found->status;
  service_.call("lambda", found->operation, std::move(*decoded),
                [respond = std::move(respond), status, request_id](Result<json::Value> r) {
                  if (!r) return respond(lambda_error(r.error(), request_id));
                  net::HttpResponse response;
                  response.status = status;
                  response.header("Content-Type", "application/json");
                  response.header("x-amzn-RequestId", request_id);
                  if (status != 204) response.body = json::to_string(*r);
                  respond(std::move(response));
                });
}

void LambdaApi::invoke(net::HttpRequest&& request, const Route& found,
                       const std::map<std::string, std::string>& query,
                       const net::Responder& respond, const std::string& request_id) {
  json::ObjectBuilder invoke;
  invoke.add("FunctionName", json::Value::string(found.function));
  if (auto q = query.find("Qualifier"); q != query.end()) {
    invoke.add("Qualifier", json::Value::string(q->second));
  }
  auto header = [&](std::string_view header_name, std::string_view member) {
    std::string_view value = request.header(header_name);
    if (!value.empty()) invoke.add(member, json::Value::string(value));
  };
  header("x-amz-invocation-type", "InvocationType");
  header("x-amz-log-type", "LogType");
  header("x-amz-client-context", "ClientContext");
  if (!request.body.empty()) invoke.add("Payload", json::Value::string(request.body));
  service_.call(
      "lambda", "Invoke", invoke.build(), [respond, request_id](Result<json::Value> outcome) {
        if (!outcome) return respond(lambda_error(outcome.error(), request_id));
        auto member = [&](std::string_view name) {
          const json::Value* v = outcome->find(name);
          return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        net::HttpResponse response;
        response.status = static_cast<int>(outcome->find("StatusCode")->as_int64());
        std::string invocation_id = member("RequestId");
        response.header("x-amzn-RequestId", invocation_id.empty() ? request_id : invocation_id);
        if (response.status != 200) return respond(std::move(response));
        response.header("Content-Type", "application/json");
        response.header("X-Amz-Executed-Version", member("ExecutedVersion"));
        if (outcome->find("FunctionError") != nullptr) {
          response.header("X-Amz-Function-Error", member("FunctionError"));
        }
        if (outcome->find("LogResult") != nullptr) {
          response.header("X-Amz-Log-Result", member("LogResult"));
        }
        response.body = member("Payload");
        respond(std::move(response));
      });
}

namespace {

std::optional<LambdaApi::Route> route(const std::string& method, std::string_view path) {
  using Route = LambdaApi::Route;
  std::vector<std::string> s = segments(path);
  if (s.size() < 2 || s[1] != "functions") return std::nullopt;
  const std::string& version = s[0];
  std::string name = s.size() > 2 ? s[2] : "";
  std::string tail = s.size() > 3 ? s[3] : "";
  if (version == "2015-03-31") {
    if (s.size() == 2 && method == "POST") return Route{"CreateFunction", "", 201};
    if (s.size() == 2 && method == "GET") return Route{"ListFunctions", "", 200};
    if (s.size() == 3 && method == "GET") return Route{"GetFunction", name, 200};
    if (s.size() == 3 && method == "DELETE") return Route{"DeleteFunction", name, 204};
    if (s.size() == 4 && tail == "configuration" && method == "GET") {
      return Route{"GetFunctionConfiguration", name, 200};
    }
    if (s.size() == 4 && tail == "configuration" && method == "PUT") {
      return Route{"UpdateFunctionConfiguration", name, 200};
    }
    if (s.size() == 4 && tail == "code" && method == "PUT") {
      return Route{"UpdateFunctionCode", name, 200};
    }
    if (s.size() == 4 && tail == "invocations" && method == "POST") {
      return Route{"Invoke", name, 200};
    }
  }
  if (version == "2017-10-31" && s.size() == 4 && tail == "concurrency") {
    if (method == "PUT") return Route{"PutFunctionConcurrency", name, 200};
    if (method == "DELETE") return Route{"DeleteFunctionConcurrency", name, 204};
  }
  if (version == "2019-09-30" && s.size() == 4 && tail == "concurrency" && method == "GET") {
    return Route{"GetFunctionConcurrency", name, 200};
  }
  return std::nullopt;
}

}  // namespace

}  // namespace baton::api
