// The EventBridge service's registration (its operations, in one table), recovery from the
// store, and what its operations share: buses and rules by name, their stored records.

#include "service/events/eventbridge.h"

#include "service/events/events.h"
#include "service/service_events.h"

namespace baton::service::events {

using json::Value;

namespace {

constexpr std::string_view kDefaultBus = "default";

}  // namespace

std::unique_ptr<EmulatedService> make(Core& core) { return std::make_unique<EventBridge>(core); }

Value text(std::string_view s) { return Value::string(s); }

std::string string_member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Unexpected<Error> not_found(const std::string& message) {
  return fail("ResourceNotFoundException", message);
}

Unexpected<Error> validation(const std::string& message) {
  return fail("ValidationException", message);
}

std::optional<Error> managed(const Rule& rule) {
  if (rule.managed_by.empty()) return std::nullopt;
  return Error{"ManagedRuleException",
               "Rule " + rule.name + " is managed by EventBridge for archive " + rule.archive +
                   "; it changes with the archive (UpdateArchive, DeleteArchive)."};
}

const Target* Rule::target(std::string_view id) const {
  for (const Target& t : targets) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

EventBridge::EventBridge(Core& c)
    : core(c),
      table{
          operation("CreateEventBus", this, &EventBridge::create_event_bus),
          operation("DeleteEventBus", this, &EventBridge::delete_event_bus),
          operation("DescribeEventBus", this, &EventBridge::describe_event_bus, true),
          operation("ListEventBuses", this, &EventBridge::list_event_buses, true),
          operation("PutRule", this, &EventBridge::put_rule),
          operation("DescribeRule", this, &EventBridge::describe_rule, true),
          operation("DeleteRule", this, &EventBridge::delete_rule),
          operation("ListRules", this, &EventBridge::list_rules, true),
          operation("EnableRule", this, &EventBridge::enable_rule),
          operation("DisableRule", this, &EventBridge::disable_rule),
          operation("PutTargets", this, &EventBridge::put_targets),
          operation("RemoveTargets", this, &EventBridge::remove_targets),
          operation("ListTargetsByRule", this, &EventBridge::list_targets_by_rule, true),
          operation("ListRuleNamesByTarget", this, &EventBridge::list_rule_names_by_target, true),
          operation("PutEvents", this, &EventBridge::put_events),
          operation("TestEventPattern", this, &EventBridge::test_event_pattern, true),
          operation("CreateConnection", this, &EventBridge::create_connection),
          operation("UpdateConnection", this, &EventBridge::update_connection),
          operation("DescribeConnection", this, &EventBridge::describe_connection, true),
          operation("DeleteConnection", this, &EventBridge::delete_connection),
          operation("ListConnections", this, &EventBridge::list_connections, true),
          operation("CreateApiDestination", this, &EventBridge::create_api_destination),
          operation("UpdateApiDestination", this, &EventBridge::update_api_destination),
          operation("DescribeApiDestination", this, &EventBridge::describe_api_destination, true),
          operation("DeleteApiDestination", this, &EventBridge::delete_api_destination),
          operation("ListApiDestinations", this, &EventBridge::list_api_destinations, true),
          operation("CreateArchive", this, &EventBridge::create_archive),
          operation("DescribeArchive", this, &EventBridge::describe_archive, true),
          operation("ListArchives", this, &EventBridge::list_archives, true),
          operation("UpdateArchive", this, &EventBridge::update_archive),
          operation("DeleteArchive", this, &EventBridge::delete_archive),
          operation("StartReplay", this, &EventBridge::start_replay),
          operation("DescribeReplay", this, &EventBridge::describe_replay, true),
          operation("ListReplays", this, &EventBridge::list_replays, true),
          operation("CancelReplay", this, &EventBridge::cancel_replay),
          operation(kPutServiceEvent, this, &EventBridge::put_service_event),
          operation(kPutCloudEvents, this, &EventBridge::put_cloud_events),
      },
      random(os_entropy()) {}

std::string EventBridge::bus_arn(std::string_view name) const {
  const Partition& p = core.options.partition;
  return "arn:aws:events:" + p.region + ":" + p.account + ":event-bus/" + std::string(name);
}

std::string EventBridge::rule_arn(std::string_view bus, std::string_view name) const {
  const Partition& p = core.options.partition;
  std::string prefix = "arn:aws:events:" + p.region + ":" + p.account + ":rule/";
  // Rules of the default bus are named without it.
  if (bus == kDefaultBus) return prefix + std::string(name);
  return prefix + std::string(bus) + "/" + std::string(name);
}

Bus* EventBridge::bus_named(std::string_view name_or_arn) {
  std::string_view name = name_or_arn;
  if (name.starts_with("arn:")) {
    std::string prefix = bus_arn("");
    if (!name.starts_with(prefix)) return nullptr;
    name.remove_prefix(prefix.size());
  }
  auto it = buses.find(std::string(name));
  return it == buses.end() ? nullptr : &it->second;
}

Result<Bus*> EventBridge::requested_bus(const Request& r, std::string_view field) {
  auto name = r.string(field);
  if (!name) return Unexpected<Error>(name.error());
  std::string wanted = name->value_or(std::string(kDefaultBus));
  if (Bus* bus = bus_named(wanted)) return bus;
  std::string shown = wanted.starts_with("arn:") ? wanted.substr(wanted.rfind('/') + 1) : wanted;
  return not_found("Event bus " + shown + " does not exist.");
}

Result<Rule*> EventBridge::requested_rule(const Request& r, std::string_view field) {
  auto bus = requested_bus(r);
  if (!bus) return Unexpected<Error>(bus.error());
  auto name = r.required(field);
  if (!name) return Unexpected<Error>(name.error());
  auto it = (*bus)->rules.find(*name);
  if (it == (*bus)->rules.end()) {
    return not_found("Rule " + *name + " does not exist on EventBus " + (*bus)->name + ".");
  }
  return &it->second;
}

store::Resource EventBridge::bus_resource(const Bus& bus) const {
  store::Resource resource;
  resource.kind = store::Kind::EventBus;
  resource.arn = bus.arn;
  resource.name = bus.name;
  resource.created_ms = bus.created_ms;
  json::ObjectBuilder record;
  if (!bus.description.empty()) record.add("Description", text(bus.description));
  record.add("LastModified", Value::integer(bus.modified_ms));
  resource.record = record.build();
  return resource;
}

void EventBridge::save_bus(const Bus& bus) {
  core.stage(store::ops::PutResource{bus_resource(bus)});
}

void EventBridge::save_rule(const Rule& rule) {
  // An archive's rule is kept with the archive.
  if (!rule.archive.empty()) return;
  store::Resource resource;
  resource.kind = store::Kind::EventRule;
  resource.arn = rule.arn;
  resource.name = rule.name;
  resource.parent_arn = bus_arn(rule.bus);
  resource.created_ms = rule.created_ms;
  std::vector<Value> targets;
  for (const Target& t : rule.targets) targets.push_back(t.record);
  json::ObjectBuilder record;
  if (!rule.pattern_text.empty()) record.add("EventPattern", text(rule.pattern_text));
  if (rule.schedule) {
    record.add("ScheduleExpression", text(rule.schedule->text()));
    record.add("ScheduleFrom", Value::integer(rule.schedule_from_ms));
    record.add("FiredThrough", Value::integer(rule.fired_through_ms));
  }
  record.add("State", text(rule.enabled ? "ENABLED" : "DISABLED"));
  if (!rule.description.empty()) record.add("Description", text(rule.description));
  if (!rule.role_arn.empty()) record.add("RoleArn", text(rule.role_arn));
  record.add("Targets", Value::array(std::move(targets)));
  resource.record = record.build();
  core.stage(store::ops::PutResource{std::move(resource)});
}

void EventBridge::index_rule(Bus& bus, const Rule& rule) {
  bus.index.erase(rule.name);
  if (!rule.enabled || rule.pattern_text.empty()) return;
  auto pattern = baton::events::EventPattern::parse(rule.pattern_text);
  // Accepted when it was put; a failure now is a store written by another version.
  if (!pattern) {
    core.warn("EventBridge rule " + rule.arn + ": " + pattern.error().cause);
    return;
  }
  bus.index.put(rule.name, std::move(*pattern));
}

Expected<void, Error> EventBridge::recover() {
  if (auto http = recover_http_resources(); !http) return http;
  store::Store& store = *core.store;
  std::string next;
  store::PageRequest page{"", 1000};
  do {
    auto found = store.resources(store::Kind::EventBus, "", page, next);
    if (!found) return Unexpected<Error>(found.error());
    for (store::Resource& r : *found) {
      Bus bus;
      bus.name = r.name;
      bus.arn = r.arn;
      bus.created_ms = r.created_ms;
      bus.description = string_member(r.record, "Description");
      const Value* modified = r.record.find("LastModified");
      bus.modified_ms = modified != nullptr && modified->is_int64() ? modified->as_int64() : 0;
      buses.emplace(bus.name, std::move(bus));
    }
    page.after = next;
  } while (!next.empty());
  if (!buses.contains(std::string(kDefaultBus))) {
    // Every account has a default bus: made, and kept, the first time baton starts.
    Bus bus;
    bus.name = std::string(kDefaultBus);
    bus.arn = bus_arn(kDefaultBus);
    bus.created_ms = bus.modified_ms = core.now_ms();
    store::WriteBatch batch;
    batch.ops.push_back(store::ops::PutResource{bus_resource(bus)});
    if (auto saved = store.commit(batch); !saved) return saved;
    buses.emplace(bus.name, std::move(bus));
  }
  for (auto& [name, bus] : buses) {
    page = store::PageRequest{"", 1000};
    do {
      auto found = store.resources(store::Kind::EventRule, bus.arn, page, next);
      if (!found) return Unexpected<Error>(found.error());
      for (store::Resource& r : *found) {
        Rule rule;
        rule.name = r.name;
        rule.arn = r.arn;
        rule.bus = name;
        rule.created_ms = r.created_ms;
        rule.pattern_text = string_member(r.record, "EventPattern");
        rule.enabled = string_member(r.record, "State") != "DISABLED";
        rule.description = string_member(r.record, "Description");
        rule.role_arn = string_member(r.record, "RoleArn");
        if (std::string schedule = string_member(r.record, "ScheduleExpression");
            !schedule.empty()) {
          auto parsed = baton::events::ScheduleExpression::parse(
              schedule, baton::events::ScheduleFlavour::Rule);
          // Accepted when it was put; a failure now is a store written by another version.
          if (!parsed) {
            core.warn("EventBridge rule " + rule.arn + ": " + parsed.error().cause);
          } else {
            rule.schedule = std::move(*parsed);
          }
          auto integer = [&](std::string_view key) {
            const Value* v = r.record.find(key);
            return v != nullptr && v->is_int64() ? v->as_int64() : 0;
          };
          rule.schedule_from_ms = integer("ScheduleFrom");
          rule.fired_through_ms = integer("FiredThrough");
        }
        if (const Value* targets = r.record.find("Targets"); targets && targets->is_array()) {
          for (const Value& t : targets->as_array()) {
            auto target = read_target(t);
            // Accepted when it was put; a failure now is a store written by another version.
            if (!target) {
              core.warn("EventBridge rule " + rule.arn + ": " + target.error().cause);
              continue;
            }
            rule.targets.push_back(std::move(*target));
          }
        }
        index_rule(bus, rule);
        arm(bus.rules.emplace(rule.name, std::move(rule)).first->second);
      }
      page.after = next;
    } while (!next.empty());
  }
  if (auto kept = recover_archives(); !kept) return kept;
  for (auto& [name, bus] : buses) attach_archives(bus);
  return recover_replays();
}

}  // namespace baton::service::events
