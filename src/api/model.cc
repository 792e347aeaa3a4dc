#include "api/model.h"

#include <algorithm>

namespace baton::api {

namespace {

constexpr Protocol kProtocols[] = {Protocol::Json, Protocol::Query, Protocol::RestJson,
                                   Protocol::RestXml};

using json::Value;

std::string text_of(const Value& object, std::string_view key) {
  const Value* v = object.find(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool flag_of(const Value& object, std::string_view key) {
  const Value* v = object.find(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

std::optional<ShapeType> type_named(std::string_view type) {
  static constexpr std::pair<std::string_view, ShapeType> kTypes[] = {
      {"structure", ShapeType::Structure},
      {"list", ShapeType::List},
      {"map", ShapeType::Map},
      {"string", ShapeType::String},
      {"integer", ShapeType::Integer},
      {"long", ShapeType::Long},
      {"float", ShapeType::Float},
      {"double", ShapeType::Double},
      {"boolean", ShapeType::Boolean},
      {"blob", ShapeType::Blob},
      {"timestamp", ShapeType::Timestamp},
  };
  for (const auto& [name, value] : kTypes) {
    if (name == type) return value;
  }
  return std::nullopt;
}

std::optional<Location> location_named(std::string_view location) {
  if (location.empty()) return Location::Body;
  if (location == "header") return Location::Header;
  if (location == "headers") return Location::Headers;
  if (location == "uri") return Location::Uri;
  if (location == "querystring") return Location::QueryString;
  if (location == "statusCode") return Location::StatusCode;
  return std::nullopt;
}

void split_uri(Operation& op) {
  std::string_view uri = op.request_uri;
  std::string_view path = uri.substr(0, uri.find('?'));
  if (uri.find('?') != std::string_view::npos) {
    std::string_view query = uri.substr(uri.find('?') + 1);
    while (!query.empty()) {
      std::string_view pair = query.substr(0, query.find('&'));
      query = pair.size() < query.size() ? query.substr(pair.size() + 1) : std::string_view();
      auto eq = pair.find('=');
      op.fixed_query.emplace_back(std::string(pair.substr(0, eq)),
                                  eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    }
  }
  // "/{Bucket}/{Key+}" -> "/", label Bucket, "/", greedy Key
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t open = path.find('{', i);
    if (open == std::string_view::npos) {
      op.path.push_back({std::string(path.substr(i)), false, false});
      break;
    }
    if (open > i) op.path.push_back({std::string(path.substr(i, open - i)), false, false});
    std::size_t close = path.find('}', open);
    if (close == std::string_view::npos) close = path.size();
    std::string label(path.substr(open + 1, close - open - 1));
    bool greedy = !label.empty() && label.back() == '+';
    if (greedy) label.pop_back();
    op.path.push_back({std::move(label), true, greedy});
    i = close + 1;
  }
}

}  // namespace

std::string_view protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::Json:
      return "json";
    case Protocol::Query:
      return "query";
    case Protocol::RestJson:
      return "rest-json";
    case Protocol::RestXml:
      return "rest-xml";
  }
  return "";
}

const Member* Shape::find(std::string_view member_name) const {
  for (const Member& m : members) {
    if (m.name == member_name) return &m;
  }
  return nullptr;
}

const Member* Shape::find_serialized(std::string_view wire_name) const {
  for (const Member& m : members) {
    if (m.location_name.empty() ? m.name == wire_name : m.location_name == wire_name) return &m;
  }
  return nullptr;
}

bool Shape::is_required(std::string_view member_name) const {
  return std::find(required.begin(), required.end(), member_name) != required.end();
}

void Model::mark_blobs() {
  // A fixpoint over the shape graph, which may be cyclic.
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto& [name, shape] : shapes_) {
      if (shape->holds_blob) continue;
      bool holds = shape->type == ShapeType::Blob;
      for (const Member& m : shape->members) holds = holds || m.shape->holds_blob;
      if (shape->member != nullptr) holds = holds || shape->member->shape->holds_blob;
      if (shape->value.shape != nullptr) holds = holds || shape->value.shape->holds_blob;
      if (holds) {
        shape->holds_blob = true;
        changed = true;
      }
    }
  }
}

void Model::mark_renamed() {
  if (protocol_ != Protocol::RestJson) return;
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto& [name, shape] : shapes_) {
      if (shape->renamed) continue;
      bool renamed = shape->type == ShapeType::Timestamp && shape->timestamp_format == "iso8601";
      for (const Member& m : shape->members) {
        renamed =
            renamed || m.shape->renamed ||
            (m.location == Location::Body && !m.location_name.empty() && m.location_name != m.name);
      }
      if (shape->member != nullptr) renamed = renamed || shape->member->shape->renamed;
      if (shape->value.shape != nullptr) renamed = renamed || shape->value.shape->renamed;
      if (renamed) {
        shape->renamed = true;
        changed = true;
      }
    }
  }
}

