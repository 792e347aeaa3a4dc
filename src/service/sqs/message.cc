// The binary encoding of a stored message.

#include "service/sqs/message.h"

#include <vector>

namespace baton::service::sqs {

namespace {

constexpr char kVersion = 1;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_varint(out, bytes.size());
  out += bytes;
}

// Reads what put_* wrote; `ok` turns false at the first thing out of place.
struct Reader {
  std::string_view in;
  bool ok = true;

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in.empty()) break;
      auto byte = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    ok = false;
    return 0;
  }
  std::string_view bytes() {
    std::uint64_t n = varint();
    if (!ok || n > in.size()) {
      ok = false;
      return {};
    }
    std::string_view out = in.substr(0, n);
    in.remove_prefix(n);
    return out;
  }
  json::Value attributes() {
    std::uint64_t count = varint();
    if (!ok || count > in.size()) {
      ok = false;
      return json::Value();
    }
    if (count == 0) return json::Value();
    json::ObjectBuilder out;
    for (std::uint64_t i = 0; i < count && ok; ++i) {
      std::string_view name = bytes();
      std::string_view type = bytes();
      std::string_view value = bytes();
      out.add(name, json::ObjectBuilder()
                        .add("DataType", json::Value::string(type))
                        .add(type.starts_with("Binary") ? "BinaryValue" : "StringValue",
                             json::Value::string(value))
                        .build());
    }
    return out.build();
  }
};

std::string_view string_member(const json::Value& object, std::string_view name) {
  const json::Value* v = object.is_object() ? object.find(name) : nullptr;
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

}  // namespace

std::string message_key(std::uint64_t sequence) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[static_cast<std::size_t>(i)] = static_cast<char>(sequence & 0xff);
    sequence >>= 8;
  }
  return key;
}

std::optional<std::uint64_t> sequence_of_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : key) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

void encode_attributes(std::string& out, const json::Value& attributes) {
  if (!attributes.is_object()) {
    put_varint(out, 0);
    return;
  }
  put_varint(out, attributes.members().size());
  for (const json::Member& m : attributes.members()) {
    std::string_view type = string_member(m.value, "DataType");
    put_bytes(out, m.name());
    put_bytes(out, type);
    put_bytes(out,
              string_member(m.value, type.starts_with("Binary") ? "BinaryValue" : "StringValue"));
  }
}

std::uint32_t message_size(std::string_view body, const json::Value& attributes) {
  std::size_t size = body.size();
  if (attributes.is_object()) {
    for (const json::Member& m : attributes.members()) {
      std::string_view type = string_member(m.value, "DataType");
      size +=
          m.name().size() + type.size() +
          string_member(m.value, type.starts_with("Binary") ? "BinaryValue" : "StringValue").size();
    }
  }
  return static_cast<std::uint32_t>(size);
}

std::string encode_message(const Message& m) {
  std::string out;
  out.reserve(m.body.size() + m.id.size() + 64);
  out += kVersion;
  put_bytes(out, m.id);
  put_bytes(out, m.body);
  encode_attributes(out, m.attributes);
  encode_attributes(out, m.system_attributes);
  put_bytes(out, m.group_id);
  put_bytes(out, m.deduplication_id);
  put_bytes(out, m.dead_letter_source);
  put_varint(out, zigzag(m.sent_ms));
  put_varint(out, zigzag(m.first_receive_ms));
  put_varint(out, zigzag(m.visible_ms));
  put_varint(out, m.receive_count);
  put_varint(out, m.receipt);
  return out;
}

std::optional<Message> decode_message(std::uint64_t sequence, std::string_view value) {
  if (value.empty() || value.front() != kVersion) return std::nullopt;
  Reader r{value.substr(1)};
  Message m;
  m.sequence = sequence;
  m.id = r.bytes();
  m.body = r.bytes();
  m.attributes = r.attributes();
  m.system_attributes = r.attributes();
  m.group_id = r.bytes();
  m.deduplication_id = r.bytes();
  m.dead_letter_source = r.bytes();
  m.sent_ms = unzigzag(r.varint());
  m.first_receive_ms = unzigzag(r.varint());
  m.visible_ms = unzigzag(r.varint());
  m.receive_count = static_cast<std::uint32_t>(r.varint());
  m.receipt = r.varint();
  if (!r.ok || !r.in.empty()) return std::nullopt;
  m.size = message_size(m.body, m.attributes);
  return m;
}

}  // namespace baton::service::sqs
