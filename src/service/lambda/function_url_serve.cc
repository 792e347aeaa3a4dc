// Requests to function URLs on the HTTP API port: the URL the Host names, its AuthType checked,
// CORS from its configuration, the payload format 2.0 event Lambda sends
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html), the function invoked and
// its response answered as payload 2.0's.

#include "core/random.h"
#include "service/cors.h"
#include "service/function_url.h"
#include "service/http_api_request.h"
#include "service/lambda/functions.h"
#include "service/proxy_event.h"

namespace baton::service::lambda {

using json::Value;

namespace {

// Lambda's own answers to a function URL's client: {"Message": message}.
HttpAnswer url_answer(int status, std::string_view message, std::string_view error_type = "") {
  HttpAnswer out;
  out.status = status;
  out.headers.emplace_back("Content-Type", "application/json");
  if (!error_type.empty()) out.headers.emplace_back("x-amzn-ErrorType", std::string(error_type));
  out.body = json::to_string(json::ObjectBuilder().add("Message", Value::string(message)).build());
  return out;
}

// What Lambda answers for a function that failed or answered out of format: a 502 whose body is
// the text "Internal Server Error".
HttpAnswer bad_gateway() {
  HttpAnswer out;
  out.status = 502;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = "Internal Server Error";
  return out;
}

std::string member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// requestContext.authorizer.iam of a signed request, as Lambda fills it for AWS_IAM.
Value iam_authorizer(const std::string& access_key, const std::string& account) {
  Value none;
  return json::ObjectBuilder()
      .add("iam",
           json::ObjectBuilder()
               .add("accessKey", Value::string(access_key))
               .add("accountId", Value::string(account))
               .add("callerId", Value::string(access_key))
               .add("cognitoIdentity", none)
               .add("principalOrgId", none)
               .add("userArn", Value::string("arn:aws:iam::" + account + ":user/" + access_key))
               .add("userId", Value::string(access_key))
               .build())
      .build();
}

}  // namespace

void Lambda::serve_function_url(const Request& r, Reply reply) {
  HttpRequestIn in = http_request_in(r.body());
  std::string request_id = random_uuid();
  auto answer = [&reply, &request_id](HttpAnswer a) {
    a.headers.emplace_back("x-amzn-RequestId", request_id);
    reply(http_answer_value(a));
  };
  std::string domain = in.host();
  auto id = function_url_id_of_host(domain);
  auto found = id ? core.store->resource_by_name(store::Kind::FunctionUrl, *id)
                  : Result<std::optional<store::Resource>>(std::nullopt);
  if (!found) {
    core.warn("function URL " + domain + ": " + found.error().cause);
    return answer(url_answer(500, "Internal Server Error"));
  }
  if (!*found) return answer(url_answer(404, "Not Found"));
  const store::Resource& url = **found;
  bool iam = member(url.record, "AuthType") == "AWS_IAM";
  std::string signature = member(r.body(), "Signature");
  // Signatures are checked only when baton serve takes signed requests alone (--auth sigv4).
  if (iam && signature != "Off" && signature != "Valid") {
    return answer(url_answer(403, "Forbidden", "AccessDeniedException"));
  }
  std::optional<Cors> cors;
  if (const Value* c = url.record.find("Cors"); c != nullptr && c->is_object()) {
    cors = Cors::from(*c);
  }
  if (cors && Cors::is_preflight(in)) return answer(cors->preflight(in));

  ProxyContext context;
  // Lambda's: "anonymous" for a URL anyone may call, the owner's account for AWS_IAM.
  context.account_id = iam ? core.options.partition.account : "anonymous";
  context.api_id = url.name;
  context.domain_name = domain;
  context.stage = "$default";
  context.path = in.raw_path;
  context.route_key = "$default";
  context.route_path = "$default";
  context.request_id = request_id;
  context.time_ms = core.now_ms();
  Value event = event_v2(in, context);
  if (std::string key = member(r.body(), "AccessKey"); iam && !key.empty()) {
    const Value* rc = event.find("requestContext");
    event = json::with_member(
        event, "requestContext",
        json::with_member(*rc, "authorizer", iam_authorizer(key, core.options.partition.account)));
  }
  in.body.clear();  // what CORS reads of the request: its headers
  Core* c = &core;
  std::string where = "function URL " + url.name + " (" + url.arn + ")";
  core.call("lambda", "Invoke",
            json::ObjectBuilder()
                .add("FunctionName", Value::string(url.arn))
                .add("Payload", Value::string(json::to_string(event)))
                .build(),
            [reply = std::move(reply), request_id, cors, in = std::move(in), c,
             where](Result<Value> result) {
              auto finish = [&](HttpAnswer a) {
                if (cors) cors->decorate(in, a);
                a.headers.emplace_back("x-amzn-RequestId", request_id);
                reply(http_answer_value(a));
              };
              if (!result) {
                c->warn(where + ": " + result.error().name + ": " + result.error().cause);
                if (result.error().name == "TooManyRequestsException") {
                  return finish(url_answer(429, "Rate Exceeded.", "TooManyRequestsException"));
                }
                return finish(bad_gateway());
              }
              std::string payload = member(*result, "Payload");
              if (result->find("FunctionError") != nullptr) {
                c->warn(where + ": the function failed: " + payload);
                return finish(bad_gateway());
              }
              auto mapped = answer_v2(payload);
              if (!mapped) {
                c->warn(where + ": " + mapped.error().cause);
                return finish(bad_gateway());
              }
              finish(std::move(*mapped));
            });
}

}  // namespace baton::service::lambda
