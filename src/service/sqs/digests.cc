// SQS's message digests, as AWS computes them.

#include "service/sqs/digests.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/crypto.h"

namespace baton::service::sqs {

namespace {

void append_length_prefixed(std::string& out, std::string_view bytes) {
  auto n = static_cast<std::uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  out += bytes;
}

std::string_view string_member(const json::Value& object, std::string_view name) {
  const json::Value* v = object.is_object() ? object.find(name) : nullptr;
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

}  // namespace

std::string body_md5(std::string_view body) {
  return crypto::hex_digest(crypto::Digest::MD5, body);
}

std::string attributes_md5(const json::Value& attributes) {
  if (!attributes.is_object() || attributes.members().empty()) return "";
  std::vector<const json::Member*> sorted;
  for (const json::Member& m : attributes.members()) sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(),
            [](const json::Member* a, const json::Member* b) { return a->name() < b->name(); });
  std::string encoded;
  for (const json::Member* m : sorted) {
    std::string_view type = string_member(m->value, "DataType");
    append_length_prefixed(encoded, m->name());
    append_length_prefixed(encoded, type);
    if (type.starts_with("Binary")) {
      encoded += '\2';
      append_length_prefixed(encoded, string_member(m->value, "BinaryValue"));
    } else {
      encoded += '\1';
      append_length_prefixed(encoded, string_member(m->value, "StringValue"));
    }
  }
  return crypto::hex_digest(crypto::Digest::MD5, encoded);
}

}  // namespace baton::service::sqs
