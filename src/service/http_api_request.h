#pragma once

// How the HTTP API port hands a request to API Gateway's service: Core::call(kServingService,
// kServeHttpRequest, request) with {"Method", "Path" (percent-encoded, as requested), "Query"
// (after '?', as requested), "Headers" ([[name, value], ...], names lower-cased, in order),
// "Body" (bytes), "SourceIp", "Protocol" ("HTTP/1.1")}, answered {"StatusCode", "Headers"
// ([[name, value], ...]), "Body" (bytes)}. The operation is in no AWS model, so the gateway of
// the AWS APIs never routes to it.

#include <string_view>

namespace baton::service {

// The service that serves requests of the HTTP API port (and Step Functions' apigateway:invoke).
inline constexpr std::string_view kServingService = "apigatewayv2";
inline constexpr std::string_view kServeHttpRequest = "ServeHttpRequest";

}  // namespace baton::service
