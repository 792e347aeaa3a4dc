// The queue attributes' table: ranges, defaults and refusals as AWS documents them.

#include "service/sqs/queue_attributes.h"

#include <charconv>
#include <optional>

namespace baton::service::sqs {

namespace {

enum class Kind { Integer, Boolean, Text, Choice, Redrive, RedriveAllow };

struct Definition {
  std::string_view name;
  Kind kind;
  std::int64_t min = 0;
  std::int64_t max = 0;
  bool fifo_only = false;
  std::vector<std::string_view> choices = {};
};

const std::vector<Definition>& settable() {
  static const std::vector<Definition> kSettable = {
      {"DelaySeconds", Kind::Integer, 0, kMaxDelaySeconds},
      {"MaximumMessageSize", Kind::Integer, 1024, kMaxMessageSize},
      {"MessageRetentionPeriod", Kind::Integer, 60, 1209600},
      {"ReceiveMessageWaitTimeSeconds", Kind::Integer, 0, kMaxWaitTimeSeconds},
      {"VisibilityTimeout", Kind::Integer, 0, kMaxVisibilityTimeout},
      {"Policy", Kind::Text},
      {"RedrivePolicy", Kind::Redrive},
      {"RedriveAllowPolicy", Kind::RedriveAllow},
      {"FifoQueue", Kind::Boolean},
      {"ContentBasedDeduplication", Kind::Boolean, 0, 0, true},
      {"DeduplicationScope", Kind::Choice, 0, 0, true, {"messageGroup", "queue"}},
      {"FifoThroughputLimit", Kind::Choice, 0, 0, true, {"perQueue", "perMessageGroupId"}},
      {"KmsMasterKeyId", Kind::Text},
      {"KmsDataKeyReusePeriodSeconds", Kind::Integer, 60, 86400},
      {"SqsManagedSseEnabled", Kind::Boolean},
  };
  return kSettable;
}

const Definition* definition(std::string_view name) {
  for (const Definition& d : settable()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::optional<std::int64_t> integer(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

Unexpected<Error> invalid_value(std::string_view name) {
  return fail("InvalidAttributeValue",
              "Invalid value for the parameter " + std::string(name) + ".");
}

Unexpected<Error> invalid_policy(std::string_view name, std::string_view value,
                                 std::string_view reason) {
  return fail("InvalidParameterValue", "Value " + std::string(value) + " for parameter " +
                                           std::string(name) +
                                           " is invalid. Reason: " + std::string(reason));
}

std::optional<std::int64_t> integer_member(const json::Value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_string()) return integer(v.as_string());
  return std::nullopt;
}

Result<RedrivePolicy> read_redrive(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed || !parsed->is_object()) {
    return invalid_policy("RedrivePolicy", text, "Redrive policy is not a valid JSON map.");
  }
  RedrivePolicy p;
  const json::Value* arn = parsed->find("deadLetterTargetArn");
  const json::Value* count = parsed->find("maxReceiveCount");
  for (const json::Member& m : parsed->members()) {
    if (m.name() != "deadLetterTargetArn" && m.name() != "maxReceiveCount") {
      return invalid_policy("RedrivePolicy", text,
                            "Only following attributes are supported: [deadLetterTargetArn, "
                            "maxReceiveCount].");
    }
  }
  if (arn == nullptr || !arn->is_string()) {
    return invalid_policy("RedrivePolicy", text,
                          "Redrive policy does not contain mandatory attribute: "
                          "deadLetterTargetArn.");
  }
  if (count == nullptr) {
    return invalid_policy("RedrivePolicy", text,
                          "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  }
  auto n = integer_member(*count);
  if (!n || *n < 1 || *n > 1000) {
    return invalid_policy("RedrivePolicy", text,
                          "Invalid value for maxReceiveCount: " + json::to_string(*count) +
                              ", valid values are from 1 to 1000 both inclusive.");
  }
  p.dead_letter_target_arn = std::string(arn->as_string());
  p.max_receive_count = *n;
  return p;
}

Result<RedriveAllowPolicy> read_redrive_allow(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed || !parsed->is_object()) {
    return invalid_policy("RedriveAllowPolicy", text,
                          "Redrive allow policy is not a valid JSON map.");
  }
  RedriveAllowPolicy p;
  const json::Value* permission = parsed->find("redrivePermission");
  if (permission == nullptr || !permission->is_string() ||
      (permission->as_string() != "allowAll" && permission->as_string() != "denyAll" &&
       permission->as_string() != "byQueue")) {
    return invalid_policy("RedriveAllowPolicy", text,
                          "Invalid value for redrivePermission. Valid values are allowAll, "
                          "denyAll and byQueue.");
  }
  p.permission = std::string(permission->as_string());
  const json::Value* sources = parsed->find("sourceQueueArns");
  if (sources != nullptr) {
    if (!sources->is_array()) {
      return invalid_policy("RedriveAllowPolicy", text, "sourceQueueArns must be a list.");
    }
    for (const json::Value& s : sources->as_array()) {
      if (!s.is_string()) {
        return invalid_policy("RedriveAllowPolicy", text, "sourceQueueArns must be a list.");
      }
      p.source_queue_arns.emplace_back(s.as_string());
    }
  }
  if (p.permission == "byQueue") {
    if (p.source_queue_arns.empty() || p.source_queue_arns.size() > 10) {
      return invalid_policy("RedriveAllowPolicy", text,
                            "Amazon SQS requires between 1 and 10 sourceQueueArns when "
                            "redrivePermission is byQueue.");
    }
  } else if (sources != nullptr) {
    return invalid_policy("RedriveAllowPolicy", text,
                          "sourceQueueArns can only be given when redrivePermission is byQueue.");
  }
  return p;
}

}  // namespace

Attributes default_attributes(bool fifo) {
  Attributes a = {
      {"DelaySeconds", "0"},
      {"MaximumMessageSize", std::to_string(kMaxMessageSize)},
      {"MessageRetentionPeriod", "345600"},
      {"ReceiveMessageWaitTimeSeconds", "0"},
      {"VisibilityTimeout", "30"},
      {"SqsManagedSseEnabled", "true"},
  };
  if (fifo) {
    a["FifoQueue"] = "true";
    a["ContentBasedDeduplication"] = "false";
    a["DeduplicationScope"] = "queue";
    a["FifoThroughputLimit"] = "perQueue";
  }
  return a;
}

Result<Attributes> apply_attributes(Attributes attributes, const json::Value& given, bool fifo,
                                    bool creating) {
  if (!given.is_object()) return attributes;
  for (const json::Member& m : given.members()) {
    std::string_view name = m.name();
    const Definition* d = definition(name);
    if (d == nullptr || (d->fifo_only && !fifo)) {
      return fail("InvalidAttributeName", "Unknown Attribute " + std::string(name) + ".");
    }
    std::string_view value = m.value.is_string() ? m.value.as_string() : std::string_view();
    switch (d->kind) {
      case Kind::Integer: {
        auto n = integer(value);
        if (!n || *n < d->min || *n > d->max) return invalid_value(name);
        break;
      }
      case Kind::Boolean:
        if (value != "true" && value != "false") return invalid_value(name);
        if (name == "FifoQueue" && (!creating || (value == "true") != fifo)) {
          return invalid_value(name);
        }
        break;
      case Kind::Choice: {
        bool ok = false;
        for (std::string_view c : d->choices) ok = ok || c == value;
        if (!ok) return invalid_value(name);
        break;
      }
      case Kind::Text:
        break;
      case Kind::Redrive:
        if (!value.empty()) {
          auto p = read_redrive(value);
          if (!p) return Unexpected<Error>(p.error());
        }
        break;
      case Kind::RedriveAllow:
        if (!value.empty()) {
          auto p = read_redrive_allow(value);
          if (!p) return Unexpected<Error>(p.error());
        }
        break;
    }
    // An empty policy takes the policy away, as on AWS.
    if (value.empty() &&
        (d->kind == Kind::Text || d->kind == Kind::Redrive || d->kind == Kind::RedriveAllow)) {
      attributes.erase(std::string(name));
    } else {
      attributes[std::string(name)] = std::string(value);
    }
  }
  // AWS: a KMS key and SQS-managed encryption exclude each other; the one given last wins.
  if (given.find("KmsMasterKeyId") != nullptr && attributes.contains("KmsMasterKeyId")) {
    if (given.find("SqsManagedSseEnabled") != nullptr &&
        attributes["SqsManagedSseEnabled"] == "true") {
      return invalid_value("SqsManagedSseEnabled");
    }
    attributes["SqsManagedSseEnabled"] = "false";
    attributes.try_emplace("KmsDataKeyReusePeriodSeconds", "300");
  } else if (given.find("SqsManagedSseEnabled") != nullptr &&
             attributes["SqsManagedSseEnabled"] == "true") {
    attributes.erase("KmsMasterKeyId");
    attributes.erase("KmsDataKeyReusePeriodSeconds");
  }
  if (fifo && attributes["FifoThroughputLimit"] == "perMessageGroupId" &&
      attributes["DeduplicationScope"] != "messageGroup") {
    return fail("InvalidAttributeValue",
                "Invalid value for the parameter FifoThroughputLimit. Reason: "
                "perMessageGroupId is only available with DeduplicationScope messageGroup.");
  }
  return attributes;
}

QueueSettings settings_of(const Attributes& attributes) {
  QueueSettings s;
  auto number = [&](std::string_view name, std::int64_t& out) {
    auto it = attributes.find(std::string(name));
    if (it == attributes.end()) return;
    if (auto n = integer(it->second)) out = *n;
  };
  auto flag = [&](std::string_view name) {
    auto it = attributes.find(std::string(name));
    return it != attributes.end() && it->second == "true";
  };
  number("DelaySeconds", s.delay_seconds);
  number("MaximumMessageSize", s.maximum_message_size);
  number("MessageRetentionPeriod", s.message_retention_period);
  number("ReceiveMessageWaitTimeSeconds", s.receive_message_wait_time_seconds);
  number("VisibilityTimeout", s.visibility_timeout);
  s.fifo = flag("FifoQueue");
  s.content_based_deduplication = flag("ContentBasedDeduplication");
  if (auto it = attributes.find("DeduplicationScope"); it != attributes.end()) {
    s.deduplication_scope_group = it->second == "messageGroup";
  }
  if (auto it = attributes.find("RedrivePolicy"); it != attributes.end()) {
    if (auto p = read_redrive(it->second)) s.redrive = std::move(*p);
  }
  if (auto it = attributes.find("RedriveAllowPolicy"); it != attributes.end()) {
    if (auto p = read_redrive_allow(it->second)) s.redrive_allow = std::move(*p);
  }
  return s;
}

const std::vector<std::string_view>& all_attribute_names() {
  static const std::vector<std::string_view> kAll = {
      "QueueArn",
      "ApproximateNumberOfMessages",
      "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesDelayed",
      "CreatedTimestamp",
      "LastModifiedTimestamp",
      "VisibilityTimeout",
      "MaximumMessageSize",
      "MessageRetentionPeriod",
      "DelaySeconds",
      "ReceiveMessageWaitTimeSeconds",
      "Policy",
      "RedrivePolicy",
      "RedriveAllowPolicy",
      "FifoQueue",
      "ContentBasedDeduplication",
      "DeduplicationScope",
      "FifoThroughputLimit",
      "KmsMasterKeyId",
      "KmsDataKeyReusePeriodSeconds",
      "SqsManagedSseEnabled",
  };
  return kAll;
}

bool known_attribute(std::string_view name) {
  for (std::string_view n : all_attribute_names()) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace baton::service::sqs
