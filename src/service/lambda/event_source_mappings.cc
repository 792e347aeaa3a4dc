// Lambda's event source mappings from SQS queues: Create/Get/List/Update/
// DeleteEventSourceMapping. Kept as store::Kind::EventSourceMapping (its name the UUID, its
// parent the function's ARN); polled by SqsPollers while enabled.

#include <algorithm>

#include "core/crypto.h"
#include "core/random.h"
#include "service/lambda/destinations.h"
#include "service/lambda/functions.h"

namespace baton::service::lambda {

using json::Value;

namespace {

Unexpected<Error> invalid(const std::string& message) {
  return fail("InvalidParameterValueException", message);
}

// Lambda's defaults for SQS.
constexpr std::int64_t kDefaultBatchSize = 10;
constexpr std::int64_t kMaxBatchWithoutWindow = 10;

std::string text(const Value& record, std::string_view key) {
  const Value* v = record.find(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

std::int64_t number(const Value& record, std::string_view key, std::int64_t fallback) {
  const Value* v = record.find(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

bool fifo(std::string_view queue_arn) { return queue_arn.ends_with(".fifo"); }

// The mapping as Lambda shows it: the record without what baton keeps for itself.
Value shown_mapping(const store::Resource& mapping) {
  json::ObjectBuilder out;
  for (const json::Member& m : mapping.record.members()) {
    if (m.name() == "lastModifiedMs") {
      out.add("LastModified", epoch(m.value.as_int64()));
    } else {
      out.add(m.name(), m.value);
    }
  }
  return out.build();
}

Value with_state(const Value& record, std::string_view state) {
  return json::with_member(record, "State", Value::string(state));
}

// Checks the settings of an SQS mapping as Lambda does: BatchSize up to 10 without a batching
// window (and for FIFO queues, which take no window), up to 10,000 with one.
Expected<void, Error> check_settings(const Value& record) {
  std::string queue = text(record, "EventSourceArn");
  std::int64_t batch = number(record, "BatchSize", kDefaultBatchSize);
  std::int64_t window = number(record, "MaximumBatchingWindowInSeconds", 0);
  if (fifo(queue) && window > 0) return invalid("Batching window is not supported for FIFO queues");
  if (fifo(queue) && batch > kMaxBatchWithoutWindow) {
    return invalid("Batch size must not exceed 10 for FIFO queues");
  }
  if (batch > kMaxBatchWithoutWindow && window == 0) {
    return invalid(
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater "
        "than 10");
  }
  return {};
}

// Members for streams and Kafka that an SQS mapping does not take.
Expected<void, Error> check_sqs_only(const Request& r) {
  for (std::string_view key :
       {"StartingPosition", "StartingPositionTimestamp", "ParallelizationFactor",
        "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError", "MaximumRetryAttempts",
        "TumblingWindowInSeconds", "DestinationConfig", "Topics", "Queues",
        "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig",
        "SelfManagedKafkaEventSourceConfig", "DocumentDBEventSourceConfig"}) {
    if (r.field(key) != nullptr) {
      return invalid("Unsupported parameter for SQS event source: " + std::string(key));
    }
  }
  if (r.field("FilterCriteria") != nullptr) {
    return invalid("baton does not filter the events of event source mappings (FilterCriteria)");
  }
  return {};
}

// Copies the settings a Create or Update request gives into `record`.
Value apply_settings(const Request& r, Value record) {
  for (std::string_view key :
       {"BatchSize", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes", "ScalingConfig"}) {
    if (const Value* v = r.field(key)) record = json::with_member(record, key, *v);
  }
  return record;
}

}  // namespace

static std::string mapping_arn(const Partition& p, const std::string& uuid) {
  return "arn:aws:lambda:" + p.region + ":" + p.account + ":event-source-mapping:" + uuid;
}

static Result<store::Resource> requested_mapping(Lambda& lambda, const Request& r) {
  auto uuid = r.required("UUID");
  if (!uuid) return Unexpected<Error>(uuid.error());
  auto found = lambda.core.store->resource(store::Kind::EventSourceMapping,
                                           mapping_arn(lambda.core.options.partition, *uuid));
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) {
    return fail("ResourceNotFoundException", "The resource you requested does not exist.");
  }
  return std::move(**found);
}

// Every mapping, oldest first, or those of one function.
static Result<std::vector<store::Resource>> all_mappings(Lambda& lambda,
                                                         const std::string& parent) {
  std::vector<store::Resource> all;
  std::string after;
  while (true) {
    std::string next;
    auto page = lambda.core.store->resources(store::Kind::EventSourceMapping, parent,
                                             store::PageRequest{after, 1000}, next);
    if (!page) return Unexpected<Error>(page.error());
    for (store::Resource& m : *page) all.push_back(std::move(m));
    if (next.empty()) return all;
    after = next;
  }
}

// The function a mapping's FunctionName names, and the ARN the mapping shows for it (with the
// qualifier given).
struct MappedFunction {
  store::Resource function;
  std::string arn;
};

static Result<MappedFunction> mapped_function(Lambda& lambda, const std::string& name) {
  auto function = lambda.function_or_error(name);
  if (!function) return Unexpected<Error>(function.error());
  auto ref = parse_function_ref(name);
  std::string qualifier = ref ? ref->qualifier : "";
  if (!qualifier.empty() && qualifier != "$LATEST") {
    return fail("ResourceNotFoundException",
                "Function not found: " + function->arn + ":" + qualifier);
  }
  std::string arn = function->arn + (qualifier.empty() ? "" : ":" + qualifier);
  return MappedFunction{std::move(*function), std::move(arn)};
}

// Marks a mapping settled (Enabled or Disabled) once its change is committed, and starts or
// stops its pollers.
static void settle(Lambda& lambda, const std::string& arn) {
  lambda.core.then([&lambda, arn] {
    auto found = lambda.core.store->resource(store::Kind::EventSourceMapping, arn);
    if (!found || !*found) return;
    store::Resource mapping = std::move(**found);
    std::string state = text(mapping.record, "State");
    bool enabling =
        state == "Creating" || state == "Enabling" || state == "Updating" || state == "Enabled";
    mapping.record = with_state(mapping.record, enabling ? "Enabled" : "Disabled");
    if (enabling) {
      lambda.pollers.start(mapping);
    } else {
      lambda.pollers.stop(mapping.name);
    }
    lambda.core.stage(store::ops::PutResource{std::move(mapping)});
  });
}

void Lambda::create_event_source_mapping(const Request& r, Reply reply) {
  if (auto ok = check_sqs_only(r); !ok) return core.answer(reply, Unexpected<Error>(ok.error()));
  auto source = r.string("EventSourceArn");
  if (!source) return core.answer(reply, Unexpected<Error>(source.error()));
  std::string queue = source->value_or("");
  if (queue.empty()) {
    return core.answer(
        reply, invalid("Unrecognized event source, must be kafka or specify an EventSourceArn"));
  }
  if (destination_kind(queue) != DestinationKind::Queue) {
    return core.answer(reply, invalid("Unrecognized event source, must be an SQS queue ARN "
                                      "(arn:aws:sqs:REGION:ACCOUNT:NAME): baton maps SQS queues "
                                      "only; got '" +
                                      queue + "'"));
  }
  auto name = r.required("FunctionName");
  if (!name) return core.answer(reply, Unexpected<Error>(name.error()));
  auto target = mapped_function(*this, *name);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  auto enabled = r.boolean("Enabled");
  if (!enabled) return core.answer(reply, Unexpected<Error>(enabled.error()));
  auto existing = all_mappings(*this, target->function.arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  for (const store::Resource& m : *existing) {
    if (text(m.record, "EventSourceArn") == queue) {
      return core.answer(reply, fail("ResourceConflictException",
                                     "An event source mapping with SQS arn (\" " + queue +
                                         " \") and function "
                                         "(\" " +
                                         target->function.name +
                                         " \") already exists. Please update or "
                                         "delete the existing mapping with UUID " +
                                         m.name));
    }
  }
  std::string uuid = random_uuid();
  json::ObjectBuilder record;
  record.add("UUID", Value::string(uuid));
  record.add("BatchSize", Value::integer(kDefaultBatchSize));
  record.add("MaximumBatchingWindowInSeconds", Value::integer(0));
  record.add("EventSourceArn", Value::string(queue));
  record.add("FunctionArn", Value::string(target->arn));
  record.add("lastModifiedMs", Value::integer(core.now_ms()));
  record.add("State", Value::string(enabled->value_or(true) ? "Creating" : "Disabled"));
  record.add("StateTransitionReason", Value::string("USER_INITIATED"));
  record.add("FunctionResponseTypes", Value::array({}));
  record.add("EventSourceMappingArn", Value::string(mapping_arn(core.options.partition, uuid)));
  Value rec = apply_settings(r, record.build());
  if (auto ok = check_settings(rec); !ok) return core.answer(reply, Unexpected<Error>(ok.error()));
  // Lambda reads the queue's attributes before it maps it: the queue must exist.
  Value probe = json::ObjectBuilder()
                    .add("QueueUrl", Value::string(queue_url(queue)))
                    .add("AttributeNames", Value::array({Value::string("QueueArn")}))
                    .build();
  std::string function_arn = target->function.arn;
  core.call("sqs", "GetQueueAttributes", std::move(probe),
            [this, reply, uuid, function_arn, rec](Result<Value> attributes) {
              if (!attributes) {
                // Lambda names SQS's errors by their query-protocol codes.
                const Error& e = attributes.error();
                bool missing = e.name == "QueueDoesNotExist" ||
                               e.name == "AWS.SimpleQueueService.NonExistentQueue";
                std::string code = missing ? "AWS.SimpleQueueService.NonExistentQueue" : e.name;
                return core.answer(
                    reply, invalid("Error occurred while ReceiveMessage. SQS Error Code: " + code +
                                   ". SQS Error Message: " + e.cause));
              }
              store::Resource mapping{store::Kind::EventSourceMapping,
                                      mapping_arn(core.options.partition, uuid),
                                      uuid,
                                      function_arn,
                                      core.now_ms(),
                                      rec};
              Value shown = shown_mapping(mapping);
              std::string arn = mapping.arn;
              core.stage(store::ops::PutResource{std::move(mapping)});
              core.answer(reply, shown);
              settle(*this, arn);
            });
}

void Lambda::get_event_source_mapping(const Request& r, Reply reply) {
  auto mapping = requested_mapping(*this, r);
  if (!mapping) return core.answer(reply, Unexpected<Error>(mapping.error()));
  core.answer(reply, shown_mapping(*mapping));
}

void Lambda::list_event_source_mappings(const Request& r, Reply reply) {
  auto source = r.string("EventSourceArn");
  auto name = r.string("FunctionName");
  auto marker = r.string("Marker");
  for (const auto* read : {&source, &name, &marker}) {
    if (!*read) return core.answer(reply, Unexpected<Error>(read->error()));
  }
  auto max = r.integer("MaxItems");
  if (!max) return core.answer(reply, Unexpected<Error>(max.error()));
  std::string parent;
  if (*name) {
    auto target = mapped_function(*this, **name);
    if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
    parent = target->function.arn;
  }
  auto all = all_mappings(*this, parent);
  if (!all) return core.answer(reply, Unexpected<Error>(all.error()));
  std::vector<const store::Resource*> matching;
  for (const store::Resource& m : *all) {
    if (!*source || text(m.record, "EventSourceArn") == **source) matching.push_back(&m);
  }
  // The Marker is where the page starts among the matching mappings.
  std::size_t start = 0;
  if (*marker && !(*marker)->empty()) {
    auto decoded = crypto::base64_decode(**marker);
    auto at = decoded ? std::find_if(matching.begin(), matching.end(),
                                     [&](const store::Resource* m) { return m->name == *decoded; })
                      : matching.end();
    if (at == matching.end()) return core.answer(reply, invalid("Invalid Marker: " + **marker));
    start = static_cast<std::size_t>(at - matching.begin());
  }
  std::size_t limit = *max ? static_cast<std::size_t>(**max) : 100;
  std::size_t end = std::min(matching.size(), start + limit);
  std::vector<Value> items;
  for (std::size_t i = start; i < end; ++i) items.push_back(shown_mapping(*matching[i]));
  json::ObjectBuilder out;
  out.add("EventSourceMappings", Value::array(std::move(items)));
  if (end < matching.size()) {
    out.add("NextMarker", Value::string(crypto::base64_encode(matching[end]->name)));
  }
  core.answer(reply, out.build());
}

void Lambda::update_event_source_mapping(const Request& r, Reply reply) {
  auto mapping = requested_mapping(*this, r);
  if (!mapping) return core.answer(reply, Unexpected<Error>(mapping.error()));
  if (auto ok = check_sqs_only(r); !ok) return core.answer(reply, Unexpected<Error>(ok.error()));
  auto enabled = r.boolean("Enabled");
  if (!enabled) return core.answer(reply, Unexpected<Error>(enabled.error()));
  auto name = r.string("FunctionName");
  if (!name) return core.answer(reply, Unexpected<Error>(name.error()));
  Value rec = apply_settings(r, mapping->record);
  if (*name) {
    auto target = mapped_function(*this, **name);
    if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
    rec = json::with_member(rec, "FunctionArn", Value::string(target->arn));
    mapping->parent_arn = target->function.arn;
  }
  if (auto ok = check_settings(rec); !ok) return core.answer(reply, Unexpected<Error>(ok.error()));
  std::string state = text(rec, "State");
  bool was_enabled = state != "Disabled" && state != "Disabling";
  bool enable = enabled->value_or(was_enabled);
  std::string next =
      enable ? (was_enabled ? "Updating" : "Enabling") : (was_enabled ? "Disabling" : "Disabled");
  rec = with_state(rec, next);
  rec = json::with_member(rec, "lastModifiedMs", Value::integer(core.now_ms()));
  mapping->record = rec;
  Value shown = shown_mapping(*mapping);
  std::string arn = mapping->arn;
  if (!enable) pollers.stop(mapping->name);
  core.stage(store::ops::PutResource{std::move(*mapping)});
  core.answer(reply, shown);
  settle(*this, arn);
}

void Lambda::delete_event_source_mapping(const Request& r, Reply reply) {
  auto mapping = requested_mapping(*this, r);
  if (!mapping) return core.answer(reply, Unexpected<Error>(mapping.error()));
  pollers.stop(mapping->name);
  mapping->record = with_state(mapping->record, "Deleting");
  core.stage(store::ops::DeleteResource{store::Kind::EventSourceMapping, mapping->arn});
  core.answer(reply, shown_mapping(*mapping));
}

Expected<void, Error> Lambda::recover() {
  if (auto ok = async.recover(); !ok) return ok;
  auto mappings = all_mappings(*this, "");
  if (!mappings) return Unexpected<Error>(mappings.error());
  for (const store::Resource& m : *mappings) {
    std::string state = text(m.record, "State");
    // Once the service thread runs: what settle stages commits with its first group.
    if (state != "Disabled") core.at(core.now_ms(), [this, arn = m.arn] { settle(*this, arn); });
  }
  return {};
}

}  // namespace baton::service::lambda
