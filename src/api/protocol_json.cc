// awsJson 1.0/1.1 (and rest-json bodies): the request body is the input value, but for blobs,
// which travel base64-encoded.

#include "api/protocol.h"
#include "core/crypto.h"

namespace baton::api {

namespace {

using json::Value;

// `value` with every blob of `shape` decoded from base64.
Result<Value> decode_blobs(const Shape& shape, const Value& value, std::string_view where) {
  if (!shape.holds_blob || value.is_null()) return value;
  switch (shape.type) {
    case ShapeType::Blob: {
      if (!value.is_string()) {
        return fail("SerializationException",
                    "Expected base64 text for '" + std::string(where) + "'");
      }
      auto bytes = crypto::base64_decode(value.as_string());
      if (!bytes) {
        return fail("SerializationException",
                    "'" + std::string(where) + "' is not valid base64 text");
      }
      return Value::string(*bytes);
    }
    case ShapeType::Structure: {
      if (!value.is_object()) return value;
      json::ObjectBuilder out;
      for (const json::Member& m : value.members()) {
        const Member* member = shape.find(m.name());
        if (member == nullptr) {
          out.add(m.name(), m.value);
          continue;
        }
        auto decoded = decode_blobs(*member->shape, m.value, member->name);
        if (!decoded) return decoded;
        out.add(m.name(), std::move(*decoded));
      }
      return out.build();
    }
    case ShapeType::List: {
      if (!value.is_array()) return value;
      std::vector<Value> items;
      items.reserve(value.size());
      for (const Value& item : value.as_array()) {
        auto decoded = decode_blobs(*shape.element.shape, item, where);
        if (!decoded) return decoded;
        items.push_back(std::move(*decoded));
      }
      return Value::array(std::move(items));
    }
    case ShapeType::Map: {
      if (!value.is_object()) return value;
      json::ObjectBuilder out;
      for (const json::Member& m : value.members()) {
        auto decoded = decode_blobs(*shape.value.shape, m.value, where);
        if (!decoded) return decoded;
        out.add(m.name(), std::move(*decoded));
      }
      return out.build();
    }
    default:
      return value;
  }
}

// `value` with the members of `shape` named as the model names them rather than as they travel
// (rest-json's locationName: "apiId" -> ApiId).
Value member_names(const Shape& shape, const Value& value) {
  if (!shape.renamed || value.is_null()) return value;
  switch (shape.type) {
    case ShapeType::Structure: {
      if (!value.is_object()) return value;
      json::ObjectBuilder out;
      for (const json::Member& m : value.members()) {
        const Member* member = shape.find_serialized(m.name());
        if (member == nullptr) {
          out.add(m.name(), m.value);
        } else {
          out.add(member->name, member_names(*member->shape, m.value));
        }
      }
      return out.build();
    }
    case ShapeType::List: {
      if (!value.is_array()) return value;
      std::vector<Value> items;
      items.reserve(value.size());
      for (const Value& item : value.as_array()) {
        items.push_back(member_names(*shape.element.shape, item));
      }
      return Value::array(std::move(items));
    }
    case ShapeType::Map: {
      if (!value.is_object()) return value;
      json::ObjectBuilder out;
      for (const json::Member& m : value.members()) {
        out.add(m.name(), member_names(*shape.value.shape, m.value));
      }
      return out.build();
    }
    default:
      return value;
  }
}

}  // namespace

Result<Value> decode_json(const Shape* input, std::string_view body) {
  if (body.empty()) return Value::object({});
  auto parsed = json::parse(body);
  if (!parsed) {
    return fail("SerializationException",
                "The request body is not JSON: " + parsed.error().describe());
  }
  if (!parsed->is_object()) {
    return fail("SerializationException", "The request body must be a JSON object");
  }
  if (input == nullptr) return std::move(*parsed);
  if (input->renamed) return decode_blobs(*input, member_names(*input, *parsed), "");
  return decode_blobs(*input, *parsed, "");
}

}  // namespace baton::api
