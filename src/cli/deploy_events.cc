// `baton deploy` and `baton teardown` of event buses, archives and rules, through baton serve's
// EventBridge API.

#include "cli/deploy_events.h"

#include <iostream>
#include <set>

#include "net/http_client.h"

namespace baton::cli {

namespace {

using json::Value;

bool is_error(const ServeAnswer& a, std::string_view name) {
  return string_member(a.body, "__type").ends_with(name);
}

// The rule's name and bus, as the API takes them.
Value rule_key(const Value& rule) {
  json::ObjectBuilder b;
  b.add("Name", Value::string(string_member(rule, "Name")));
  if (std::string bus = string_member(rule, "EventBusName"); !bus.empty()) {
    b.add("EventBusName", Value::string(bus));
  }
  return b.build();
}

Value with_rule(const Value& rule, std::string_view key, Value value) {
  json::ObjectBuilder b;
  b.add("Rule", Value::string(string_member(rule, "Name")));
  if (std::string bus = string_member(rule, "EventBusName"); !bus.empty()) {
    b.add("EventBusName", Value::string(bus));
  }
  b.add(key, std::move(value));
  return b.build();
}

// Runs an EventBridge call and requires a 2xx answer; errors name the template's place.
Result<ServeAnswer> call(ServeClient& client, const std::string& error, const std::string& where,
                         const std::string& operation, const Value& body) {
  auto a = client.events(operation, body);
  if (!a) return a;
  if (a->status >= 300) return fail(error, where + ": " + operation + ": " + message_of(*a));
  return a;
}

// The ids of the targets the rule has now.
Result<std::vector<std::string>> target_ids(ServeClient& client, const service::SamRule& r) {
  auto listed = call(client, "DeployFailed", r.where, "ListTargetsByRule",
                     with_rule(r.rule, "Limit", Value::integer(100)));
  if (!listed) return Unexpected<Error>(listed.error());
  std::vector<std::string> ids;
  if (const Value* targets = listed->body.find("Targets"); targets != nullptr) {
    for (const Value& t : targets->as_array()) ids.push_back(string_member(t, "Id"));
  }
  return ids;
}

// A connection or an API destination: created, or updated as the template says.
Expected<void, Error> deploy_http_target(ServeClient& client, const service::SamHttpTarget& t,
                                         const std::string& kind, const char* what) {
  std::string name = string_member(t.request, "Name");
  auto created = client.events("Create" + kind, t.request);
  if (!created) return Unexpected<Error>(created.error());
  bool exists = created->status >= 300 && is_error(*created, "ResourceAlreadyExistsException");
  if (exists) {
    auto updated = call(client, "DeployFailed", t.where, "Update" + kind, t.request);
    if (!updated) return Unexpected<Error>(updated.error());
  } else if (created->status >= 300) {
    return fail("DeployFailed", t.where + ": " + what + " " + name + ": " + message_of(*created));
  }
  std::cout << what << " " << name << (exists ? " updated" : " created") << "\n";
  return {};
}

Expected<void, Error> remove_http_target(ServeClient& client, const service::SamHttpTarget& t,
                                         const std::string& kind, const char* what) {
  std::string name = string_member(t.request, "Name");
  auto deleted = client.events("Delete" + kind,
                               json::ObjectBuilder().add("Name", Value::string(name)).build());
  if (!deleted) return Unexpected<Error>(deleted.error());
  if (deleted->status >= 300 && !is_error(*deleted, "ResourceNotFoundException")) {
    return fail("TeardownFailed", t.where + ": " + what + " " + name + ": " + message_of(*deleted));
  }
  std::cout << what << " " << name << (deleted->status < 300 ? " deleted" : " is not there")
            << "\n";
  return {};
}

// An archive: created, or updated as the template says (its source bus cannot change).
Expected<void, Error> deploy_archive(ServeClient& client, const service::SamArchive& a) {
  std::string name = string_member(a.request, "ArchiveName");
  auto created = client.events("CreateArchive", a.request);
  if (!created) return Unexpected<Error>(created.error());
  bool exists = created->status >= 300 && is_error(*created, "ResourceAlreadyExistsException");
  if (exists) {
    json::ObjectBuilder update;
    for (const json::Member& m : a.request.members()) {
      if (m.name() != "EventSourceArn") update.add(m.name(), m.value);
    }
    auto updated = call(client, "DeployFailed", a.where, "UpdateArchive", update.build());
    if (!updated) return Unexpected<Error>(updated.error());
  } else if (created->status >= 300) {
    return fail("DeployFailed", a.where + ": archive " + name + ": " + message_of(*created));
  }
  std::cout << "archive " << name << (exists ? " updated" : " created") << "\n";
  return {};
}

std::string schedule_path(const service::SamSchedule& s) {
  return "/schedules/" + net::url_encode(s.name);
}

std::string group_query(const service::SamSchedule& s) {
  return s.group.empty() ? "" : "?groupName=" + net::url_encode(s.group);
}

}  // namespace

Expected<void, Error> deploy_event_buses(ServeClient& client, const service::SamProject& project) {
  for (const service::SamScheduleGroup& g : project.schedule_groups) {
    auto created =
        client.rest("POST", "/schedule-groups/" + net::url_encode(g.name), Value::object({}));
    if (!created) return Unexpected<Error>(created.error());
    if (created->status >= 300 && created->status != 409) {
      return fail("DeployFailed",
                  g.where + ": schedule group " + g.name + ": " + message_of(*created));
    }
    std::cout << "schedule group " << g.name << (created->status < 300 ? " created" : " kept")
              << "\n";
  }
  for (const service::SamEventBus& bus : project.event_buses) {
    auto created = client.events(
        "CreateEventBus", json::ObjectBuilder().add("Name", Value::string(bus.name)).build());
    if (!created) return Unexpected<Error>(created.error());
    if (created->status >= 300 && !is_error(*created, "ResourceAlreadyExistsException")) {
      return fail("DeployFailed",
                  bus.where + ": event bus " + bus.name + ": " + message_of(*created));
    }
    std::cout << "event bus " << bus.name << (created->status < 300 ? " created" : " kept") << "\n";
  }
  for (const service::SamArchive& a : project.archives) {
    if (auto ok = deploy_archive(client, a); !ok) return ok;
  }
  for (const service::SamHttpTarget& c : project.connections) {
    if (auto ok = deploy_http_target(client, c, "Connection", "connection"); !ok) return ok;
  }
  for (const service::SamHttpTarget& d : project.api_destinations) {
    if (auto ok = deploy_http_target(client, d, "ApiDestination", "API destination"); !ok) {
      return ok;
    }
  }
  return {};
}

Expected<void, Error> deploy_rules(ServeClient& client, const service::SamProject& project) {
  for (const service::SamRule& r : project.rules) {
    std::string name = string_member(r.rule, "Name");
    auto put = call(client, "DeployFailed", r.where, "PutRule", r.rule);
    if (!put) return Unexpected<Error>(put.error());
    auto before = target_ids(client, r);
    if (!before) return Unexpected<Error>(before.error());
    std::set<std::string> wanted;
    for (const Value& t : r.targets) wanted.insert(string_member(t, "Id"));
    std::vector<Value> gone;
    for (const std::string& id : *before) {
      if (!wanted.contains(id)) gone.push_back(Value::string(id));
    }
    if (!gone.empty()) {
      auto removed = call(client, "DeployFailed", r.where, "RemoveTargets",
                          with_rule(r.rule, "Ids", Value::array(std::move(gone))));
      if (!removed) return Unexpected<Error>(removed.error());
    }
    if (!r.targets.empty()) {
      auto targets = call(client, "DeployFailed", r.where, "PutTargets",
                          with_rule(r.rule, "Targets", Value::array(r.targets)));
      if (!targets) return Unexpected<Error>(targets.error());
    }
    std::cout << "rule " << name << ": " << string_member(put->body, "RuleArn") << " ("
              << r.targets.size() << (r.targets.size() == 1 ? " target" : " targets") << ")\n";
  }
  return {};
}

Expected<void, Error> deploy_schedules(ServeClient& client, const service::SamProject& project) {
  for (const service::SamSchedule& s : project.schedules) {
    auto found = client.rest("GET", schedule_path(s) + group_query(s), Value());
    if (!found) return Unexpected<Error>(found.error());
    Value body = s.request;
    if (!s.group.empty()) body = json::with_member(body, "GroupName", Value::string(s.group));
    bool exists = found->status < 300;
    auto put = client.rest(exists ? "PUT" : "POST", schedule_path(s), body);
    if (!put) return Unexpected<Error>(put.error());
    if (put->status >= 300) {
      return fail("DeployFailed", s.where + ": schedule " + s.name + ": " + message_of(*put));
    }
    std::cout << "schedule " << s.name << " " << (exists ? "updated" : "created") << ": "
              << string_member(put->body, "ScheduleArn") << "\n";
  }
  return {};
}

Expected<void, Error> teardown_schedules(ServeClient& client, const service::SamProject& project) {
  for (const service::SamSchedule& s : project.schedules) {
    auto deleted = client.rest("DELETE", schedule_path(s) + group_query(s), Value());
    if (!deleted) return Unexpected<Error>(deleted.error());
    if (deleted->status == 404) {
      std::cout << "schedule " << s.name << " is not there\n";
      continue;
    }
    if (deleted->status >= 300) {
      return fail("TeardownFailed", s.where + ": schedule " + s.name + ": " + message_of(*deleted));
    }
    std::cout << "schedule " << s.name << " deleted\n";
  }
  return {};
}

Expected<void, Error> teardown_rules(ServeClient& client, const service::SamProject& project) {
  for (const service::SamRule& r : project.rules) {
    std::string name = string_member(r.rule, "Name");
    auto described = client.events("DescribeRule", rule_key(r.rule));
    if (!described) return Unexpected<Error>(described.error());
    if (described->status >= 300 && is_error(*described, "ResourceNotFoundException")) {
      std::cout << "rule " << name << " is not there\n";
      continue;
    }
    auto ids = target_ids(client, r);
    if (!ids) return Unexpected<Error>(ids.error());
    if (!ids->empty()) {
      std::vector<Value> listed;
      for (const std::string& id : *ids) listed.push_back(Value::string(id));
      auto removed = call(client, "TeardownFailed", r.where, "RemoveTargets",
                          with_rule(r.rule, "Ids", Value::array(std::move(listed))));
      if (!removed) return Unexpected<Error>(removed.error());
    }
    auto deleted = call(client, "TeardownFailed", r.where, "DeleteRule", rule_key(r.rule));
    if (!deleted) return Unexpected<Error>(deleted.error());
    std::cout << "rule " << name << " deleted\n";
  }
  return {};
}

Expected<void, Error> teardown_event_buses(ServeClient& client,
                                           const service::SamProject& project) {
  for (const service::SamHttpTarget& d : project.api_destinations) {
    if (auto ok = remove_http_target(client, d, "ApiDestination", "API destination"); !ok) {
      return ok;
    }
  }
  for (const service::SamHttpTarget& c : project.connections) {
    if (auto ok = remove_http_target(client, c, "Connection", "connection"); !ok) return ok;
  }
  for (const service::SamArchive& a : project.archives) {
    std::string name = string_member(a.request, "ArchiveName");
    auto deleted = client.events(
        "DeleteArchive", json::ObjectBuilder().add("ArchiveName", Value::string(name)).build());
    if (!deleted) return Unexpected<Error>(deleted.error());
    if (deleted->status >= 300 && !is_error(*deleted, "ResourceNotFoundException")) {
      return fail("TeardownFailed", a.where + ": archive " + name + ": " + message_of(*deleted));
    }
    std::cout << "archive " << name << (deleted->status < 300 ? " deleted" : " is not there")
              << "\n";
  }
  for (const service::SamScheduleGroup& g : project.schedule_groups) {
    auto deleted = client.rest("DELETE", "/schedule-groups/" + net::url_encode(g.name), Value());
    if (!deleted) return Unexpected<Error>(deleted.error());
    if (deleted->status >= 300 && deleted->status != 404) {
      return fail("TeardownFailed",
                  g.where + ": schedule group " + g.name + ": " + message_of(*deleted));
    }
    std::cout << "schedule group " << g.name
              << (deleted->status < 300 ? " deleted" : " is not there") << "\n";
  }
  for (const service::SamEventBus& bus : project.event_buses) {
    auto deleted = call(client, "TeardownFailed", bus.where, "DeleteEventBus",
                        json::ObjectBuilder().add("Name", Value::string(bus.name)).build());
    if (!deleted) return Unexpected<Error>(deleted.error());
    std::cout << "event bus " << bus.name << " deleted\n";
  }
  return {};
}

}  // namespace baton::cli
