#pragma once

// How the HTTP API port hands a request to API Gateway's service: Core::call(kServingService,
// kServeHttpRequest, request) with {"Method", "Path" (percent-encoded, as requested), "Query"
// (after '?', as requested), "Headers" ([[name, value], ...], names lower-cased, in order),
// "Body" (bytes), "SourceIp", "Protocol" ("HTTP/1.1")}, answered {"StatusCode", "Headers"
// ([[name, value], ...]), "Body" (bytes)}. The operation is in no AWS model, so the gateway of
// the AWS APIs never routes to it.
//
// A request whose Host names a Lambda function URL (URL_ID.lambda-url.*) goes instead to
// Core::call("lambda", kServeFunctionUrl, request), the same value with "Signature": "Off" (baton
// serve checks no signatures), "None" (the request is unsigned), "Valid" (a SigV4 signature for
// service lambda that matched; "AccessKey" names its key) or "Invalid".

#include <string_view>

namespace baton::service {

// The service that serves requests of the HTTP API port (and Step Functions' apigateway:invoke).
inline constexpr std::string_view kServingService = "apigatewayv2";
inline constexpr std::string_view kServeHttpRequest = "ServeHttpRequest";
inline constexpr std::string_view kServeFunctionUrl = "ServeFunctionUrl";

}  // namespace baton::service
