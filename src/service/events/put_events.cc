// PutEvents: each entry checked and made an event envelope, routed on its bus to the targets
// of every enabled rule it matches, in the request's own group; TestEventPattern.

#include <algorithm>
#include <cmath>

#include "core/time.h"
#include "service/dead_letters.h"
#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

namespace {

// "2026-12-05T18:00:00Z": events carry whole seconds.
std::string event_time(std::int64_t ms) {
  std::string full = format_rfc3339_millis(Timestamp::from_millis(ms - ms % 1000));
  return full.substr(0, full.size() - 5) + "Z";
}

struct EntryError {
  std::string code;
  std::string message;
};

EntryError required(std::string_view parameter) {
  return {"InvalidArgument", "Parameter " + std::string(parameter) + " is not valid. Reason: " +
                                 std::string(parameter) + " is a required argument."};
}

}  // namespace

void EventBridge::put_events(const Request& r, Reply reply) {
  const Value* entries = r.field("Entries");
  if (entries == nullptr || !entries->is_array() || entries->size() == 0) {
    return reply(validation("Parameter Entries is required."));
  }
  std::size_t total = 0;
  for (const Value& e : entries->as_array()) {
    for (std::string_view field : {"Source", "DetailType", "Detail", "EventBusName"}) {
      total += string_member(e, field).size();
    }
  }
  if (total > kMaxPutEventsBytes) {
    return reply(validation("Total size of the entries in the request is over the limit."));
  }
  std::vector<Value> answers;
  std::int64_t failed = 0;
  for (const Value& e : entries->as_array()) {
    std::optional<EntryError> error;
    std::string source = string_member(e, "Source");
    std::string detail_type = string_member(e, "DetailType");
    std::string detail_text = string_member(e, "Detail");
    std::string bus_name = string_member(e, "EventBusName");
    Bus* bus = bus_named(bus_name.empty() ? std::string_view("default") : bus_name);
    std::optional<Value> detail;
    if (source.empty()) {
      error = required("Source");
    } else if (detail_type.empty()) {
      error = required("DetailType");
    } else if (detail_text.empty()) {
      error = required("Detail");
    } else if (source.starts_with("aws.")) {
      error = EntryError{"NotAuthorizedForSourceException", "Not authorized for the source."};
    } else if (auto parsed = json::parse(detail_text); !parsed || !parsed->is_object()) {
      error = EntryError{"MalformedDetail", "Detail is malformed."};
    } else if (bus == nullptr) {
      error =
          EntryError{"ResourceNotFoundException",
                     "Event bus " + bus_name.substr(bus_name.rfind('/') + 1) + " does not exist."};
    } else {
      detail = std::move(*parsed);
    }
    if (error) {
      ++failed;
      answers.push_back(json::ObjectBuilder()
                            .add("ErrorCode", text(error->code))
                            .add("ErrorMessage", text(error->message))
                            .build());
      continue;
    }
    std::int64_t at = core.now_ms();
    if (const Value* time = e.find("Time"); time != nullptr && time->is_number()) {
      at = static_cast<std::int64_t>(std::llround(time->as_double() * 1000));
    }
    std::vector<Value> resources;
    if (const Value* listed = e.find("Resources"); listed != nullptr && listed->is_array()) {
      for (const Value& item : listed->as_array()) resources.push_back(item);
    }
    Value event = envelope(source, detail_type, std::move(*detail), std::move(resources), at);
    route(*bus, event, 0);
    answer_conversation(event);
    answers.push_back(json::ObjectBuilder().add("EventId", *event.find("id")).build());
  }
  core.answer(reply, json::ObjectBuilder()
                         .add("FailedEntryCount", Value::integer(failed))
                         .add("Entries", Value::array(std::move(answers)))
                         .build());
}

Value EventBridge::envelope(const std::string& source, const std::string& detail_type, Value detail,
                            std::vector<Value> resources, std::int64_t at_ms) {
  const Partition& p = core.options.partition;
  return json::ObjectBuilder()
      .add("version", text("0"))
      .add("id", text(uuid_v4(random)))
      .add("detail-type", text(detail_type))
      .add("source", text(source))
      .add("account", text(p.account))
      .add("time", text(event_time(at_ms)))
      .add("region", text(p.region))
      .add("resources", Value::array(std::move(resources)))
      .add("detail", std::move(detail))
      .build();
}

