// The query protocol: form-encoded parameters in (Action=SendMessage&QueueUrl=...&
// MessageAttribute.1.Name=...), XML out (<SendMessageResponse><SendMessageResult>...).

#include <cmath>

#include "api/protocol.h"
#include "api/xml.h"
#include "core/crypto.h"

namespace baton::api {

namespace {

using json::Value;
using Form = std::map<std::string, std::string>;

bool has_prefix(const Form& form, const std::string& prefix) {
  auto it = form.lower_bound(prefix);
  return it != form.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

Unexpected<Error> invalid(const std::string& key, const std::string& value, std::string_view what) {
  return fail("InvalidParameterValue",
              "Value (" + value + ") for parameter " + key + " is invalid. " + std::string(what));
}

Result<Value> read(const Shape& shape, const Form& form, const std::string& key, bool flat,
                   int depth);

Result<Value> read_scalar(const Shape& shape, const std::string& key, const std::string& text) {
  switch (shape.type) {
    case ShapeType::String:
      return Value::string(text);
    case ShapeType::Integer:
    case ShapeType::Long: {
      char* end = nullptr;
      long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || end == nullptr || *end != '\0') {
        return invalid(key, text, "Must be an integer.");
      }
      return Value::integer(n);
    }
    case ShapeType::Float:
    case ShapeType::Double: {
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || end == nullptr || *end != '\0' || !std::isfinite(d)) {
        return invalid(key, text, "Must be a number.");
      }
      return Value::number(d);
    }
    case ShapeType::Boolean:
      if (text == "true") return Value::boolean(true);
      if (text == "false") return Value::boolean(false);
      return invalid(key, text, "Must be true or false.");
    case ShapeType::Blob: {
      auto bytes = crypto::base64_decode(text);
      if (!bytes) return invalid(key, text, "Must be base64 text.");
      return Value::string(*bytes);
    }
    case ShapeType::Timestamp: {
      auto t = wire::parse_timestamp(text);
      if (!t) return invalid(key, text, "Must be a timestamp.");
      return Value::number(*t);
    }
    default:
      return invalid(key, text, "");
  }
}

// The name a list's or map's parts travel under.
std::string part_name(const Member& part, std::string_view fallback) {
  return part.location_name.empty() ? std::string(fallback) : part.location_name;
}

Result<Value> read(const Shape& shape, const Form& form, const std::string& key, bool flat,
                   int depth) {
  if (depth > 32) return fail("MalformedQueryString", "Parameters nested too deeply: " + key);
  switch (shape.type) {
    case ShapeType::Structure: {
      json::ObjectBuilder out;
      bool any = false;
      for (const Member& m : shape.members) {
        std::string name = key.empty() ? "" : key + ".";
        name += wire::serialized_name(m);
        bool member_flat = m.flattened || m.shape->flattened;
        bool present = form.count(name) > 0 || has_prefix(form, name + ".");
        if (!present && m.shape->type == ShapeType::List) {
          // An empty flattened list is sent under the member's own name ("Entries=").
          std::string bare = (key.empty() ? "" : key + ".") + m.name;
          auto it = form.find(bare);
          if (it != form.end() && it->second.empty()) {
            out.add(m.name, Value::array({}));
            any = true;
            continue;
          }
        }
        if (!present) continue;
        auto v = read(*m.shape, form, name, member_flat, depth + 1);
        if (!v) return v;
        if (!v->is_null()) {
          out.add(m.name, std::move(*v));
          any = true;
        }
      }
      if (!any && !key.empty() && form.count(key) == 0) return Value();
      return out.build();
    }
    case ShapeType::List: {
      std::string base = flat ? key : key + "." + part_name(shape.element, "member");
      std::vector<Value> items;
      // An empty list is sent as the bare key ("AttributeName=").
      for (int i = 1;; ++i) {
        std::string item = base + "." + std::to_string(i);
        if (form.count(item) == 0 && !has_prefix(form, item + ".")) break;
        auto v = read(*shape.element.shape, form, item, false, depth + 1);
        if (!v) return v;
        items.push_back(std::move(*v));
      }
      return Value::array(std::move(items));
    }
    case ShapeType::Map: {
      std::string base = flat ? key : key + ".entry";
      std::string key_name = part_name(shape.key, "key");
      std::string value_name = part_name(shape.value, "value");
      json::ObjectBuilder out;
      for (int i = 1;; ++i) {
        std::string entry = base + "." + std::to_string(i);
        auto k = form.find(entry + "." + key_name);
        if (k == form.end()) break;
        auto v = read(*shape.value.shape, form, entry + "." + value_name, false, depth + 1);
        if (!v) return v;
        out.add(k->second, std::move(*v));
      }
      return out.build();
    }
    default: {
      auto it = form.find(key);
      if (it == form.end()) return Value();
      return read_scalar(shape, key, it->second);
    }
  }
}

// --- writing ---

void write(std::string& out, const Shape& shape, const Value& value, const std::string& name,
           bool flat);

void write_scalar(std::string& out, const Shape& shape, const Value& value) {
  switch (shape.type) {
    case ShapeType::Blob:
      out += crypto::base64_encode(value.as_string());
      return;
    case ShapeType::Timestamp:
      out += wire::iso8601(value.as_double());
      return;
    case ShapeType::Boolean:
      out += value.as_bool() ? "true" : "false";
      return;
    default:
      if (value.is_string()) {
        xml::escape(out, value.as_string());
      } else {
        out += json::to_string(value);
      }
  }
}

void write_members(std::string& out, const Shape& shape, const Value& value) {
  for (const Member& m : shape.members) {
    if (m.location != Location::Body || m.xml_attribute) continue;
    const Value* v = value.find(m.name);
    if (v == nullptr || v->is_null()) continue;
    write(out, *m.shape, *v, wire::serialized_name(m), m.flattened || m.shape->flattened);
  }
}

void write(std::string& out, const Shape& shape, const Value& value, const std::string& name,
           bool flat) {
  switch (shape.type) {
    case ShapeType::Structure:
      out += "<" + name + ">";
      if (value.is_object()) write_members(out, shape, value);
      out += "</" + name + ">";
      return;
    case ShapeType::List: {
      if (!value.is_array()) return;
      if (flat) {
        for (const Value& item : value.as_array())
          write(out, *shape.element.shape, item, name, false);
        return;
      }
      std::string item_name = part_name(shape.element, "member");
      out += "<" + name + ">";
      for (const Value& item : value.as_array()) {
        write(out, *shape.element.shape, item, item_name, false);
      }
      out += "</" + name + ">";
      return;
    }
    case ShapeType::Map: {
      if (!value.is_object()) return;
      std::string key_name = part_name(shape.key, "key");
      std::string value_name = part_name(shape.value, "value");
      if (!flat) out += "<" + name + ">";
      for (const json::Member& m : value.members()) {
        out += flat ? "<" + name + ">" : std::string("<entry>");
        out += "<" + key_name + ">";
        xml::escape(out, m.name());
        out += "</" + key_name + ">";
        write(out, *shape.value.shape, m.value, value_name, false);
        out += flat ? "</" + name + ">" : std::string("</entry>");
      }
      if (!flat) out += "</" + name + ">";
      return;
    }
    default:
      out += "<" + name + ">";
      write_scalar(out, shape, value);
      out += "</" + name + ">";
  }
}

}  // namespace

