// SendMessage and SendMessageBatch.

#include <algorithm>
#include <cstdio>

#include "core/crypto.h"
#include "service/sqs/batch.h"
#include "service/sqs/digests.h"
#include "service/sqs/sqs_service.h"

namespace baton::service::sqs {

namespace {

using json::Value;

std::string_view string_of(const Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

// AWS's characters of a message: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD |
// #x10000 to #x10FFFF, in UTF-8. The first code point that is not one, or -1.
std::int64_t invalid_character(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    std::size_t n = 0;
    if (c < 0x80) {
      cp = c, n = 1;
    } else if ((c & 0xe0) == 0xc0) {
      cp = c & 0x1f, n = 2;
    } else if ((c & 0xf0) == 0xe0) {
      cp = c & 0x0f, n = 3;
    } else if ((c & 0xf8) == 0xf0) {
      cp = c & 0x07, n = 4;
    } else {
      return c;
    }
    if (i + n > text.size()) return c;
    for (std::size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) return c;
      cp = (cp << 6) | (cc & 0x3f);
    }
    bool ok = cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
              (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) return cp;
    i += n;
  }
  return -1;
}

std::string hex_code_point(std::int64_t cp) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "#x%llX", static_cast<unsigned long long>(cp));
  return buf;
}

// AWS's rules for message attributes: at most 10, each with a type of String, Number or Binary
// (optionally ".custom") and a value.
Expected<void, Error> check_attributes(const Value* attributes, bool system) {
  if (attributes == nullptr || !attributes->is_object()) return {};
  if (!system && attributes->members().size() > 10) {
    return fail("InvalidParameterValue", "Number of message attributes [" +
                                             std::to_string(attributes->members().size()) +
                                             "] exceeds the allowed maximum [10].");
  }
  for (const json::Member& m : attributes->members()) {
    std::string name(m.name());
    if (system && name != "AWSTraceHeader") {
      return fail("InvalidParameterValue",
                  "Message system attribute name '" + name + "' is invalid.");
    }
    if (name.empty() || name.size() > 256) {
      return fail("InvalidParameterValue", "Message attribute name '" + name +
                                               "' must be between 1 and 256 characters long.");
    }
    std::string_view type = string_of(m.value.find("DataType"));
    if (type.empty()) {
      return fail("InvalidParameterValue", "The message attribute '" + name +
                                               "' must contain non-empty message attribute "
                                               "type.");
    }
    bool binary = type.starts_with("Binary");
    if (!binary && !type.starts_with("String") && !type.starts_with("Number")) {
      return fail("InvalidParameterValue",
                  "The message attribute '" + name +
                      "' has an invalid message attribute type, the set of supported type "
                      "prefixes is Binary, Number, and String.");
    }
    std::string_view base = binary ? "Binary" : type.substr(0, 6);
    if (type.size() > base.size() && type[base.size()] != '.') {
      return fail("InvalidParameterValue",
                  "The message attribute '" + name +
                      "' has an invalid message attribute type, the set of supported type "
                      "prefixes is Binary, Number, and String.");
    }
    const Value* value = m.value.find(binary ? "BinaryValue" : "StringValue");
    if (value == nullptr || !value->is_string() || value->as_string().empty()) {
      return fail("InvalidParameterValue",
                  "The message attribute '" + name +
                      "' must contain non-empty message attribute value for message attribute "
                      "type '" +
                      std::string(base) + "'.");
    }
    if (!binary) {
      if (std::int64_t bad = invalid_character(value->as_string()); bad >= 0) {
        return fail("InvalidParameterValue",
                    "Invalid binary character '" + hex_code_point(bad) +
                        "' was found in the message attribute '" + name +
                        "' value, the set of allowed characters is #x9 | #xA | #xD | #x20 to "
                        "#xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
      }
    }
    if (type.starts_with("Number") && !binary) {
      std::string_view n = value->as_string();
      double d = 0;
      if (std::sscanf(std::string(n).c_str(), "%lf", &d) != 1) {
        return fail("InvalidParameterValue",
                    "Can't cast the value of message (user) attribute '" + name + "' to a number.");
      }
    }
  }
  return {};
}

// A message's attributes kept as the model shapes them, only the members that carry a value.
Value attributes_kept(const Value* attributes) {
  if (attributes == nullptr || !attributes->is_object() || attributes->members().empty()) {
    return Value();
  }
  json::ObjectBuilder out;
  for (const json::Member& m : attributes->members()) {
    std::string_view type = string_of(m.value.find("DataType"));
    bool binary = type.starts_with("Binary");
    const Value* v = m.value.find(binary ? "BinaryValue" : "StringValue");
    out.add(m.name(), json::ObjectBuilder()
                          .add("DataType", Value::string(type))
                          .add(binary ? "BinaryValue" : "StringValue", v ? *v : Value::string(""))
                          .build());
  }
  return out.build();
}

std::string sequence_number(std::uint64_t sequence) {
  // AWS's SequenceNumber: a large increasing number, 20 digits here.
  char buf[48];
  std::snprintf(buf, sizeof buf, "%020llu",
                static_cast<unsigned long long>(10000000000000000000ull + sequence));
  return buf;
}

}  // namespace

