#pragma once

// An AWS API model (botocore's service-2.json, as AWS publishes it under models/): the
// operations of one service, their HTTP bindings, and the shapes of their requests, responses
// and errors. The protocol layer reads and writes requests by it; nothing here does I/O.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/java_pattern.h"
#include "core/json.h"

namespace baton::api {

enum class Protocol { Json, Query, RestJson, RestXml };

// The name a model's metadata gives a protocol: "json", "query", "rest-json", "rest-xml".
std::string_view protocol_name(Protocol protocol);

enum class ShapeType {
  Structure,
  List,
  Map,
  String,
  Integer,
  Long,
  Float,
  Double,
  Boolean,
  Blob,
  Timestamp,
};

// Where a member travels in a REST request or response.
enum class Location { Body, Header, Headers, Uri, QueryString, StatusCode };

struct Shape;

struct Member {
  std::string name;
  const Shape* shape = nullptr;
  Location location = Location::Body;
  std::string location_name;  // the header, URI label, query key, XML element or query key
  std::string query_name;     // the ec2 protocol's name; unused by the others
  bool flattened = false;
  bool xml_attribute = false;
  bool idempotency_token = false;
  bool json_value = false;  // a header carrying base64 JSON
  std::string timestamp_format;
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::String;
  std::vector<Member> members;  // a structure's, in the model's order
  std::vector<std::string> required;
  std::string payload;             // the member that is the whole REST body, or ""
  const Member* member = nullptr;  // a list's element (a Member for its locationName)
  Member element;                  // storage for `member`
  Member key, value;               // a map's
  bool flattened = false;
  std::optional<std::int64_t> min, max;        // length for strings, lists, maps, blobs
  std::optional<double> min_value, max_value;  // integers and numbers
  std::vector<std::string> enum_values;
  std::string pattern;
  std::shared_ptr<const Pattern> compiled_pattern;  // of `pattern`; nullptr: none, or unreadable
  bool sensitive = false;
  bool exception = false;
  bool streaming = false;
  int error_status = 0;    // an exception's HTTP status, from its `error` trait
  std::string error_code;  // its query-compatible code (AWS.SimpleQueueService.NonExistentQueue)
  bool sender_fault = true;
  std::string timestamp_format;
  std::string location_name;  // a structure's XML element name
  bool holds_blob = false;    // a blob somewhere inside: the JSON codecs must convert
  // rest-json only: a body member inside travels under its locationName ("apiId" for ApiId), or
  // a timestamp inside is written as ISO 8601 text: the JSON codecs must convert.
  bool renamed = false;

  const Member* find(std::string_view member) const;
  // A member by the name it travels under in the body (locationName or its own).
  const Member* find_serialized(std::string_view name) const;
  bool is_required(std::string_view member) const;
};

struct Operation {
  std::string name;
  std::string method;       // HTTP method
  std::string request_uri;  // "/2015-03-31/functions/{FunctionName}/invocations?..."
  int response_code = 200;
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::string result_wrapper;       // the query protocol's <...Result> element
  std::string input_location_name;  // rest-xml's root element of a body input, if any
  // The URI template split: literal segments and labels ({Name} or greedy {Key+}).
  struct Segment {
    std::string text;
    bool label = false;
    bool greedy = false;
  };
  std::vector<Segment> path;
  std::vector<std::pair<std::string, std::string>> fixed_query;  // "?uploads", "?x-id=GetObject"
};

class Model {
 public:
  // Parses a service-2.json. Errors: what is malformed, at which shape.
  // `overrides` ({"shapes": {NAME: {"enum": [...]}}}) replaces an enum's list where AWS's
  // messages print its values in another order than the model lists them.
  static Result<std::shared_ptr<const Model>> parse(std::string_view text,
                                                    std::string_view overrides = {});

  Protocol protocol() const { return protocol_; }
  // Also speaks query (SQS, whose older clients send form-encoded requests).
  bool speaks_query() const { return speaks_query_; }
  bool query_compatible() const { return query_compatible_; }
  const std::string& signing_name() const { return signing_name_; }
  const std::string& endpoint_prefix() const { return endpoint_prefix_; }
  const std::string& target_prefix() const { return target_prefix_; }
  const std::string& json_version() const { return json_version_; }
  const std::string& api_version() const { return api_version_; }
  const std::string& xml_namespace() const { return xml_namespace_; }
  const std::string& service_id() const { return service_id_; }

  const Operation* operation(std::string_view name) const;
  const std::vector<const Operation*>& operations() const { return ordered_; }
  const Shape* shape(std::string_view name) const;
  // The exception shape named `name`, if the model declares it.
  const Shape* exception(std::string_view name) const;

 private:
  void mark_blobs();
  void mark_renamed();

  Protocol protocol_ = Protocol::Json;
  bool speaks_query_ = false;
  bool query_compatible_ = false;
  std::string signing_name_, endpoint_prefix_, target_prefix_, json_version_, api_version_,
      xml_namespace_, service_id_;
  std::map<std::string, std::unique_ptr<Shape>, std::less<>> shapes_;
  std::map<std::string, Operation, std::less<>> operations_;
  std::vector<const Operation*> ordered_;
};

// The models baton carries in its binary (models/*.json), by file name ("sqs").
std::optional<std::string_view> embedded_model(std::string_view name);

}  // namespace baton::api
