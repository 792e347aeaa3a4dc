// The Scheduler service's registration (its operations, in one table), recovery from the
// store, and what its operations share: groups and schedules by name, their stored records,
// time zones.

#include "service/scheduler/scheduler.h"

#include <fstream>
#include <sstream>

#include "service/scheduler/scheduler_service.h"

namespace baton::service::scheduler {

using json::Value;

std::unique_ptr<EmulatedService> make(Core& core) { return std::make_unique<Scheduler>(core); }

Value text(std::string_view s) { return Value::string(s); }

std::string member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Value epoch(std::int64_t ms) { return Value::number(static_cast<double>(ms) / 1000.0); }

Unexpected<Error> validation(const std::string& message) {
  return fail("ValidationException", message);
}

Unexpected<Error> not_found(const std::string& message) {
  return fail("ResourceNotFoundException", message);
}

Scheduler::Scheduler(Core& c)
    : core(c),
      table{
          operation("CreateScheduleGroup", this, &Scheduler::create_schedule_group),
          operation("DeleteScheduleGroup", this, &Scheduler::delete_schedule_group),
          operation("GetScheduleGroup", this, &Scheduler::get_schedule_group, true),
          operation("ListScheduleGroups", this, &Scheduler::list_schedule_groups, true),
          operation("TagResource", this, &Scheduler::tag_resource),
          operation("UntagResource", this, &Scheduler::untag_resource),
          operation("ListTagsForResource", this, &Scheduler::list_tags_for_resource, true),
          operation("CreateSchedule", this, &Scheduler::create_schedule),
          operation("UpdateSchedule", this, &Scheduler::update_schedule),
          operation("GetSchedule", this, &Scheduler::get_schedule, true),
          operation("DeleteSchedule", this, &Scheduler::delete_schedule),
          operation("ListSchedules", this, &Scheduler::list_schedules, true),
      },
      random(os_entropy()) {}

std::string Scheduler::group_arn(std::string_view name) const {
  const Partition& p = core.options.partition;
  return "arn:aws:scheduler:" + p.region + ":" + p.account + ":schedule-group/" + std::string(name);
}

std::string Scheduler::schedule_arn(std::string_view group, std::string_view name) const {
  const Partition& p = core.options.partition;
  return "arn:aws:scheduler:" + p.region + ":" + p.account + ":schedule/" + std::string(group) +
         "/" + std::string(name);
}

Result<Group*> Scheduler::requested_group(const Request& r, std::string_view field) {
  auto name = r.string(field);
  if (!name) return Unexpected<Error>(name.error());
  std::string wanted = name->value_or(std::string(kDefaultGroup));
  auto it = groups.find(wanted);
  if (it == groups.end()) return not_found("Schedule group " + wanted + " does not exist.");
  return &it->second;
}

Result<Schedule*> Scheduler::requested_schedule(const Request& r) {
  auto group = requested_group(r, "GroupName");
  if (!group) return Unexpected<Error>(group.error());
  auto name = r.required("Name");
  if (!name) return Unexpected<Error>(name.error());
  auto& in_group = schedules[(*group)->name];
  auto it = in_group.find(*name);
  if (it == in_group.end()) return not_found("Schedule " + *name + " does not exist.");
  return &it->second;
}

Result<std::shared_ptr<const baton::events::TimeZone>> Scheduler::zone_named(
    const std::string& name) {
  if (name.empty() || name == "UTC" || name == "Etc/UTC") {
    static const auto utc =
        std::make_shared<const baton::events::TimeZone>(baton::events::TimeZone::utc());
    return utc;
  }
  if (auto it = zones.find(name); it != zones.end()) return it->second;
  bool plausible = name.find("..") == std::string::npos && !name.starts_with('/');
  std::ifstream file(plausible ? "/usr/share/zoneinfo/" + name : std::string(), std::ios::binary);
  if (!plausible || !file) {
    return validation("Invalid ScheduleExpressionTimezone " + name +
                      ": not a time zone of the IANA database (e.g. Europe/Paris).");
  }
  std::ostringstream bytes;
  bytes << file.rdbuf();
  auto zone = baton::events::TimeZone::from_tzif(name, bytes.str());
  if (!zone) {
    return validation("Invalid ScheduleExpressionTimezone " + name + ": " + zone.error().cause);
  }
  auto shared = std::make_shared<const baton::events::TimeZone>(std::move(*zone));
  zones.emplace(name, shared);
  return shared;
}

store::Resource Scheduler::group_resource(const Group& g) const {
  store::Resource resource;
  resource.kind = store::Kind::ScheduleGroup;
  resource.arn = g.arn;
  resource.name = g.name;
  resource.created_ms = g.created_ms;
  json::ObjectBuilder tags;
  for (const auto& [key, value] : g.tags) tags.add(key, text(value));
  resource.record = json::ObjectBuilder()
                        .add("LastModified", Value::integer(g.modified_ms))
                        .add("Tags", tags.build())
                        .build();
  return resource;
}

void Scheduler::save(const Group& g) { core.stage(store::ops::PutResource{group_resource(g)}); }

void Scheduler::save(const Schedule& s) {
  store::Resource resource;
  resource.kind = store::Kind::Schedule;
  resource.arn = s.arn;
  resource.name = s.name;
  resource.parent_arn = group_arn(s.group);
  resource.created_ms = s.created_ms;
  resource.record = json::ObjectBuilder()
                        .add("Spec", s.spec)
                        .add("LastModified", Value::integer(s.modified_ms))
                        .add("FiredThrough", Value::integer(s.fired_through_ms))
                        .add("Anchor", Value::integer(s.anchor_ms))
                        .build();
  core.stage(store::ops::PutResource{std::move(resource)});
}

void Scheduler::remove(Schedule& s) {
  core.stage(store::ops::DeleteResource{store::Kind::Schedule, s.arn});
  std::string group = s.group;
  std::string name = s.name;
  schedules[group].erase(name);
}

Expected<void, Error> Scheduler::recover() {
  store::Store& store = *core.store;
  std::string next;
  store::PageRequest page{"", 1000};
  do {
    auto found = store.resources(store::Kind::ScheduleGroup, "", page, next);
    if (!found) return Unexpected<Error>(found.error());
    for (store::Resource& r : *found) {
      Group g{r.name, r.arn, r.created_ms, 0, {}};
      if (const Value* modified = r.record.find("LastModified"); modified && modified->is_int64())
        g.modified_ms = modified->as_int64();
      if (const Value* tags = r.record.find("Tags"); tags != nullptr && tags->is_object()) {
        for (const json::Member& m : tags->members()) {
          if (m.value.is_string()) g.tags[std::string(m.name())] = std::string(m.value.as_string());
        }
      }
      groups.emplace(g.name, std::move(g));
    }
    page.after = next;
  } while (!next.empty());
  if (!groups.contains(std::string(kDefaultGroup))) {
    // Every account has a default group: made, and kept, the first time baton starts.
    Group g{std::string(kDefaultGroup), group_arn(kDefaultGroup), core.now_ms(), core.now_ms(), {}};
    store::WriteBatch batch;
    batch.ops.push_back(store::ops::PutResource{group_resource(g)});
    if (auto saved = store.commit(batch); !saved) return saved;
    groups.emplace(g.name, std::move(g));
  }
  for (auto& [group_name, group] : groups) {
    page = store::PageRequest{"", 1000};
    do {
      auto found = store.resources(store::Kind::Schedule, group.arn, page, next);
      if (!found) return Unexpected<Error>(found.error());
      for (store::Resource& r : *found) {
        Schedule s;
        s.name = r.name;
        s.group = group_name;
        s.arn = r.arn;
        s.created_ms = r.created_ms;
        const Value* spec = r.record.find("Spec");
        if (spec == nullptr || !spec->is_object()) continue;
        Request request(*spec);
        // Accepted when it was made; a failure now is a store written by another version.
        if (auto read = read_spec(request, s); !read) {
          core.warn("Scheduler: schedule " + s.arn + ": " + read.error().cause);
          continue;
        }
        auto integer = [&](std::string_view key) {
          const Value* v = r.record.find(key);
          return v != nullptr && v->is_int64() ? v->as_int64() : 0;
        };
        s.modified_ms = integer("LastModified");
        s.fired_through_ms = integer("FiredThrough");
        s.anchor_ms = integer("Anchor");
        auto& kept = schedules[group_name].emplace(s.name, std::move(s)).first->second;
        arm(kept);
      }
      page.after = next;
    } while (!next.empty());
  }
  return {};
}

}  // namespace baton::service::scheduler
