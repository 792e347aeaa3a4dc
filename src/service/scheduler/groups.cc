// Schedule groups and their tags. The default group always exists; deleting a group deletes
// its schedules with it.

#include "service/scheduler/scheduler_service.h"

namespace baton::service::scheduler {

using json::Value;

namespace {

Value group_summary(const Group& g) {
  return json::ObjectBuilder()
      .add("Arn", text(g.arn))
      .add("CreationDate", epoch(g.created_ms))
      .add("LastModificationDate", epoch(g.modified_ms))
      .add("Name", text(g.name))
      .add("State", text("ACTIVE"))
      .build();
}

// Tags: [{Key, Value}] into `tags`.
Expected<void, Error> read_tags(const Value* list, std::map<std::string, std::string>& tags) {
  if (list == nullptr) return {};
  for (const Value& tag : list->as_array()) {
    const Value* key = tag.find("Key");
    const Value* value = tag.find("Value");
    if (key == nullptr || value == nullptr) return validation("A tag needs a Key and a Value.");
    tags[std::string(key->as_string())] = std::string(value->as_string());
  }
  return {};
}

}  // namespace

void Scheduler::create_schedule_group(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  if (groups.contains(*name)) {
    return reply(fail("ConflictException", "Schedule group " + *name + " already exists."));
  }
  Group g{*name, group_arn(*name), core.now_ms(), core.now_ms(), {}};
  if (auto read = read_tags(r.field("Tags"), g.tags); !read) {
    return reply(Unexpected<Error>(read.error()));
  }
  save(g);
  std::string arn = g.arn;
  groups.emplace(g.name, std::move(g));
  core.answer(reply, json::ObjectBuilder().add("ScheduleGroupArn", text(arn)).build());
}

void Scheduler::delete_schedule_group(const Request& r, Reply reply) {
  auto group = requested_group(r, "Name");
  if (!group) return reply(Unexpected<Error>(group.error()));
  Group& g = **group;
  if (g.name == kDefaultGroup) {
    return reply(validation("The default schedule group cannot be deleted."));
  }
  auto& in_group = schedules[g.name];
  while (!in_group.empty()) remove(in_group.begin()->second);
  schedules.erase(g.name);
  core.stage(store::ops::DeleteResource{store::Kind::ScheduleGroup, g.arn});
  groups.erase(g.name);
  core.answer(reply, Value::object({}));
}

void Scheduler::get_schedule_group(const Request& r, Reply reply) {
  auto group = requested_group(r, "Name");
  if (!group) return reply(Unexpected<Error>(group.error()));
  core.answer(reply, group_summary(**group));
}

void Scheduler::list_schedule_groups(const Request& r, Reply reply) {
  auto prefix = r.string("NamePrefix");
  if (!prefix) return reply(Unexpected<Error>(prefix.error()));
  auto most = r.integer("MaxResults");
  if (!most) return reply(Unexpected<Error>(most.error()));
  auto after = r.string("NextToken");
  if (!after) return reply(Unexpected<Error>(after.error()));
  std::vector<Value> listed;
  std::string last;
  std::string next;
  for (auto it = groups.upper_bound(after->value_or("")); it != groups.end(); ++it) {
    if (!it->first.starts_with(prefix->value_or(""))) continue;
    if (static_cast<std::int64_t>(listed.size()) == most->value_or(100)) {
      next = last;
      break;
    }
    listed.push_back(group_summary(it->second));
    last = it->first;
  }
  json::ObjectBuilder out;
  out.add("ScheduleGroups", Value::array(std::move(listed)));
  if (!next.empty()) out.add("NextToken", text(next));
  core.answer(reply, out.build());
}

namespace {

// The group a tag operation names by its ARN (only groups have tags).
Group* tagged_group(std::map<std::string, Group>& groups, std::string_view arn) {
  for (auto& [name, g] : groups) {
    if (g.arn == arn) return &g;
  }
  return nullptr;
}

}  // namespace

void Scheduler::tag_resource(const Request& r, Reply reply) {
  auto arn = r.required("ResourceArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  Group* g = tagged_group(groups, *arn);
  if (g == nullptr) return reply(not_found("Schedule group " + *arn + " does not exist."));
  if (auto read = read_tags(r.field("Tags"), g->tags); !read) {
    return reply(Unexpected<Error>(read.error()));
  }
  save(*g);
  core.answer(reply, Value::object({}));
}

void Scheduler::untag_resource(const Request& r, Reply reply) {
  auto arn = r.required("ResourceArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  Group* g = tagged_group(groups, *arn);
  if (g == nullptr) return reply(not_found("Schedule group " + *arn + " does not exist."));
  if (const Value* keys = r.field("TagKeys"); keys != nullptr) {
    for (const Value& key : keys->as_array()) g->tags.erase(std::string(key.as_string()));
  }
  save(*g);
  core.answer(reply, Value::object({}));
}

void Scheduler::list_tags_for_resource(const Request& r, Reply reply) {
  auto arn = r.required("ResourceArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  Group* g = tagged_group(groups, *arn);
  if (g == nullptr) return reply(not_found("Schedule group " + *arn + " does not exist."));
  std::vector<Value> tags;
  for (const auto& [key, value] : g->tags) {
    tags.push_back(json::ObjectBuilder().add("Key", text(key)).add("Value", text(value)).build());
  }
  core.answer(reply, json::ObjectBuilder().add("Tags", Value::array(std::move(tags))).build());
}

}  // namespace baton::service::scheduler
