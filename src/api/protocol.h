#pragma once

// AWS's wire protocols, driven by a service's model: a request read into the value of its
// operation's input shape, an output value or an error written as the protocol writes it.
//
// The value a service sees is the same whatever the protocol: structures and maps are JSON
// objects (members named as the model names them), lists arrays, numbers numbers, booleans
// booleans, strings strings, timestamps epoch seconds (a number), and blobs the raw bytes in a
// string. Decoding converts to it; encoding converts from it.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/model.h"
#include "core/error.h"
#include "core/json.h"
#include "net/http.h"

namespace baton::api {

// The labels of a REST operation's URI ({FunctionName}), decoded.
using Labels = std::vector<std::pair<std::string, std::string>>;

// json 1.0/1.1 and rest-json bodies. Errors: SerializationException.
Result<json::Value> decode_json(const Shape* input, std::string_view body);
// Form parameters (Action=...&QueueUrl=...). Errors: MalformedQueryString, InvalidParameterValue.
Result<json::Value> decode_query(const Shape* input,
                                 const std::map<std::string, std::string>& form);
// rest-json and rest-xml: URI labels, query string, headers and body.
Result<json::Value> decode_rest(const Model& model, const Operation& op, const Labels& labels,
                                const net::HttpRequest& request);

// The operation of a REST model that a method and path name, with its labels; nullptr when
// none does. With `request`, operations whose required headers it lacks are passed over.
const Operation* match_rest(const Model& model, std::string_view method, std::string_view path,
                            const std::map<std::string, std::string>& query, Labels& labels,
                            const net::HttpRequest* request = nullptr);

// `wire`: the protocol the request came in (a model that speaks json and query answers each
// in its own).
net::HttpResponse encode_output(const Model& model, const Operation& op, Protocol wire,
                                const json::Value& output, const std::string& request_id);
net::HttpResponse encode_error(const Model& model, Protocol wire, const Error& error,
                               const std::string& request_id);

// The HTTP status of an error: the model's for a modelled exception, else by what it is.
int error_status(const Model* model, const Error& error, Protocol wire);

// Shared by the codecs.
namespace wire {
// "application/x-amz-json-1.0" (or the model's JSON version).
std::string json_content_type(const Model& model);
// "2026-12-05T10:00:00.123Z" <-> epoch seconds
std::string iso8601(double seconds);
std::string http_date(double seconds);
std::optional<double> parse_timestamp(std::string_view text);
// The JSON text of a value of `shape`, blobs base64-encoded.
void write_json(std::string& out, const Shape& shape, const json::Value& value);
// The query protocol's <OperationResponse> document.
void write_query_response(std::string& out, const Model& model, const Operation& op,
                          const json::Value& output, const std::string& request_id);
// A structure's body members as XML elements (query and rest-xml write them alike).
void write_xml_members(std::string& out, const Shape& shape, const json::Value& value);
// The name a member travels under in a query string or an XML body, as AWS's SDKs name it:
// a flattened list's items take its items' locationName (ReceiveMessage's AttributeName.1,
// ListQueues' <QueueUrl>); else the member's locationName, its shape's (TagQueue's Tag.1.Key),
// or its own name.
std::string serialized_name(const Member& member);
}  // namespace wire

}  // namespace baton::api
