// Event source mappings from SQS queues: long polls, batches, invocations, deletes.

#include "service/lambda/sqs_pollers.h"

#include <algorithm>
#include <functional>
#include <set>

#include "core/crypto.h"
#include "service/lambda/destinations.h"
#include "service/lambda/functions.h"

namespace baton::service::lambda {

using json::Value;

namespace {

// SQS's limits: 10 messages a receive or a batch call, long polls of 20 s at most.
constexpr std::int64_t kMaxReceive = 10;
constexpr std::int64_t kMaxWaitSeconds = 20;
constexpr std::int64_t kRetryMs = 1000;
constexpr int kDefaultLanes = 5;

std::int64_t number(const Value& record, std::string_view key, std::int64_t fallback) {
  const Value* v = record.find(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

std::string text(const Value& record, std::string_view key) {
  const Value* v = record.find(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

Value base64_list(const Value* list) {
  std::vector<Value> items;
  if (list != nullptr && list->is_array()) {
    for (const Value& item : list->as_array()) {
      if (item.is_string()) items.push_back(Value::string(crypto::base64_encode(item.as_string())));
    }
  }
  return Value::array(std::move(items));
}

Value string_list(const Value* list) {
  return list != nullptr && list->is_array() ? *list : Value::array({});
}

// A message attribute as Lambda's SQS event spells it.
Value event_attribute(const Value& attribute) {
  json::ObjectBuilder out;
  if (const Value* s = attribute.find("StringValue"); s != nullptr && s->is_string()) {
    out.add("stringValue", *s);
  }
  if (const Value* b = attribute.find("BinaryValue"); b != nullptr && b->is_string()) {
    out.add("binaryValue", Value::string(crypto::base64_encode(b->as_string())));
  }
  out.add("stringListValues", string_list(attribute.find("StringListValues")));
  out.add("binaryListValues", base64_list(attribute.find("BinaryListValues")));
  out.add("dataType", Value::string(text(attribute, "DataType")));
  return out.build();
}

Value event_record(const Value& message, const std::string& queue_arn, const std::string& region) {
  json::ObjectBuilder record;
  record.add("messageId", Value::string(text(message, "MessageId")));
  record.add("receiptHandle", Value::string(text(message, "ReceiptHandle")));
  record.add("body", Value::string(text(message, "Body")));
  json::ObjectBuilder attributes;
  const Value* given = message.find("Attributes");
  // In the order Lambda writes them; FIFO queues add their sequence, group and deduplication.
  for (std::string_view name : {"ApproximateReceiveCount", "AWSTraceHeader", "SentTimestamp",
                                "SequenceNumber", "MessageGroupId", "SenderId",
                                "MessageDeduplicationId", "ApproximateFirstReceiveTimestamp"}) {
    const Value* v = given != nullptr && given->is_object() ? given->find(name) : nullptr;
    if (v != nullptr && v->is_string()) attributes.add(name, *v);
  }
  record.add("attributes", attributes.build());
  json::ObjectBuilder message_attributes;
  if (const Value* m = message.find("MessageAttributes"); m != nullptr && m->is_object()) {
    for (const json::Member& a : m->members()) {
      if (a.value.is_object()) message_attributes.add(a.name(), event_attribute(a.value));
    }
  }
  record.add("messageAttributes", message_attributes.build());
  if (std::string md5 = text(message, "MD5OfMessageAttributes"); !md5.empty()) {
    record.add("md5OfMessageAttributes", Value::string(md5));
  }
  record.add("md5OfBody", Value::string(text(message, "MD5OfBody")));
  record.add("eventSource", Value::string("aws:sqs"));
  record.add("eventSourceARN", Value::string(queue_arn));
  record.add("awsRegion", Value::string(region));
  return record.build();
}

// Entries of a batch call: {Id, ReceiptHandle} (and more from `extra`) for each message.
std::vector<Value> batch_entries(const std::vector<Value>& messages, std::size_t from,
                                 std::size_t to,
                                 const std::function<void(json::ObjectBuilder&)>& extra) {
  std::vector<Value> entries;
  for (std::size_t i = from; i < to; ++i) {
    json::ObjectBuilder entry;
    entry.add("Id", Value::string("m" + std::to_string(i)));
    entry.add("ReceiptHandle", Value::string(text(messages[i], "ReceiptHandle")));
    if (extra) extra(entry);
    entries.push_back(entry.build());
  }
  return entries;
}

// The messages a function answering with ReportBatchItemFailures handled: all but those its
// {"batchItemFailures": [{"itemIdentifier": messageId}]} names. An answer Lambda cannot read (an
// identifier missing, empty or of no message of the batch) fails the whole batch.
std::vector<Value> handled_items(const std::vector<Value>& messages, const std::string& payload) {
  auto parsed = json::parse(payload);
  const Value* failures =
      parsed && parsed->is_object() ? parsed->find("batchItemFailures") : nullptr;
  if (failures == nullptr || failures->is_null()) return messages;
  if (!failures->is_array()) return {};
  std::set<std::string, std::less<>> ids;
  for (const Value& m : messages) ids.insert(text(m, "MessageId"));
  std::set<std::string, std::less<>> failed;
  for (const Value& f : failures->as_array()) {
    std::string id = f.is_object() ? text(f, "itemIdentifier") : "";
    if (id.empty() || !ids.contains(id)) return {};
    failed.insert(id);
  }
  std::vector<Value> handled;
  for (const Value& m : messages) {
    if (!failed.contains(text(m, "MessageId"))) handled.push_back(m);
  }
  return handled;
}

}  // namespace

Value sqs_event(const std::vector<Value>& messages, const std::string& queue_arn,
                const std::string& region) {
  std::vector<Value> records;
  records.reserve(messages.size());
  for (const Value& m : messages) records.push_back(event_record(m, queue_arn, region));
  return json::ObjectBuilder().add("Records", Value::array(std::move(records))).build();
}

void SqsPollers::start(const store::Resource& mapping) {
  const Value& rec = mapping.record;
  Settings s;
  s.uuid = mapping.name;
  s.queue_arn = text(rec, "EventSourceArn");
  s.queue_url = queue_url(s.queue_arn);
  s.function_arn = text(rec, "FunctionArn");
  s.batch_size = number(rec, "BatchSize", 10);
  s.window_ms = number(rec, "MaximumBatchingWindowInSeconds", 0) * 1000;
  if (const Value* types = rec.find("FunctionResponseTypes");
      types != nullptr && types->is_array()) {
    for (const Value& t : types->as_array()) {
      if (t.is_string() && t.as_string() == "ReportBatchItemFailures") s.report_failures = true;
    }
  }
  // Lambda starts with five concurrent batches of a queue; MaximumConcurrency bounds them.
  s.lanes = kDefaultLanes;
  if (const Value* scaling = rec.find("ScalingConfig");
      scaling != nullptr && scaling->is_object()) {
    s.lanes = static_cast<int>(number(*scaling, "MaximumConcurrency", kDefaultLanes));
  }
  s.lanes = std::clamp(s.lanes, 1, kMaxLanes);
  std::uint64_t generation = next_generation_++;
  int lanes = s.lanes;
  std::string uuid = s.uuid;
  running_[uuid] = Running{std::move(s), generation, false};
  for (int i = 0; i < lanes; ++i) poll(mapping.name, generation, Batch{});
}

void SqsPollers::stop(const std::string& uuid) { running_.erase(uuid); }

const SqsPollers::Running* SqsPollers::current(const std::string& uuid,
                                               std::uint64_t generation) const {
  auto it = running_.find(uuid);
  return it != running_.end() && it->second.generation == generation ? &it->second : nullptr;
}

void SqsPollers::poll(const std::string& uuid, std::uint64_t generation, Batch batch) {
  const Running* running = current(uuid, generation);
  if (running == nullptr) return release(batch.queue_url, batch.messages);
  const Settings& s = running->settings;
  Core& core = lambda_.core;
  batch.queue_url = s.queue_url;
  batch.report_failures = s.report_failures;
  std::int64_t wanted =
      std::min(kMaxReceive, s.batch_size - static_cast<std::int64_t>(batch.messages.size()));
  std::int64_t wait = kMaxWaitSeconds;
  if (!batch.messages.empty()) {
    // Within the batching window: wait no longer than what is left of it (whole seconds).
    std::int64_t left = batch.deadline_ms - core.now_ms();
    wait = std::clamp<std::int64_t>((left + 999) / 1000, 0, kMaxWaitSeconds);
  }
  Value all = Value::array({Value::string("All")});
  Value request = json::ObjectBuilder()
                      .add("QueueUrl", Value::string(s.queue_url))
                      .add("MaxNumberOfMessages", Value::integer(wanted))
                      .add("WaitTimeSeconds", Value::integer(wait))
                      .add("AttributeNames", all)
                      .add("MessageSystemAttributeNames", all)
                      .add("MessageAttributeNames", all)
                      .build();
  core.call(
      "sqs", "ReceiveMessage", std::move(request),
      [this, uuid, generation, batch = std::move(batch)](Result<Value> answer) mutable {
        received(uuid, generation, std::move(batch), std::move(answer));
      },
      // A poll whose mapping was stopped or changed is not handed messages.
      [this, uuid, generation] { return current(uuid, generation) == nullptr; });
}

void SqsPollers::received(const std::string& uuid, std::uint64_t generation, Batch batch,
                          Result<Value> answer) {
  const Running* running = current(uuid, generation);
  std::vector<Value> got;
  if (answer) {
    if (const Value* messages = answer->find("Messages");
        messages != nullptr && messages->is_array()) {
      got.assign(messages->as_array().begin(), messages->as_array().end());
    }
  }
  if (running == nullptr) {
    // Stopped while the poll waited: what it took goes back to the queue at once.
    for (Value& m : got) batch.messages.push_back(std::move(m));
    return release(batch.queue_url, batch.messages);
  }
  if (!answer) {
    // Hold on to what was gathered: it goes back to the queue after its visibility timeout.
    return retry_later(uuid, generation, answer.error());
  }
  running_[uuid].warned = false;
  Core& core = lambda_.core;
  if (!got.empty() && batch.messages.empty())
    batch.deadline_ms = core.now_ms() + running->settings.window_ms;
  for (Value& m : got) batch.messages.push_back(std::move(m));
  const Settings& s = running->settings;
  bool full = static_cast<std::int64_t>(batch.messages.size()) >= s.batch_size;
  if (batch.messages.empty()) return poll(uuid, generation, std::move(batch));
  if (!full && s.window_ms > 0 && core.now_ms() < batch.deadline_ms) {
    return poll(uuid, generation, std::move(batch));
  }
  invoke(*running, std::move(batch));
}

void SqsPollers::invoke(const Running& running, Batch batch) {
  Core& core = lambda_.core;
  const Settings& s = running.settings;
  std::string uuid = s.uuid;
  std::uint64_t generation = running.generation;
  auto function = lambda_.function_or_error(s.function_arn);
  if (!function) {
    release(s.queue_url, batch.messages);
    return retry_later(uuid, generation, function.error());
  }
  runtime::InvokeRequest request;
  request.payload =
      json::to_string(sqs_event(batch.messages, s.queue_arn, core.options.partition.region));
  request.invoked_arn = s.function_arn;
  lambda_.functions().invoke(
      function_config(*function), std::move(request),
      [this, uuid, generation, batch = std::move(batch)](runtime::InvokeResult result) mutable {
        lambda_.core.post([this, uuid, generation, batch = std::move(batch),
                           result = std::move(result)]() mutable {
          invoked(uuid, generation, std::move(batch), std::move(result));
        });
      });
}

void SqsPollers::invoked(const std::string& uuid, std::uint64_t generation, Batch batch,
                         runtime::InvokeResult result) {
  // baton is stopping: the messages come back after their visibility timeout.
  if (result.stopped) return;
  if (!result.function_error) {
    std::vector<Value> handled = batch.messages;
    if (batch.report_failures) handled = handled_items(batch.messages, result.payload);
    remove(batch.queue_url, handled);
  }
  if (current(uuid, generation) != nullptr) poll(uuid, generation, Batch{});
}

void SqsPollers::retry_later(const std::string& uuid, std::uint64_t generation, const Error& why) {
  auto it = running_.find(uuid);
  if (it == running_.end() || it->second.generation != generation) return;
  if (!it->second.warned) {
    it->second.warned = true;
    lambda_.core.warn("event source mapping " + uuid + " (" + it->second.settings.queue_arn +
                      " to " + it->second.settings.function_arn + "): " + why.name + ": " +
                      why.cause + "; trying again every second");
  }
  Core& core = lambda_.core;
  core.at(
      core.now_ms() + kRetryMs, [this, uuid, generation] { poll(uuid, generation, Batch{}); },
      false);
}

void SqsPollers::release(const std::string& url, const std::vector<Value>& messages) {
  Core& core = lambda_.core;
  for (std::size_t from = 0; from < messages.size(); from += kMaxReceive) {
    std::size_t to = std::min(messages.size(), from + kMaxReceive);
    auto entries = batch_entries(messages, from, to, [](json::ObjectBuilder& entry) {
      entry.add("VisibilityTimeout", Value::integer(0));
    });
    core.call("sqs", "ChangeMessageVisibilityBatch",
              json::ObjectBuilder()
                  .add("QueueUrl", Value::string(url))
                  .add("Entries", Value::array(std::move(entries)))
                  .build(),
              [](Result<Value>) {});
  }
}

void SqsPollers::remove(const std::string& url, const std::vector<Value>& messages) {
  Core& core = lambda_.core;
  for (std::size_t from = 0; from < messages.size(); from += kMaxReceive) {
    std::size_t to = std::min(messages.size(), from + kMaxReceive);
    core.call("sqs", "DeleteMessageBatch",
              json::ObjectBuilder()
                  .add("QueueUrl", Value::string(url))
                  .add("Entries", Value::array(batch_entries(messages, from, to, {})))
                  .build(),
              [&core, url](Result<Value> answer) {
                if (!answer) {
                  core.warn("deleting handled messages from " + url + ": " + answer.error().cause);
                }
              });
  }
}

}  // namespace baton::service::lambda
