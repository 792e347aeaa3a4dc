// The EventBridge resources of a SAM template: AWS::Events::EventBus, AWS::Events::Archive,
// AWS::Events::Rule,
// AWS::Scheduler::ScheduleGroup, AWS::Scheduler::Schedule, and the rules and schedules that a
// function's or state machine's Events of Type EventBridgeRule, CloudWatchEvent, Schedule and
// ScheduleV2 make, as SAM makes them (one per event, the function or state machine its target).

#include "core/time.h"
#include "service/sam_reader.h"

namespace baton::service::sam {

namespace {

using json::Value;

// PutRule's request from the members a rule and an event share.
Value rule_request(const std::string& name, const Value& properties, std::string_view pattern_key,
                   std::string_view schedule_key) {
  json::ObjectBuilder b;
  b.add("Name", Value::string(name));
  if (std::string bus = text_member(properties, "EventBusName"); !bus.empty()) {
    b.add("EventBusName", Value::string(bus));
  }
  // An EventPattern is JSON in the template and text in the API.
  if (std::string pattern = text_member(properties, pattern_key); !pattern.empty()) {
    b.add("EventPattern", Value::string(pattern));
  }
  if (std::string schedule = text_member(properties, schedule_key); !schedule.empty()) {
    b.add("ScheduleExpression", Value::string(schedule));
  }
  for (std::string_view key : {"Description", "State", "RoleArn"}) {
    if (std::string v = text_member(properties, key); !v.empty()) b.add(key, Value::string(v));
  }
  return b.build();
}

// The target an event makes of its function or state machine, with what the event says of the
// input, dead-letter queue and retries.
Value event_target(const std::string& default_id, const std::string& arn, const Value& properties) {
  json::ObjectBuilder t;
  std::string id = default_id;
  if (const Value* target = properties.find("Target"); target != nullptr && target->is_object()) {
    if (std::string given = text_member(*target, "Id"); !given.empty()) id = given;
  }
  t.add("Id", Value::string(id));
  t.add("Arn", Value::string(arn));
  for (std::string_view key : {"Input", "InputPath"}) {
    if (std::string v = text_member(properties, key); !v.empty()) t.add(key, Value::string(v));
  }
  for (std::string_view key : {"InputTransformer", "RetryPolicy"}) {
    if (const Value* v = properties.find(key); v != nullptr && v->is_object()) t.add(key, *v);
  }
  if (const Value* dlq = properties.find("DeadLetterConfig"); dlq != nullptr && dlq->is_object()) {
    if (std::string queue = text_member(*dlq, "Arn"); !queue.empty()) {
      t.add("DeadLetterConfig", json::ObjectBuilder().add("Arn", Value::string(queue)).build());
    }
  }
  return t.build();
}

// CreateSchedule's body from an AWS::Scheduler::Schedule's properties or a ScheduleV2 event's:
// the same members, dates as epoch seconds. Errors: a date that is not ISO 8601.
Result<Value> schedule_request(const Value& properties, const std::string& where,
                               const Reader& reader) {
  json::ObjectBuilder b;
  for (const json::Member& m : properties.members()) {
    std::string_view key = m.name();
    if (key == "Name" || key == "GroupName" || key == "OmitName") continue;
    if (key == "StartDate" || key == "EndDate") {
      auto at = m.value.is_string() ? parse_rfc3339(m.value.as_string()) : std::nullopt;
      if (!at) return reader.invalid(where + "/" + std::string(key), "is not an ISO 8601 date");
      b.add(key, Value::number(static_cast<double>(at->millis()) / 1000.0));
      continue;
    }
    b.add(key, m.value);
  }
  if (properties.find("FlexibleTimeWindow") == nullptr) {
    b.add("FlexibleTimeWindow", json::ObjectBuilder().add("Mode", Value::string("OFF")).build());
  }
  return b.build();
}

// A ScheduleV2 event's schedule, its target the function or state machine.
Result<SamSchedule> event_schedule(const std::string& name, const std::string& where,
                                   const std::string& arn, const Value& properties,
                                   const Reader& reader) {
  json::ObjectBuilder schedule;
  json::ObjectBuilder target;
  target.add("Arn", Value::string(arn));
  std::string role = text_member(properties, "RoleArn");
  // IAM's ARNs have no region.
  std::string made = "arn:aws:iam::" + std::string(kAccount) + ":role/" + name;
  target.add("RoleArn", Value::string(role.empty() ? made : role));
  for (const json::Member& m : properties.members()) {
    std::string_view key = m.name();
    if (key == "Input" || key == "RetryPolicy" || key == "DeadLetterConfig") {
      target.add(key, m.value);
    } else if (key != "RoleArn" && key != "PermissionsBoundary") {
      schedule.add(key, m.value);
    }
  }
  schedule.add("Target", target.build());
  Value spec = schedule.build();
  auto request = schedule_request(spec, where + "/Properties", reader);
  if (!request) return Unexpected<Error>(request.error());
  std::string given = text_member(properties, "Name");
  return SamSchedule{where, given.empty() ? name : given, text_member(properties, "GroupName"),
                     std::move(*request)};
}

// A function's or state machine's Events of the EventBridge kinds. `kind` names its target
// ("Lambda", "StepFunctions") in the target ids SAM makes.
Result<void> read_resource_events(const std::string& id, const Value& events,
                                  const std::string& arn, std::string_view kind,
                                  const Reader& reader, SamProject& project) {
  for (const json::Member& event : events.members()) {
    std::string name(event.name());
    std::string where = "/Resources/" + id + "/Properties/Events/" + name;
    std::string type = text_member(event.value, "Type");
    bool pattern = type == "EventBridgeRule" || type == "CloudWatchEvent";
    const Value* found = event.value.find("Properties");
    Value properties = found != nullptr && found->is_object() ? *found : Value::object({});
    if (type == "ScheduleV2") {
      if (properties.find("ScheduleExpression") == nullptr) {
        return reader.invalid(where + "/Properties/ScheduleExpression", "is required");
      }
      std::string schedule = reader.stack() + "-" + id + name;
      if (schedule.size() > 64) schedule.resize(64);
      auto made = event_schedule(schedule, where, arn, properties, reader);
      if (!made) return Unexpected<Error>(made.error());
      project.schedules.push_back(std::move(*made));
      continue;
    }
    if (!pattern && type != "Schedule") continue;
    if (pattern && properties.find("Pattern") == nullptr) {
      return reader.invalid(where + "/Properties/Pattern", "is required");
    }
    if (!pattern && properties.find("Schedule") == nullptr) {
      return reader.invalid(where + "/Properties/Schedule", "is required");
    }
    std::string rule = text_member(properties, pattern ? "RuleName" : "Name");
    if (rule.empty()) {
      rule = reader.stack() + "-" + id + name;
      if (rule.size() > 64) rule.resize(64);
    }
    Value request = rule_request(rule, properties, "Pattern", "Schedule");
    // Schedule's Enabled: false is a disabled rule.
    if (const Value* enabled = properties.find("Enabled");
        enabled != nullptr && enabled->is_bool() && !enabled->as_bool()) {
      request = json::with_member(request, "State", Value::string("DISABLED"));
    }
    project.rules.push_back(
        {where,
         request,
         {event_target(id + name + std::string(kind) + "Target", arn, properties)}});
  }
  return {};
}

// CreateArchive's request from an AWS::Events::Archive's properties.
Result<Value> archive_request(const std::string& name, const Value& properties,
                              const std::string& where, const Reader& reader) {
  std::string source = text_member(properties, "SourceArn");
  if (source.empty()) return reader.invalid(where + "/Properties/SourceArn", "is required");
  json::ObjectBuilder b;
  b.add("ArchiveName", Value::string(name));
  b.add("EventSourceArn", Value::string(source));
  // An EventPattern is JSON in the template and text in the API.
  if (std::string pattern = text_member(properties, "EventPattern"); !pattern.empty()) {
    b.add("EventPattern", Value::string(pattern));
  }
  if (const Value* days = properties.find("RetentionDays"); days != nullptr && days->is_int64()) {
    b.add("RetentionDays", *days);
  }
  for (std::string_view key : {"Description", "KmsKeyIdentifier"}) {
    if (std::string v = text_member(properties, key); !v.empty()) b.add(key, Value::string(v));
  }
  return b.build();
}

}  // namespace

Result<void> read_events(const YAML::Node& resources, const Reader& reader, SamProject& project) {
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    std::string where = "/Resources/" + id;
    std::string type = reader.type_of(id);
    bool events_resource =
        type.starts_with("AWS::Events::") || type.starts_with("AWS::Scheduler::");
    bool has_events =
        type == "AWS::Serverless::Function" || type == "AWS::Serverless::StateMachine";
    if (!events_resource && !has_events) continue;
    auto properties = properties_of(entry.second, reader, where);
    if (!properties) return Unexpected<Error>(properties.error());
    if (type == "AWS::Events::Connection" || type == "AWS::Events::ApiDestination") {
      Value request = json::with_member(*properties, "Name", Value::string(reader.rule_name(id)));
      auto& into =
          type == "AWS::Events::Connection" ? project.connections : project.api_destinations;
      into.push_back({where, std::move(request)});
    } else if (type == "AWS::Scheduler::ScheduleGroup") {
      std::string name = text_member(*properties, "Name");
      project.schedule_groups.push_back({where, name.empty() ? reader.rule_name(id) : name});
    } else if (type == "AWS::Scheduler::Schedule") {
      auto request = schedule_request(*properties, where + "/Properties", reader);
      if (!request) return Unexpected<Error>(request.error());
      std::string name = text_member(*properties, "Name");
      project.schedules.push_back({where, name.empty() ? reader.rule_name(id) : name,
                                   text_member(*properties, "GroupName"), std::move(*request)});
    } else if (type == "AWS::Events::EventBus") {
      project.event_buses.push_back({where, reader.bus_name(id)});
    } else if (type == "AWS::Events::Archive") {
      auto request = archive_request(reader.archive_name(id), *properties, where, reader);
      if (!request) return Unexpected<Error>(request.error());
      project.archives.push_back({where, std::move(*request)});
    } else if (type == "AWS::Events::Rule") {
      SamRule rule{
          where,
          rule_request(reader.rule_name(id), *properties, "EventPattern", "ScheduleExpression"),
          {}};
      if (const Value* targets = properties->find("Targets");
          targets != nullptr && targets->is_array()) {
        for (const Value& t : targets->as_array()) rule.targets.push_back(t);
      }
      project.rules.push_back(std::move(rule));
    } else if (const Value* events = properties->find("Events");
               events != nullptr && events->is_object()) {
      bool function = type == "AWS::Serverless::Function";
      std::string arn = function
                            ? reader.arn("lambda", "function:" + reader.function_name(id))
                            : reader.arn("states", "stateMachine:" + reader.state_machine_name(id));
      auto read = read_resource_events(id, *events, arn, function ? "Lambda" : "StepFunctions",
                                       reader, project);
      if (!read) return read;
    }
  }
  return {};
}

}  // namespace baton::service::sam
