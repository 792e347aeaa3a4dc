// The SQS probe: SendMessage, answered with what the clients check.

#include <algorithm>
#include <random>
#include <vector>

#include "core/crypto.h"
#include "core/random.h"
#include "service/probe/probe.h"

namespace baton::service::probe {

namespace {

void append_length_prefixed(std::string& out, std::string_view bytes) {
  auto n = static_cast<std::uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  out += bytes;
}

std::string_view string_member(const json::Value& object, std::string_view name) {
  const json::Value* v = object.find(name);
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

struct Queue final : EmulatedService {
  explicit Queue(Core& c) : core(c), table{operation("SendMessage", this, &Queue::send_message)} {}

  std::string_view name() const override { return "sqs"; }
  std::string_view title() const override { return "SQS probe"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "ServiceUnavailable"; }

  void send_message(const Request& r, Reply reply) {
    std::string_view body = string_member(r.body(), "MessageBody");
    if (body.empty()) {
      return reply(
          fail("InvalidParameterValue", "The request must contain the parameter MessageBody."));
    }
    if (const json::Value* delay = r.field("DelaySeconds");
        delay != nullptr &&
        (!delay->is_int64() || delay->as_int64() < 0 || delay->as_int64() > 900)) {
      return reply(fail("InvalidParameterValue",
                        "Value " + json::to_string(*delay) +
                            " for parameter DelaySeconds is invalid. Reason: must be between 0 "
                            "and 900, if provided."));
    }
    json::ObjectBuilder out;
    out.add("MessageId", json::Value::string(uuid_v4(random)));
    out.add("MD5OfMessageBody", json::Value::string(crypto::hex_digest(crypto::Digest::MD5, body)));
    if (const json::Value* attributes = r.field("MessageAttributes"); attributes != nullptr) {
      std::string digest = message_attributes_md5(*attributes);
      if (!digest.empty()) out.add("MD5OfMessageAttributes", json::Value::string(digest));
    }
    ++sent;
    core.answer(reply, out.build());
  }

  Core& core;
  std::vector<Operation> table;
  Random random{std::random_device{}()};
  std::uint64_t sent = 0;
};

}  // namespace

std::string message_attributes_md5(const json::Value& attributes) {
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

std::unique_ptr<EmulatedService> make_queue(Core& core) { return std::make_unique<Queue>(core); }

}  // namespace baton::service::probe
