// The REST protocols (rest-json: Lambda, Scheduler ...; rest-xml: S3): an operation named by
// method and URI template, its input spread over labels, query string, headers and body.

#include <cmath>
#include <ctime>

#include "api/protocol.h"
#include "api/xml.h"
#include "core/crypto.h"
#include "core/text.h"

namespace baton::api {

namespace {

using json::Value;
using Pairs = std::vector<std::pair<std::string, std::string>>;

Unexpected<Error> bad_value(Protocol protocol, const std::string& where, const std::string& text,
                            std::string_view want) {
  return fail(protocol == Protocol::RestXml ? "InvalidArgument" : "SerializationException",
              "'" + text + "' is not " + std::string(want) + " (" + where + ")");
}

Result<Value> scalar(Protocol protocol, const Shape& shape, const std::string& where,
                     const std::string& text, bool header) {
  switch (shape.type) {
    case ShapeType::Integer:
    case ShapeType::Long: {
      char* end = nullptr;
      long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0') return bad_value(protocol, where, text, "an integer");
      return Value::integer(n);
    }
    case ShapeType::Float:
    case ShapeType::Double: {
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(d)) {
        return bad_value(protocol, where, text, "a number");
      }
      return Value::number(d);
    }
    case ShapeType::Boolean:
      if (text == "true") return Value::boolean(true);
      if (text == "false") return Value::boolean(false);
      return bad_value(protocol, where, text, "true or false");
    case ShapeType::Timestamp: {
      auto t = wire::parse_timestamp(text);
      if (!t && header) {
        // "Sat, 05 Dec 2026 10:00:00 GMT"
        std::tm tm{};
        if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr) {
          t = static_cast<double>(timegm(&tm));
        }
      }
      if (!t) return bad_value(protocol, where, text, "a timestamp");
      return Value::number(*t);
    }
    case ShapeType::Blob:
      if (header) {
        auto bytes = crypto::base64_decode(text);
        if (!bytes) return bad_value(protocol, where, text, "base64 text");
        return Value::string(*bytes);
      }
      return Value::string(text);
    default:
      return Value::string(text);
  }
}

std::string header_text(const Shape& shape, const Value& v) {
  switch (shape.type) {
    case ShapeType::Timestamp:
      return wire::http_date(v.as_double());
    case ShapeType::Blob:
      return crypto::base64_encode(v.as_string());
    case ShapeType::Boolean:
      return v.as_bool() ? "true" : "false";
    default:
      return v.is_string() ? std::string(v.as_string()) : json::to_string(v);
  }
}

// --- XML bodies ---

Result<Value> from_xml(const Shape& shape, const xml::Element& element, int depth);

std::string part_name(const Member& part, std::string_view fallback) {
  return part.location_name.empty() ? std::string(fallback) : part.location_name;
}

Result<Value> list_from(const Shape& shape, const std::vector<const xml::Element*>& items,
                        int depth) {
  std::vector<Value> out;
  for (const xml::Element* item : items) {
    auto v = from_xml(*shape.element.shape, *item, depth + 1);
    if (!v) return v;
    out.push_back(std::move(*v));
  }
  return Value::array(std::move(out));
}

Result<Value> from_xml(const Shape& shape, const xml::Element& element, int depth) {
  if (depth > 32) return fail("MalformedXML", "Elements nested too deeply");
  switch (shape.type) {
    case ShapeType::Structure: {
      json::ObjectBuilder out;
      for (const Member& m : shape.members) {
        if (m.location != Location::Body || m.xml_attribute) continue;
        std::string name = m.location_name.empty() ? m.name : m.location_name;
        bool flat = m.flattened || m.shape->flattened;
        if (m.shape->type == ShapeType::List && flat) {
          std::vector<const xml::Element*> items;
          for (const xml::Element& c : element.children) {
            if (c.name == name) items.push_back(&c);
          }
          if (items.empty()) continue;
          auto v = list_from(*m.shape, items, depth);
          if (!v) return v;
          out.add(m.name, std::move(*v));
          continue;
        }
        const xml::Element* child = element.child(name);
        if (child == nullptr) continue;
        auto v = from_xml(*m.shape, *child, depth + 1);
        if (!v) return v;
        out.add(m.name, std::move(*v));
      }
      return out.build();
    }
    case ShapeType::List: {
      std::string item = part_name(shape.element, "member");
      std::vector<const xml::Element*> items;
      for (const xml::Element& c : element.children) {
        if (c.name == item) items.push_back(&c);
      }
      return list_from(shape, items, depth);
    }
    case ShapeType::Map: {
      json::ObjectBuilder out;
      std::string key = part_name(shape.key, "key");
      std::string value = part_name(shape.value, "value");
      for (const xml::Element& entry : element.children) {
        const xml::Element* k = entry.child(key);
        const xml::Element* v = entry.child(value);
        if (k == nullptr || v == nullptr) continue;
        auto read = from_xml(*shape.value.shape, *v, depth + 1);
        if (!read) return read;
        out.add(k->text, std::move(*read));
      }
      return out.build();
    }
    case ShapeType::Blob: {
      auto bytes = crypto::base64_decode(element.text);
      if (!bytes) return fail("MalformedXML", "<" + element.name + "> is not base64 text");
      return Value::string(*bytes);
    }
    default:
      return scalar(Protocol::RestXml, shape, element.name, element.text, false);
  }
}

