#pragma once

// Parameter mapping of HTTP APIs: the values an integration's RequestParameters and
// ResponseParameters give, as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
// describes them. A value is a static string, one source (`$request.header.name`,
// `$request.body.a.b`, `$context.requestId`, ...), or text with sources in braces
// (`prefix-${request.header.x}`). Parsed when the integration is put (BadRequestException naming
// what is wrong), evaluated for each request. Pure: no I/O.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "service/proxy_event.h"

namespace baton::service::apigateway {

// Where a source reads: a request parameter, the request's body, a context or stage variable,
// or (in ResponseParameters) the integration's answer.
enum class SourceKind {
  RequestHeader,
  RequestQuery,
  RequestPath,  // $request.path: the path without the stage
  RequestPathParameter,
  RequestBody,  // name: a JSONPath below the body ("" for the whole body)
  Context,
  StageVariable,
  ResponseHeader,
  ResponseBody,
};

struct Source {
  SourceKind kind = SourceKind::RequestHeader;
  std::string name;
  std::string text;  // as written, for messages: "$request.header.x"
};

// A mapped value: literal text and sources, in order.
struct MappedValue {
  struct Part {
    std::string literal;
    std::optional<Source> source;
  };
  std::vector<Part> parts;
  bool is_static() const;
};

enum class MappingSide { Request, Response };

// Parses a value. Errors (BadRequestException): a source AWS does not know, or one of the other
// side (`$response...` in a request parameter).
[[nodiscard]] Result<MappedValue> parse_mapped_value(std::string_view text, MappingSide side);

// What a request is evaluated against.
struct MappingInput {
  const HttpRequestIn* request = nullptr;
  const ProxyContext* context = nullptr;
  const HttpAnswer* response = nullptr;  // for ResponseParameters
};

// The value's text, or nothing when a source it reads is not there (a header not sent, a body
// that is no JSON or has no such member). Multiple values of a header or a query string
// parameter are joined with commas, as AWS joins them; a body member that is no string is its
// JSON text.
std::optional<std::string> evaluate(const MappedValue& value, const MappingInput& input);

// Checks an integration's ResponseParameters ({"200": {"overwrite:statuscode": "204", ...}}):
// keys are status codes from 200 to 599; each map's keys are `overwrite:statuscode` or
// `append|overwrite|remove:header.NAME`. Errors: BadRequestException.
[[nodiscard]] Result<void> check_response_parameters(const json::Value& parameters);

// Checks a Lambda or HTTP integration's RequestParameters: keys
// `append|overwrite|remove:header.NAME`, `append|overwrite|remove:querystring.NAME`,
// `overwrite:path`. Errors: BadRequestException.
[[nodiscard]] Result<void> check_request_parameters(const json::Value& parameters);

// The answer with the integration's ResponseParameters for its status applied (headers
// appended, overwritten or removed; the status overwritten).
void apply_response_parameters(const json::Value& parameters, const MappingInput& input,
                               HttpAnswer& answer);

// The request with a Lambda integration's RequestParameters applied (headers and query string
// parameters appended, overwritten or removed; the path overwritten).
void apply_request_parameters(const json::Value& parameters, const MappingInput& input,
                              HttpRequestIn& request);

}  // namespace baton::service::apigateway
