#pragma once

// A REST API method's integration carried out for one request: Lambda proxy integrations
// (payload format 1.0), Lambda and AWS service integrations with mapping templates, and mock
// integrations; the method's answer made of what the integration answered. Internal to
// apigateway/.

#include <functional>

#include "core/json.h"
#include "service/core.h"
#include "service/proxy_event.h"

namespace baton::service::apigateway {

// AWS's: a REST API's integration waits 29 s at most by default.
inline constexpr std::int64_t kRestTimeoutMs = 29'000;

struct MethodCall {
  json::Value method;              // the Method shape, with its methodIntegration
  json::Value binary_media_types;  // the API's binaryMediaTypes
  HttpRequestIn request;           // its path without the stage
  ProxyContext context;            // route_key: the resource id; route_path: the resource path
};

// Carries out `call` and answers `done` once: on the service thread, or on the thread that ran a
// function.
void call_method(Core& core, MethodCall call, std::function<void(const HttpAnswer&)> done);

}  // namespace baton::service::apigateway