void EventBridge::put_service_event(const Request& r, Reply reply) {
  const Value* detail = r.field("Detail");
  const Value* listed = r.field("Resources");
  std::vector<Value> resources;
  if (listed != nullptr && listed->is_array()) {
    for (const Value& item : listed->as_array()) resources.push_back(item);
  }
  Bus* bus = bus_named("default");
  if (bus == nullptr || detail == nullptr || !detail->is_object()) {
    return reply(validation("PutServiceEvent takes a Detail object; the default bus must exist."));
  }
  Value event = envelope(string_member(r.body(), "Source"), string_member(r.body(), "DetailType"),
                         *detail, std::move(resources), core.now_ms());
  route(*bus, event, 0);
  core.answer(reply, json::ObjectBuilder().add("EventId", *event.find("id")).build());
}

void EventBridge::put_cloud_events(const Request& r, Reply reply) {
  auto bus = requested_bus(r);
  if (!bus) return reply(Unexpected<Error>(bus.error()));
  const Value* events = r.field("Events");
  std::vector<Value> ids;
  if (events != nullptr && events->is_array()) {
    for (const Value& ce : events->as_array()) {
      // The mapping of events/cloudevent.h: source, type as detail-type, time, subject as the
      // one resource, the whole CloudEvent as detail.
      std::int64_t at = core.now_ms();
      if (const Value* time = ce.find("time"); time != nullptr && time->is_string()) {
        if (auto parsed = parse_rfc3339(time->as_string())) at = parsed->millis();
      }
      std::vector<Value> resources;
      if (const Value* subject = ce.find("subject"); subject != nullptr) {
        resources.push_back(*subject);
      }
      Value event = envelope(string_member(ce, "source"), string_member(ce, "type"), ce,
                             std::move(resources), at);
      route(**bus, event, 0);
      answer_conversation(event);
      ids.push_back(*event.find("id"));
    }
  }
  core.answer(reply, json::ObjectBuilder().add("EventIds", Value::array(std::move(ids))).build());
}

void EventBridge::route(const Bus& bus, const Value& event, int hops, const Replay* replay) {
  std::vector<std::string> matched;
  bus.index.matching(event, [&](const std::string& rule) { matched.push_back(rule); });
  // In name order, so that deliveries of one event happen in the same order every time.
  std::sort(matched.begin(), matched.end());
  for (const std::string& name : matched) {
    auto it = bus.rules.find(name);
    if (it == bus.rules.end()) continue;
    const Rule& rule = it->second;
    if (!rule.archive.empty()) {
      // A replayed event is never archived again (its rule's pattern says so as well).
      if (replay == nullptr) archive_event(rule.archive, event);
      continue;
    }
    if (replay != nullptr && !replay->filter_arns.empty() &&
        std::find(replay->filter_arns.begin(), replay->filter_arns.end(), rule.arn) ==
            replay->filter_arns.end()) {
      continue;
    }
    for (const Target& target : rule.targets) deliver(rule, target, event, hops);
  }
}