Result<Value> decode_query(const Shape* input, const Form& form) {
  if (input == nullptr) return Value::object({});
  auto v = read(*input, form, "", false, 0);
  if (!v) return v;
  return v->is_null() ? Value::object({}) : std::move(*v);
}

namespace wire {

void write_query_response(std::string& out, const Model& model, const Operation& op,
                          const Value& output, const std::string& request_id) {
  out = "<?xml version=\"1.0\"?><" + op.name + "Response xmlns=\"";
  xml::escape(out, model.xml_namespace());
  out += "\">";
  if (op.output != nullptr) {
    std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
    out += "<" + wrapper + ">";
    if (output.is_object()) write_members(out, *op.output, output);
    out += "</" + wrapper + ">";
  }
  out += "<ResponseMetadata><RequestId>";
  xml::escape(out, request_id);
  out += "</RequestId></ResponseMetadata></" + op.name + "Response>";
}

std::string serialized_name(const Member& member) {
  bool flat = member.flattened || member.shape->flattened;
  if (flat && member.shape->type == ShapeType::List &&
      !member.shape->element.location_name.empty()) {
    return member.shape->element.location_name;
  }
  if (!member.location_name.empty()) return member.location_name;
  return member.shape->location_name.empty() ? member.name : member.shape->location_name;
}

// An XML element's members, written as the REST XML protocol writes them (shared with
// protocol_rest.cc: the rules are the query protocol's).
void write_xml_members(std::string& out, const Shape& shape, const Value& value) {
  write_members(out, shape, value);
}

}  // namespace wire

}  // namespace baton::api