const Operation* Model::operation(std::string_view name) const {
  auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

const Shape* Model::shape(std::string_view name) const {
  auto it = shapes_.find(name);
  return it == shapes_.end() ? nullptr : it->second.get();
}

const Shape* Model::exception(std::string_view name) const {
  const Shape* s = shape(name);
  return s != nullptr && s->exception ? s : nullptr;
}

Result<std::shared_ptr<const Model>> Model::parse(std::string_view text,
                                                  std::string_view overrides) {
  auto parsed = json::parse(text);
  if (!parsed) return fail("InvalidModel", "The model is not JSON: " + parsed.error().describe());
  const Value& root = *parsed;
  const Value* metadata = root.find("metadata");
  const Value* shapes = root.find("shapes");
  const Value* operations = root.find("operations");
  if (metadata == nullptr || shapes == nullptr || operations == nullptr || !shapes->is_object() ||
      !operations->is_object()) {
    return fail("InvalidModel", "A model needs metadata, operations and shapes");
  }
  auto model = std::make_shared<Model>();
  std::string protocol = text_of(*metadata, "protocol");
  auto spoken = std::find_if(std::begin(kProtocols), std::end(kProtocols),
                             [&](Protocol p) { return protocol_name(p) == protocol; });
  if (spoken == std::end(kProtocols)) {
    return fail("InvalidModel", "The protocol '" + protocol + "' is not one baton speaks");
  }
  model->protocol_ = *spoken;
  if (const Value* protocols = metadata->find("protocols"); protocols && protocols->is_array()) {
    for (const Value& p : protocols->as_array()) {
      if (p.is_string() && p.as_string() == "query") model->speaks_query_ = true;
    }
  }
  model->speaks_query_ = model->speaks_query_ || model->protocol_ == Protocol::Query;
  model->query_compatible_ = metadata->find("awsQueryCompatible") != nullptr;
  model->endpoint_prefix_ = text_of(*metadata, "endpointPrefix");
  model->signing_name_ = text_of(*metadata, "signingName");
  if (model->signing_name_.empty()) model->signing_name_ = model->endpoint_prefix_;
  model->target_prefix_ = text_of(*metadata, "targetPrefix");
  model->json_version_ = text_of(*metadata, "jsonVersion");
  model->api_version_ = text_of(*metadata, "apiVersion");
  model->xml_namespace_ = text_of(*metadata, "xmlNamespace");
  if (const Value* ns = metadata->find("xmlNamespace"); ns && ns->is_object()) {
    model->xml_namespace_ = text_of(*ns, "uri");
  }
  model->service_id_ = text_of(*metadata, "serviceId");

  // Shapes first (all of them, so members can point at any), then their members.
  for (const json::Member& s : shapes->members()) {
    auto shape = std::make_unique<Shape>();
    shape->name = std::string(s.name());
    auto type = type_named(text_of(s.value, "type"));
    if (!type) {
      return fail("InvalidModel", "Shape " + shape->name + " has an unknown type '" +
                                      text_of(s.value, "type") + "'");
    }
    shape->type = *type;
    model->shapes_.emplace(shape->name, std::move(shape));
  }
  auto read_member = [&](const Value& spec, std::string name, Member& m) -> Expected<void, Error> {
    m.name = std::move(name);
    std::string target = text_of(spec, "shape");
    m.shape = model->shape(target);
    if (m.shape == nullptr) return fail("InvalidModel", "No shape " + target + " for " + m.name);
    auto location = location_named(text_of(spec, "location"));
    if (!location) return fail("InvalidModel", "Member " + m.name + " has an unknown location");
    m.location = *location;
    m.location_name = text_of(spec, "locationName");
    m.query_name = text_of(spec, "queryName");
    m.flattened = flag_of(spec, "flattened");
    m.xml_attribute = flag_of(spec, "xmlAttribute");
    m.idempotency_token = flag_of(spec, "idempotencyToken");
    m.json_value = flag_of(spec, "jsonvalue");
    m.timestamp_format = text_of(spec, "timestampFormat");
    return {};
  };
  for (const json::Member& s : shapes->members()) {
    Shape& shape = *model->shapes_.find(s.name())->second;
    const Value& spec = s.value;
    if (const Value* members = spec.find("members"); members && members->is_object()) {
      shape.members.reserve(members->size());
      for (const json::Member& m : members->members()) {
        shape.members.emplace_back();
        if (auto ok = read_member(m.value, std::string(m.name()), shape.members.back()); !ok) {
          return Unexpected<Error>(ok.error());
        }
      }
    }
    if (const Value* required = spec.find("required"); required && required->is_array()) {
      for (const Value& r : required->as_array()) shape.required.emplace_back(r.as_string());
    }
    // A list's element, a map's key and value.
    for (auto [name, target] :
         {std::pair{"member", &shape.element}, {"key", &shape.key}, {"value", &shape.value}}) {
      const Value* part = spec.find(name);
      if (part == nullptr) continue;
      if (auto ok = read_member(*part, name, *target); !ok) return Unexpected<Error>(ok.error());
    }
    if (spec.find("member") != nullptr) shape.member = &shape.element;
    shape.payload = text_of(spec, "payload");
    shape.flattened = flag_of(spec, "flattened");
    bool counted = shape.type == ShapeType::String || shape.type == ShapeType::List ||
                   shape.type == ShapeType::Map || shape.type == ShapeType::Blob;
    for (auto [key, length, value] :
         {std::tuple{"min", &shape.min, &shape.min_value}, {"max", &shape.max, &shape.max_value}}) {
      const Value* bound = spec.find(key);
      if (bound == nullptr || !bound->is_number()) continue;
      if (counted) {
        *length = static_cast<std::int64_t>(bound->as_double());
      } else {
        *value = bound->as_double();
      }
    }
    if (const Value* values = spec.find("enum"); values && values->is_array()) {
      for (const Value& v : values->as_array()) shape.enum_values.emplace_back(v.as_string());
    }
    shape.pattern = text_of(spec, "pattern");
    if (!shape.pattern.empty()) shape.compiled_pattern = Pattern::compile(shape.pattern);
    shape.sensitive = flag_of(spec, "sensitive");
    shape.exception = flag_of(spec, "exception");
    shape.streaming = flag_of(spec, "streaming");
    shape.timestamp_format = text_of(spec, "timestampFormat");
    shape.location_name = text_of(spec, "locationName");
    if (const Value* error = spec.find("error"); error && error->is_object()) {
      if (const Value* status = error->find("httpStatusCode"); status && status->is_integer()) {
        shape.error_status = static_cast<int>(status->as_int64());
      }
      shape.error_code = text_of(*error, "code");
      if (const Value* fault = error->find("senderFault"); fault && fault->is_bool()) {
        shape.sender_fault = fault->as_bool();
      }
    }
  }
  for (const json::Member& o : operations->members()) {
    Operation op;
    op.name = std::string(o.name());
    if (const Value* http = o.value.find("http"); http && http->is_object()) {
      op.method = text_of(*http, "method");
      op.request_uri = text_of(*http, "requestUri");
      if (const Value* code = http->find("responseCode"); code && code->is_integer()) {
        op.response_code = static_cast<int>(code->as_int64());
      }
    }
    if (const Value* input = o.value.find("input")) {
      op.input = model->shape(text_of(*input, "shape"));
      op.input_location_name = text_of(*input, "locationName");
    }
    if (const Value* output = o.value.find("output")) {
      op.output = model->shape(text_of(*output, "shape"));
      op.result_wrapper = text_of(*output, "resultWrapper");
    }
    split_uri(op);
    auto [it, inserted] = model->operations_.emplace(op.name, std::move(op));
    model->ordered_.push_back(&it->second);
  }
  model->mark_blobs();
  model->mark_renamed();
  if (!overrides.empty()) {
    auto extra = json::parse(overrides);
    if (!extra) return fail("InvalidModel", "The overrides are not JSON");
    if (const Value* changed = extra->find("shapes"); changed && changed->is_object()) {
      for (const json::Member& s : changed->members()) {
        auto it = model->shapes_.find(s.name());
        const Value* values = s.value.find("enum");
        if (it == model->shapes_.end() || values == nullptr || !values->is_array()) continue;
        it->second->enum_values.clear();
        for (const Value& v : values->as_array()) {
          it->second->enum_values.emplace_back(v.as_string());
        }
      }
    }
  }
  return std::shared_ptr<const Model>(std::move(model));
}

}  // namespace baton::api