Result<Value> Sqs::send_one(Queue& q, const Value& entry) {
  const Value* body_value = entry.find("MessageBody");
  if (body_value == nullptr || !body_value->is_string()) {
    return fail("MissingParameter", "The request must contain the parameter MessageBody.");
  }
  std::string_view body = body_value->as_string();
  if (body.empty()) {
    return fail("MissingParameter", "The request must contain the parameter MessageBody.");
  }
  if (std::int64_t bad = invalid_character(body); bad >= 0) {
    return fail("InvalidMessageContents",
                "Invalid binary character '" + hex_code_point(bad) +
                    "' was found in the message body, the set of allowed characters is #x9 | #xA "
                    "| #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
  }
  const Value* attributes = entry.find("MessageAttributes");
  const Value* system = entry.find("MessageSystemAttributes");
  if (auto ok = check_attributes(attributes, false); !ok) return Unexpected<Error>(ok.error());
  if (auto ok = check_attributes(system, true); !ok) return Unexpected<Error>(ok.error());
  Value kept = attributes_kept(attributes);
  std::uint32_t size = message_size(body, kept);
  if (size > q.settings.maximum_message_size) {
    return fail("InvalidParameterValue",
                "One or more parameters are invalid. Reason: Message must be shorter than " +
                    std::to_string(q.settings.maximum_message_size) + " bytes.");
  }
  std::int64_t delay = q.settings.delay_seconds;
  if (const Value* d = entry.find("DelaySeconds"); d != nullptr && !d->is_null()) {
    if (!d->is_int64() || d->as_int64() < 0 || d->as_int64() > kMaxDelaySeconds) {
      return fail("InvalidParameterValue", "Value " + json::to_string(*d) +
                                               " for parameter DelaySeconds is invalid. Reason: "
                                               "DelaySeconds must be >= 0 and <= 900.");
    }
    if (q.settings.fifo) {
      return fail("InvalidParameterValue",
                  "Value " + json::to_string(*d) +
                      " for parameter DelaySeconds is invalid. Reason: The request include "
                      "parameter that is not valid for this queue type.");
    }
    delay = d->as_int64();
  }
  std::string group(string_of(entry.find("MessageGroupId")));
  std::string dedup(string_of(entry.find("MessageDeduplicationId")));
  std::int64_t now = core.now_ms();
  if (q.settings.fifo) {
    if (group.empty()) {
      return fail("MissingParameter", "The request must contain the parameter MessageGroupId.");
    }
    if (dedup.empty()) {
      if (!q.settings.content_based_deduplication) {
        return fail("InvalidParameterValue",
                    "The queue should either have ContentBasedDeduplication enabled or "
                    "MessageDeduplicationId provided explicitly");
      }
      dedup = crypto::hex_digest(crypto::Digest::SHA256, body);
    }
    // A duplicate within five minutes is accepted and answered as the first, not sent again.
    std::string key = q.dedup_key(group, dedup);
    if (auto it = q.deduplicated.find(key);
        it != q.deduplicated.end() && it->second.expires_ms > now) {
      json::ObjectBuilder out;
      out.add("MessageId", Value::string(it->second.message_id));
      out.add("MD5OfMessageBody", Value::string(body_md5(body)));
      if (std::string md5 = attributes_md5(kept); !md5.empty()) {
        out.add("MD5OfMessageAttributes", Value::string(md5));
      }
      if (system != nullptr) {
        if (std::string md5 = attributes_md5(*system); !md5.empty()) {
          out.add("MD5OfMessageSystemAttributes", Value::string(md5));
        }
      }
      out.add("SequenceNumber", Value::string(sequence_number(it->second.sequence)));
      return out.build();
    }
  } else {
    dedup.clear();
  }
  Message m;
  m.sequence = q.next_sequence++;
  m.id = uuid_v4(random);
  m.body = std::string(body);
  m.attributes = kept;
  m.system_attributes = attributes_kept(system);
  m.group_id = group;
  m.deduplication_id = dedup;
  m.sent_ms = now;
  m.visible_ms = now + delay * 1000;
  m.size = size;
  if (q.settings.fifo) {
    std::string key = q.dedup_key(group, dedup);
    std::int64_t expires = now + 5 * 60 * 1000;
    q.deduplicated[key] = Deduplicated{expires, m.id, m.sequence};
    q.dedup_expiry.emplace_back(expires, key);
  }
  json::ObjectBuilder out;
  out.add("MessageId", Value::string(m.id));
  out.add("MD5OfMessageBody", Value::string(body_md5(body)));
  if (std::string md5 = attributes_md5(kept); !md5.empty()) {
    out.add("MD5OfMessageAttributes", Value::string(md5));
  }
  if (std::string md5 = attributes_md5(m.system_attributes); !md5.empty()) {
    out.add("MD5OfMessageSystemAttributes", Value::string(md5));
  }
  if (q.settings.fifo) out.add("SequenceNumber", Value::string(sequence_number(m.sequence)));
  stage_message(q, m);
  q.add(std::move(m));
  if (!q.waiters.empty()) {
    if (delay == 0) {
      serve_waiters(q);
    } else {
      schedule_wake(q);
    }
  }
  return out.build();
}

void Sqs::send_message(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  core.answer(reply, send_one(**q, r.body()));
}

void Sqs::send_message_batch(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  auto entries = batch_entries(r, "SendMessageBatchRequestEntry");
  if (!entries) return core.answer(reply, Unexpected<Error>(entries.error()));
  std::size_t total = 0;
  for (const Value* e : *entries) {
    total += string_of(e->find("MessageBody")).size();
    if (const Value* a = e->find("MessageAttributes")) total += message_size("", *a);
  }
  if (total > static_cast<std::size_t>(kMaxMessageSize)) {
    return core.answer(
        reply, fail("BatchRequestTooLong",
                    "Batch requests cannot be longer than " + std::to_string(kMaxMessageSize) +
                        " bytes. You have sent " + std::to_string(total) + " bytes."));
  }
  BatchAnswer answer;
  for (const Value* e : *entries) {
    std::string id(string_of(e->find("Id")));
    auto sent = send_one(**q, *e);
    if (!sent) {
      answer.failed(id, sent.error());
      continue;
    }
    json::ObjectBuilder ok;
    ok.add("Id", Value::string(id));
    for (const json::Member& m : sent->members()) ok.add(m.name(), m.value);
    answer.successful.push_back(ok.build());
  }
  core.answer(reply, answer.build());
}

}  // namespace baton::service::sqs
