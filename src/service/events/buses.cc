// Event buses: the default bus every account has, and custom ones.

#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

namespace {

Value describe_bus(const Bus& bus) {
  json::ObjectBuilder out;
  out.add("Name", text(bus.name));
  out.add("Arn", text(bus.arn));
  if (!bus.description.empty()) out.add("Description", text(bus.description));
  out.add("CreationTime", epoch(bus.created_ms));
  out.add("LastModifiedTime", epoch(bus.modified_ms));
  return out.build();
}

}  // namespace

void EventBridge::create_event_bus(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto description = r.string("Description");
  if (!description) return reply(Unexpected<Error>(description.error()));
  if (r.field("EventSourceName") != nullptr) {
    return reply(validation("Partner event sources are not available: EventSourceName"));
  }
  if (name->find('/') != std::string::npos) {
    return reply(validation("Event bus name must not contain '/'."));
  }
  if (buses.contains(*name)) {
    return reply(fail("ResourceAlreadyExistsException", "Event bus " + *name + " already exists."));
  }
  Bus bus;
  bus.name = *name;
  bus.arn = bus_arn(*name);
  bus.description = description->value_or("");
  bus.created_ms = bus.modified_ms = core.now_ms();
  save_bus(bus);
  json::ObjectBuilder out;
  out.add("EventBusArn", text(bus.arn));
  if (!bus.description.empty()) out.add("Description", text(bus.description));
  // The archives of a bus of this name, deleted before, receive again.
  attach_archives(buses.emplace(bus.name, std::move(bus)).first->second);
  core.answer(reply, out.build());
}

void EventBridge::delete_event_bus(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  if (*name == "default") return reply(validation("Cannot delete event bus default."));
  // Deleting a bus that is not there succeeds, as on AWS.
  if (auto it = buses.find(*name); it != buses.end()) {
    for (const auto& [rule_name, rule] : it->second.rules) {
      if (!rule.archive.empty()) continue;
      core.stage(store::ops::DeleteResource{store::Kind::EventRule, rule.arn});
    }
    core.stage(store::ops::DeleteResource{store::Kind::EventBus, it->second.arn});
    buses.erase(it);
  }
  core.answer(reply, Value::object({}));
}

void EventBridge::describe_event_bus(const Request& r, Reply reply) {
  auto bus = requested_bus(r, "Name");
  if (!bus) return reply(Unexpected<Error>(bus.error()));
  core.answer(reply, describe_bus(**bus));
}

void EventBridge::list_event_buses(const Request& r, Reply reply) {
  auto page = name_page<Bus>(r, buses, "EventBuses", describe_bus);
  if (!page) return reply(Unexpected<Error>(page.error()));
  core.answer(reply, std::move(*page));
}

}  // namespace baton::service::events
