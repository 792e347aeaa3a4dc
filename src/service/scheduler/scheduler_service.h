#pragma once

// EventBridge Scheduler: groups (store::Kind::ScheduleGroup) and their schedules
// (Kind::Schedule, the group as parent), kept in the store and in memory, each enabled
// schedule with a timer for its next fire. A fire calls the schedule's target through
// Core::call and commits with the schedule's record of it (the last time fired), so a restart
// neither repeats nor forgets a fire. Internal to scheduler/; it lives on the service thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/random.h"
#include "events/schedule_expression.h"
#include "events/time_zone.h"
#include "service/core.h"

namespace baton::service::scheduler {

inline constexpr std::string_view kDefaultGroup = "default";

struct Group {
  std::string name;
  std::string arn;
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
  std::map<std::string, std::string> tags;
};

struct Schedule {
  std::string name;
  std::string group;
  std::string arn;
  // What CreateSchedule or UpdateSchedule took (Target, FlexibleTimeWindow, Description,
  // StartDate, EndDate, State, ActionAfterCompletion, ScheduleExpression,
  // ScheduleExpressionTimezone, KmsKeyArn), as GetSchedule answers it.
  json::Value spec;
  std::optional<baton::events::ScheduleExpression> expression;
  std::shared_ptr<const baton::events::TimeZone> zone;
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
  // Where a rate() counts from: StartDate, else when its expression was set.
  std::int64_t anchor_ms = 0;
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  bool enabled = true;
  // The scheduled time of the last fire (0: none yet). A timer armed for an earlier
  // `generation` does nothing.
  std::int64_t fired_through_ms = 0;
  std::uint64_t generation = 0;
};

struct Scheduler final : EmulatedService {
  explicit Scheduler(Core& c);

  std::string_view name() const override { return "scheduler"; }
  std::string_view title() const override { return "EventBridge Scheduler API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "InternalServerException"; }
  Expected<void, Error> recover() override;

  // Groups and tags (groups.cc).
  void create_schedule_group(const Request& r, Reply reply);
  void delete_schedule_group(const Request& r, Reply reply);
  void get_schedule_group(const Request& r, Reply reply);
  void list_schedule_groups(const Request& r, Reply reply);
  void tag_resource(const Request& r, Reply reply);
  void untag_resource(const Request& r, Reply reply);
  void list_tags_for_resource(const Request& r, Reply reply);
  // Schedules (schedules.cc).
  void create_schedule(const Request& r, Reply reply);
  void update_schedule(const Request& r, Reply reply);
  void get_schedule(const Request& r, Reply reply);
  void delete_schedule(const Request& r, Reply reply);
  void list_schedules(const Request& r, Reply reply);

  // Reads a CreateSchedule or UpdateSchedule request into `s` (its name and group set).
  // Errors: ValidationException, naming the member.
  Expected<void, Error> read_spec(const Request& r, Schedule& s);
  // The group a request names by `field` (the default group when absent). Errors:
  // ResourceNotFoundException.
  Result<Group*> requested_group(const Request& r, std::string_view field);
  Result<Schedule*> requested_schedule(const Request& r);
  // A time zone by its IANA name, read from the system's zoneinfo once. Errors:
  // ValidationException.
  Result<std::shared_ptr<const baton::events::TimeZone>> zone_named(const std::string& name);
  store::Resource group_resource(const Group& g) const;
  void save(const Group& g);
  void save(const Schedule& s);
  void remove(Schedule& s);
  json::Value describe(const Schedule& s) const;

  // Firing (firing.cc): the timer of the next fire, the fire, the target's call.
  // Whether it fires again.
  bool arm(Schedule& s);
  void fire(const std::string& group, const std::string& name, std::uint64_t generation,
            std::int64_t scheduled_ms);
  void invoke_target(const Schedule& s, std::int64_t scheduled_ms);
  void to_dead_letter(const Schedule& s, const std::string& input, const Error& error);

  std::string group_arn(std::string_view name) const;
  std::string schedule_arn(std::string_view group, std::string_view name) const;

  Core& core;
  const std::vector<Operation> table;
  std::map<std::string, Group> groups;                               // by name
  std::map<std::string, std::map<std::string, Schedule>> schedules;  // by group, then name
  std::map<std::string, std::shared_ptr<const baton::events::TimeZone>> zones;
  Random random;
};

json::Value text(std::string_view s);
// A string member of an object, or "" when it has none.
std::string member(const json::Value& object, std::string_view name);
// Epoch seconds, as the protocol layer takes and gives timestamps.
json::Value epoch(std::int64_t ms);
Unexpected<Error> validation(const std::string& message);
Unexpected<Error> not_found(const std::string& message);

}  // namespace baton::service::scheduler