Result<Value> body_value(const Model& model, const Shape& shape, std::string_view body) {
  if (model.protocol() == Protocol::RestJson) return decode_json(&shape, body);
  if (body.empty()) return Value::object({});
  auto root = xml::parse(body);
  if (!root) return Unexpected<Error>(root.error());
  return from_xml(shape, *root, 0);
}

bool segment_matches(const Operation::Segment& s, std::string_view path, std::size_t& at,
                     std::string& label) {
  if (!s.label) {
    if (path.compare(at, s.text.size(), s.text) != 0) return false;
    at += s.text.size();
    return true;
  }
  std::size_t end = s.greedy ? path.size() : path.find('/', at);
  if (end == std::string_view::npos) end = path.size();
  if (end == at) return false;
  label = net::url_decode(path.substr(at, end - at));
  at = end;
  return true;
}

}  // namespace

namespace {

// How many of an operation's required header and query members a request carries, or -1 when
// it lacks one: S3's PutObject and CopyObject share "PUT /{Bucket}/{Key+}", and only
// CopyObject requires x-amz-copy-source.
int required_members_present(const Operation& op, const std::map<std::string, std::string>& query,
                             const net::HttpRequest* request) {
  if (op.input == nullptr) return 0;
  int present = 0;
  for (const Member& m : op.input->members) {
    if (!op.input->is_required(m.name)) continue;
    if (m.location == Location::QueryString) {
      if (!query.contains(m.location_name)) return -1;
      ++present;
    } else if (m.location == Location::Header && request != nullptr) {
      if (request->header(m.location_name).empty()) return -1;
      ++present;
    }
  }
  return present;
}

}  // namespace

const Operation* match_rest(const Model& model, std::string_view method, std::string_view path,
                            const std::map<std::string, std::string>& query, Labels& labels,
                            const net::HttpRequest* request) {
  const Operation* best = nullptr;
  std::size_t best_score = 0;
  Labels found;
  for (const Operation* op : model.operations()) {
    if (op->method != method) continue;
    std::size_t at = 0;
    Labels these;
    bool ok = true;
    std::size_t literal = 0;
    for (const Operation::Segment& s : op->path) {
      std::string label;
      if (!segment_matches(s, path, at, label)) {
        ok = false;
        break;
      }
      if (s.label) {
        these.emplace_back(s.text, std::move(label));
      } else {
        literal += s.text.size();
      }
    }
    // "/{Bucket}" also matches "/bucket/" as S3 clients send it.
    if (!ok || (at != path.size() && !(at + 1 == path.size() && path[at] == '/'))) continue;
    std::size_t fixed = 0;
    for (const auto& [key, value] : op->fixed_query) {
      auto q = query.find(key);
      // x-id names the operation for newer clients only: older ones leave it out.
      if (q == query.end() && key == "x-id") continue;
      if (q == query.end() || (!value.empty() && q->second != value)) ok = false;
      ++fixed;
    }
    int required = required_members_present(*op, query, request);
    if (!ok || required < 0) continue;
    // The most specific template wins: its fixed query keys, the required members it found,
    // then its literal text.
    std::size_t score =
        fixed * 100000 + static_cast<std::size_t>(required) * 1000 + literal * 10 + these.size();
    if (best == nullptr || score > best_score) {
      best = op;
      best_score = score;
      found = std::move(these);
    }
  }
  labels = std::move(found);
  return best;
}