void EventBridge::deliver(const Rule& rule, const Target& target, const Value& event, int hops) {
  std::string body;
  if (const Value* input = target.record.find("Input"); input != nullptr && input->is_string()) {
    body = std::string(input->as_string());
  } else if (target.input_path) {
    asl::Scope scope;
    scope.input = &event;
    auto selected = target.input_path->evaluate_on(event, scope);
    if (!selected) {
      return to_dead_letter(rule.arn, target, json::to_string(event),
                            Error{"InvalidInputPath", selected.error().message});
    }
    body = json::to_string(*selected);
  } else if (target.transformer) {
    body = target.transformer->apply(
        event, TransformContext{rule.arn, rule.name, event_time(core.now_ms())});
  } else {
    body = json::to_string(event);
  }
  // The answer may come after this rule changed: what a dead letter needs is copied.
  auto failed = [this, rule_arn = rule.arn, target, body](Result<Value> done) {
    if (!done) to_dead_letter(rule_arn, target, body, done.error());
  };
  const std::string& arn = target.arn;
  std::string id = string_member(event, "id");
  if (arn.starts_with("arn:aws:sqs:")) {
    json::ObjectBuilder request;
    request.add("QueueUrl", text(queue_url(arn)));
    request.add("MessageBody", text(body));
    if (const Value* sqs = target.record.find("SqsParameters"); sqs != nullptr) {
      if (std::string group = string_member(*sqs, "MessageGroupId"); !group.empty()) {
        request.add("MessageGroupId", text(group));
        request.add("MessageDeduplicationId", text(id));
      }
    }
    return core.call("sqs", "SendMessage", request.build(), failed);
  }
  if (arn.starts_with("arn:aws:sns:")) {
    return core.call(
        "sns", "Publish",
        json::ObjectBuilder().add("TopicArn", text(arn)).add("Message", text(body)).build(),
        failed);
  }
  if (arn.starts_with("arn:aws:lambda:")) {
    return core.call("lambda", "Invoke",
                     json::ObjectBuilder()
                         .add("FunctionName", text(arn))
                         .add("InvocationType", text("Event"))
                         .add("Payload", text(body))
                         .build(),
                     failed);
  }
  if (arn.starts_with("arn:aws:states:")) {
    return core.call(
        "states", "StartExecution",
        json::ObjectBuilder().add("stateMachineArn", text(arn)).add("input", text(body)).build(),
        failed);
  }
  if (arn.find(":api-destination/") != std::string::npos) {
    return deliver_http(rule, target, event, std::move(body));
  }
  if (arn.starts_with(bus_arn(""))) {
    const Bus* next = bus_named(arn);
    if (next == nullptr) {
      return to_dead_letter(
          rule.arn, target, body,
          Error{"ResourceNotFoundException", "Event bus " + arn + " does not exist."});
    }
    if (hops + 1 >= kMaxBusHops) {
      core.warn("EventBridge: event " + id + " crossed " + std::to_string(kMaxBusHops) +
                " buses; rule " + rule.arn + " does not pass it on");
      return;
    }
    return route(*next, event, hops + 1);
  }
  to_dead_letter(rule.arn, target, body,
                 Error{"UnsupportedTarget", "baton does not deliver to targets such as " + arn});
}

void EventBridge::to_dead_letter(const std::string& rule_arn, const Target& target,
                                 const std::string& body, const Error& error) {
  const Value* dlq = target.record.find("DeadLetterConfig");
  std::string arn = dlq != nullptr ? string_member(*dlq, "Arn") : std::string();
  if (arn.empty()) {
    core.warn("EventBridge: rule " + rule_arn + " could not deliver to " + target.arn + " (" +
              error.name + ": " + error.cause + "); it has no dead-letter queue");
    return;
  }
  // The attributes AWS puts on a message it could not deliver.
  send_dead_letter(core, "EventBridge", arn, body,
                   {{"RULE_ARN", rule_arn},
                    {"TARGET_ARN", target.arn},
                    {"ERROR_CODE", error.name},
                    {"ERROR_MESSAGE", error.cause}});
}

void EventBridge::test_event_pattern(const Request& r, Reply reply) {
  auto pattern_text = r.required("EventPattern");
  if (!pattern_text) return reply(Unexpected<Error>(pattern_text.error()));
  auto event_text = r.required("Event");
  if (!event_text) return reply(Unexpected<Error>(event_text.error()));
  auto pattern = baton::events::EventPattern::parse(*pattern_text);
  if (!pattern) return reply(Unexpected<Error>(pattern.error()));
  auto event = baton::events::parse_test_event(*event_text);
  if (!event) return reply(Unexpected<Error>(event.error()));
  core.answer(
      reply, json::ObjectBuilder().add("Result", Value::boolean(pattern->matches(*event))).build());
}

}  // namespace baton::service::events
