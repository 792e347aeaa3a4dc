// `baton deploy` and `baton teardown` of function URLs, through baton serve's Lambda API
// (Create/Update/DeleteFunctionUrlConfig, and AddPermission as SAM adds it for AuthType NONE).

#include "cli/deploy_function_urls.h"

#include <iostream>

#include "net/http_client.h"

namespace baton::cli {

namespace {

using json::Value;

std::string path_of(const service::SamFunctionUrl& url) {
  return "/2021-10-31/functions/" + net::url_encode(url.function_name) + "/url" +
         (url.qualifier.empty() ? "" : "?Qualifier=" + net::url_encode(url.qualifier));
}

Expected<void, Error> deploy_url(ServeClient& client, const service::SamFunctionUrl& url) {
  std::string path = path_of(url);
  auto existing = client.lambda("GET", path, Value());
  if (!existing) return Unexpected<Error>(existing.error());
  Result<ServeAnswer> done = ServeAnswer{};
  std::string verb;
  if (existing->status == 404) {
    done = client.lambda("POST", path, url.config);
    verb = "created";
  } else {
    // An update leaves out nothing the template left out: no Cors there is none here.
    Value config = url.config;
    if (config.find("Cors") == nullptr)
      config = json::with_member(config, "Cors", Value::object({}));
    if (config.find("InvokeMode") == nullptr) {
      config = json::with_member(config, "InvokeMode", Value::string("BUFFERED"));
    }
    done = client.lambda("PUT", path, config);
    verb = "updated";
  }
  if (!done) return Unexpected<Error>(done.error());
  if (done->status >= 300) {
    return fail("DeployFailed",
                url.where + ": function URL of " + url.function_name + ": " + message_of(*done));
  }
  if (string_member(url.config, "AuthType") == "NONE") {
    // The permission SAM adds with a public URL; one there already is kept.
    auto permitted = client.lambda(
        "POST", "/2015-03-31/functions/" + net::url_encode(url.function_name) + "/policy",
        json::ObjectBuilder()
            .add("StatementId", Value::string(url.logical_id + "PublicPermissions"))
            .add("Action", Value::string("lambda:InvokeFunctionUrl"))
            .add("Principal", Value::string("*"))
            .add("FunctionUrlAuthType", Value::string("NONE"))
            .build());
    if (!permitted) return Unexpected<Error>(permitted.error());
  }
  std::cout << "function url " << url.logical_id << " " << verb << ": "
            << string_member(done->body, "FunctionUrl") << " (" << url.function_name << ", "
            << string_member(url.config, "AuthType") << ")\n";
  return {};
}

}  // namespace

Expected<void, Error> deploy_function_urls(ServeClient& client,
                                           const service::SamProject& project) {
  for (const service::SamFunctionUrl& url : project.function_urls) {
    if (auto done = deploy_url(client, url); !done) return done;
  }
  return {};
}

Expected<void, Error> teardown_function_urls(ServeClient& client,
                                             const service::SamProject& project) {
  for (const service::SamFunctionUrl& url : project.function_urls) {
    auto gone = client.lambda("DELETE", path_of(url), Value());
    if (!gone) return Unexpected<Error>(gone.error());
    if (gone->status == 404) {
      std::cout << "function url " << url.logical_id << " is not there\n";
      continue;
    }
    if (gone->status >= 300) {
      return fail("TeardownFailed",
                  url.where + ": function URL of " + url.function_name + ": " + message_of(*gone));
    }
    std::cout << "function url " << url.logical_id << " deleted\n";
  }
  return {};
}

}  // namespace baton::cli