Result<Value> decode_rest(const Model& model, const Operation& op, const Labels& labels,
                          const net::HttpRequest& request) {
  if (op.input == nullptr) return Value::object({});
  const Shape& input = *op.input;
  Protocol protocol = model.protocol();
  json::ObjectBuilder out;
  Value body = Value::object({});
  if (!input.payload.empty()) {
    const Member* payload = input.find(input.payload);
    if (payload != nullptr) {
      if (payload->shape->type == ShapeType::Blob || payload->shape->type == ShapeType::String) {
        if (!request.body.empty()) out.add(payload->name, Value::string(request.body));
      } else if (!request.body.empty()) {
        auto v = body_value(model, *payload->shape, request.body);
        if (!v) return v;
        out.add(payload->name, std::move(*v));
      }
    }
  } else {
    auto v = body_value(model, input, request.body);
    if (!v) return v;
    body = std::move(*v);
  }
  Pairs query = net::form_pairs(request.query());
  for (const Member& m : input.members) {
    switch (m.location) {
      case Location::Uri:
        for (const auto& [name, text] : labels) {
          if (name != m.location_name) continue;
          auto v = scalar(protocol, *m.shape, m.name, text, false);
          if (!v) return v;
          out.add(m.name, std::move(*v));
        }
        break;
      case Location::QueryString:
        if (m.shape->type == ShapeType::Map) {
          json::ObjectBuilder all;
          for (const auto& [k, v] : query) all.add(k, Value::string(v));
          out.add(m.name, all.build());
        } else if (m.shape->type == ShapeType::List) {
          std::vector<Value> items;
          for (const auto& [k, text] : query) {
            if (k != m.location_name) continue;
            auto v = scalar(protocol, *m.shape->element.shape, m.name, text, false);
            if (!v) return v;
            items.push_back(std::move(*v));
          }
          if (!items.empty()) out.add(m.name, Value::array(std::move(items)));
        } else {
          for (const auto& [k, text] : query) {
            if (k != m.location_name) continue;
            auto v = scalar(protocol, *m.shape, m.name, text, false);
            if (!v) return v;
            out.add(m.name, std::move(*v));
            break;
          }
        }
        break;
      case Location::Header: {
        std::string_view text = request.header(m.location_name);
        if (text.empty()) break;
        auto v = scalar(protocol, *m.shape, m.location_name, std::string(text), true);
        if (!v) return v;
        out.add(m.name, std::move(*v));
        break;
      }
      case Location::Headers: {
        std::string prefix = ascii_lower(m.location_name);
        json::ObjectBuilder all;
        bool any = false;
        for (const auto& [k, v] : request.headers) {
          if (k.starts_with(prefix)) {
            all.add(k.substr(prefix.size()), Value::string(v));
            any = true;
          }
        }
        if (any) out.add(m.name, all.build());
        break;
      }
      case Location::Body:
        if (const Value* v = body.find(m.name)) out.add(m.name, *v);
        break;
      case Location::StatusCode:
        break;
    }
  }
  return out.build();
}

net::HttpResponse encode_output(const Model& model, const Operation& op, Protocol wire,
                                const Value& output, const std::string& request_id) {
  net::HttpResponse response;
  if (wire == Protocol::Json) {
    response.header("Content-Type", wire::json_content_type(model));
    response.header("x-amzn-RequestId", request_id);
    if (op.output == nullptr) {
      response.body = "{}";
    } else {
      wire::write_json(response.body, *op.output, output);
    }
    return response;
  }
  if (wire == Protocol::Query) {
    response.header("Content-Type", "text/xml");
    response.header("x-amzn-RequestId", request_id);
    wire::write_query_response(response.body, model, op, output, request_id);
    return response;
  }
  bool xml_body = wire == Protocol::RestXml;
  response.status = op.response_code;
  if (xml_body) {
    response.header("x-amz-request-id", request_id);
    response.header("x-amz-id-2", request_id);
  } else {
    response.header("x-amzn-RequestId", request_id);
  }
  bool typed = false;
  if (op.output == nullptr || !output.is_object()) {
    if (!xml_body && response.status != 204) {
      response.header("Content-Type", "application/json");
      response.body = "{}";
    }
    return response;
  }
  const Shape& shape = *op.output;
  json::ObjectBuilder body;
  bool any_body = false;
  for (const Member& m : shape.members) {
    const Value* v = output.find(m.name);
    if (v == nullptr || v->is_null()) continue;
    switch (m.location) {
      case Location::StatusCode:
        response.status = static_cast<int>(v->as_int64());
        break;
      case Location::Header:
        typed = typed || m.location_name == "Content-Type";
        response.header(m.location_name, header_text(*m.shape, *v));
        break;
      case Location::Headers:
        for (const json::Member& h : v->members()) {
          response.header(m.location_name + std::string(h.name()),
                          header_text(*m.shape->value.shape, h.value));
        }
        break;
      default:
        if (m.name == shape.payload) {
          if (m.shape->type == ShapeType::Blob || m.shape->type == ShapeType::String) {
            response.body = std::string(v->as_string());
          } else if (xml_body) {
            std::string name = m.location_name.empty() ? m.shape->name : m.location_name;
            response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + name + ">";
            wire::write_xml_members(response.body, *m.shape, *v);
            response.body += "</" + name + ">";
          } else {
            wire::write_json(response.body, *m.shape, *v);
          }
        } else {
          body.add(m.name, *v);
          any_body = true;
        }
    }
  }
  if (shape.payload.empty() && response.status != 204) {
    Value members = body.build();
    if (xml_body) {
      if (any_body) {
        std::string name = shape.location_name.empty() ? op.name + "Result" : shape.location_name;
        response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + name;
        if (!model.xml_namespace().empty()) {
          response.body += " xmlns=\"";
          xml::escape(response.body, model.xml_namespace());
          response.body += "\"";
        }
        response.body += ">";
        wire::write_xml_members(response.body, shape, members);
        response.body += "</" + name + ">";
      }
    } else {
      wire::write_json(response.body, shape, members);
    }
  }
  if (!typed && !response.body.empty()) {
    response.header("Content-Type", xml_body ? "application/xml" : "application/json");
  }
  return response;
}

}  // namespace baton::api
