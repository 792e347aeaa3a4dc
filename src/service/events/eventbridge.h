#pragma once

// The EventBridge service: buses (store::Kind::EventBus) and their rules (Kind::EventRule, the
// bus as parent, targets in the rule's record), kept in the store and indexed in memory; each
// bus holds its rules' compiled patterns in a PatternIndex, so PutEvents reads nothing from the
// store and tests only the rules an event can match. Delivery to targets (queues, topics,
// functions, state machines, other buses) goes through Core::call in the PutEvents' own group:
// an event is accepted together with every delivery it causes, or not at all. Internal to
// events/; it lives on the service thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asl/path.h"
#include "core/error.h"
#include "core/json.h"
#include "core/random.h"
#include "events/event_pattern.h"
#include "events/schedule_expression.h"
#include "service/core.h"
#include "service/events/input_transformer.h"

namespace baton::service::events {

// AWS's limits.
inline constexpr std::size_t kMaxTargetsPerRule = 5;
inline constexpr std::size_t kMaxPutEventsBytes = 256 * 1024;
// How many buses an event may cross (bus-to-bus targets), so that a cycle ends.
inline constexpr int kMaxBusHops = 5;

struct Target {
  std::string id;
  std::string arn;
  json::Value record;  // the Target as PutTargets gave it
  std::optional<asl::Path> input_path;
  std::optional<InputTransformer> transformer;
};

struct Rule {
  std::string name;
  std::string arn;
  std::string bus;  // the bus's name
  bool enabled = true;
  std::string pattern_text;
  std::string description;
  std::string role_arn;
  std::int64_t created_ms = 0;
  std::vector<Target> targets;
  // A scheduled rule's ScheduleExpression; rate() counts from schedule_from_ms (when it was
  // set). fired_through_ms: the last fire delivered (kept, so a restart neither repeats nor
  // forgets one). A timer armed for an earlier `generation` of the rule does nothing.
  std::optional<baton::events::ScheduleExpression> schedule;
  std::int64_t schedule_from_ms = 0;
  std::int64_t fired_through_ms = 0;
  std::uint64_t generation = 0;
  // The rule EventBridge makes for an archive ("Events-Archive-NAME"): its matches go to the
  // archive, not to targets. Kept with the archive, never stored as a rule, and changed only
  // through the archive (ManagedRuleException otherwise).
  std::string archive;
  std::string managed_by;

  const Target* target(std::string_view id) const;
};

// An archive (archives.cc): the events of its source bus that its pattern matches, kept as
// entries of its own store space, keyed by event time then sequence (a replay reads a time
// range in order). EventCount and SizeBytes count what the space holds.
struct Archive {
  std::string name;
  std::string arn;
  std::string bus;  // the source bus's name
  std::string description;
  std::string pattern_text;  // "" for every event
  std::string kms_key;
  std::int64_t retention_days = 0;  // 0: kept forever
  std::int64_t created_ms = 0;
  std::int64_t event_count = 0;
  std::int64_t size_bytes = 0;
  std::uint64_t next_sequence = 1;
  bool saving = false;  // a save is staged for the group being built

  std::string space() const { return "events-archive/" + arn; }
};

// A replay (replays.cc): the archive's events of [start_ms, end_ms) sent again to its bus in
// batches, each committed with the deliveries it made and the position it reached.
struct Replay {
  std::string name;
  std::string arn;
  std::string description;
  std::string archive_arn;
  std::string destination;  // the bus's ARN
  std::vector<std::string> filter_arns;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::string state;  // STARTING, RUNNING, CANCELLING, COMPLETED, CANCELLED, FAILED
  std::string state_reason;
  std::int64_t replay_start_ms = 0;
  std::int64_t replay_end_ms = 0;      // 0 until it ends
  std::int64_t last_replayed_ms = -1;  // -1 until an event is replayed
  std::string position;                // the key of the last entry replayed

  bool finished() const {
    return state == "COMPLETED" || state == "CANCELLED" || state == "FAILED";
  }
};

struct Bus {
  std::string name;
  std::string arn;
  std::string description;
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
  std::map<std::string, Rule> rules;  // by name
  baton::events::PatternIndex index;  // the enabled rules' patterns, by rule name
};

// A connection (its record as CreateConnection took it, secrets included) or an API
// destination (as CreateApiDestination took it), by name.
struct HttpResource {
  std::string name;
  std::string arn;
  json::Value record;
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
};

struct HttpDelivery;  // http_delivery.cc

struct EventBridge final : EmulatedService {
  explicit EventBridge(Core& c);

  std::string_view name() const override { return "events"; }
  std::string_view title() const override { return "EventBridge API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "InternalException"; }
  Expected<void, Error> recover() override;

  // Buses (buses.cc).
  void create_event_bus(const Request& r, Reply reply);
  void delete_event_bus(const Request& r, Reply reply);
  void describe_event_bus(const Request& r, Reply reply);
  void list_event_buses(const Request& r, Reply reply);
  // Rules and targets (rules.cc, targets.cc).
  void put_rule(const Request& r, Reply reply);
  void describe_rule(const Request& r, Reply reply);
  void delete_rule(const Request& r, Reply reply);
  void list_rules(const Request& r, Reply reply);
  void enable_rule(const Request& r, Reply reply);
  void disable_rule(const Request& r, Reply reply);
  void put_targets(const Request& r, Reply reply);
  void remove_targets(const Request& r, Reply reply);
  void list_targets_by_rule(const Request& r, Reply reply);
  void list_rule_names_by_target(const Request& r, Reply reply);
  // Events (put_events.cc).
  void put_events(const Request& r, Reply reply);
  void test_event_pattern(const Request& r, Reply reply);
  void put_service_event(const Request& r, Reply reply);
  // Connections and API destinations (api_destinations.cc).
  void create_connection(const Request& r, Reply reply);
  void update_connection(const Request& r, Reply reply);
  void describe_connection(const Request& r, Reply reply);
  void delete_connection(const Request& r, Reply reply);
  void list_connections(const Request& r, Reply reply);
  void create_api_destination(const Request& r, Reply reply);
  void update_api_destination(const Request& r, Reply reply);
  void describe_api_destination(const Request& r, Reply reply);
  void delete_api_destination(const Request& r, Reply reply);
  void list_api_destinations(const Request& r, Reply reply);
  void save(const HttpResource& resource, store::Kind kind);
  Expected<void, Error> recover_http_resources();
  // Sends `body` (made of `event`) to an API destination, after the commit, retried as the
  // target's RetryPolicy says; what fails for good goes to the dead-letter queue
  // (http_delivery.cc).
  void deliver_http(const Rule& rule, const Target& target, const json::Value& event,
                    std::string body);
  void send_http(std::shared_ptr<HttpDelivery> delivery);
  void put_cloud_events(const Request& r, Reply reply);
  // Archives (archives.cc).
  void create_archive(const Request& r, Reply reply);
  void describe_archive(const Request& r, Reply reply);
  void list_archives(const Request& r, Reply reply);
  void update_archive(const Request& r, Reply reply);
  void delete_archive(const Request& r, Reply reply);
  // The archive a request names by ArchiveName. Errors: ResourceNotFoundException.
  Result<Archive*> requested_archive(const Request& r);
  // Puts the archive's managed rule on its bus (when the bus is there), or replaces it.
  Expected<void, Error> attach(const Archive& archive);
  void attach_archives(Bus& bus);
  // Keeps `event` (an envelope its managed rule matched) in the archive, in the group.
  void archive_event(const std::string& archive, const json::Value& event);
  void save_archive(Archive& archive);
  // Drops what is older than each archive's retention, a bounded amount each pass.
  void expire_archives();
  Expected<void, Error> recover_archives();
  // Replays (replays.cc).
  void start_replay(const Request& r, Reply reply);
  void describe_replay(const Request& r, Reply reply);
  void list_replays(const Request& r, Reply reply);
  void cancel_replay(const Request& r, Reply reply);
  // Replays the next batch of a replay, then schedules the one after.
  void replay_batch(const std::string& name);
  void save_replay(const Replay& replay);
  Expected<void, Error> recover_replays();

  // An event's envelope, as AWS's targets receive it. Returns it with its new id.
  json::Value envelope(const std::string& source, const std::string& detail_type,
                       json::Value detail, std::vector<json::Value> resources, std::int64_t at_ms);

  // The bus a request names by EventBusName (a name or an ARN; the default bus when absent).
  // Errors: ResourceNotFoundException.
  Result<Bus*> requested_bus(const Request& r, std::string_view field = "EventBusName");
  Bus* bus_named(std::string_view name_or_arn);
  // The rule a request names by `field` on its bus. Errors: ResourceNotFoundException.
  Result<Rule*> requested_rule(const Request& r, std::string_view field);
  void set_enabled(const Request& r, Reply reply, bool enabled);
  store::Resource bus_resource(const Bus& bus) const;
  void save_bus(const Bus& bus);
  void save_rule(const Rule& rule);
  void index_rule(Bus& bus, const Rule& rule);
  // Scheduled rules (scheduled_rules.cc): the timer of the rule's next fire, and the fire.
  void arm(Rule& rule);
  void fire(const std::string& bus, const std::string& name, std::uint64_t generation,
            std::int64_t at_ms);
  json::Value describe(const Rule& rule) const;

  // Resumes the task a "evt.NAME.OUTCOME" event answers (conversations.cc).
  void answer_conversation(const json::Value& event);
  // Sends `event` (an accepted envelope) to every target of every enabled rule it matches, and
  // keeps it in every archive whose rule matches. A replayed event goes to rules only, those
  // of the replay's FilterArns when it has some.
  void route(const Bus& bus, const json::Value& event, int hops, const Replay* replay = nullptr);
  void deliver(const Rule& rule, const Target& target, const json::Value& event, int hops);
  // Sends what could not be delivered to the target's dead-letter queue, if it has one.
  void to_dead_letter(const std::string& rule_arn, const Target& target, const std::string& body,
                      const Error& error);

  std::string bus_arn(std::string_view name) const;
  std::string rule_arn(std::string_view bus, std::string_view name) const;

  Core& core;
  const std::vector<Operation> table;
  std::map<std::string, Bus> buses;                      // by name
  std::map<std::string, HttpResource> connections;       // by name
  std::map<std::string, HttpResource> api_destinations;  // by name
  std::map<std::string, Archive> archives;               // by name
  std::map<std::string, Replay> replays;                 // by name
  Random random;
};

json::Value text(std::string_view s);
// Reads one target as PutTargets takes it (and as the store keeps it). Errors:
// ValidationException naming the target.
Result<Target> read_target(const json::Value& entry);
// A string member of an object, or "" when it has none.
std::string string_member(const json::Value& object, std::string_view name);

// One page of a listing by name (ListEventBuses, ListRules): the request's NamePrefix, Limit
// and NextToken (the last name of the page before) read from `r`, answered as {list_name:
// [item...], NextToken}. Errors: the request's.
// `keep`, when given, says which items the listing shows.
template <class Item>
Result<json::Value> name_page(const Request& r, const std::map<std::string, Item>& items,
                              std::string_view list_name,
                              const std::function<json::Value(const Item&)>& describe,
                              const std::function<bool(const Item&)>& keep = {}) {
  auto prefix = r.string("NamePrefix");
  if (!prefix) return Unexpected<Error>(prefix.error());
  auto limit = r.integer("Limit");
  if (!limit) return Unexpected<Error>(limit.error());
  auto after = r.string("NextToken");
  if (!after) return Unexpected<Error>(after.error());
  std::size_t most = static_cast<std::size_t>(limit->value_or(100));
  std::vector<json::Value> listed;
  std::string last;
  std::string next;
  for (auto it = items.upper_bound(after->value_or("")); it != items.end(); ++it) {
    if (!it->first.starts_with(prefix->value_or(""))) continue;
    if (keep && !keep(it->second)) continue;
    if (listed.size() == most) {
      next = last;
      break;
    }
    listed.push_back(describe(it->second));
    last = it->first;
  }
  json::ObjectBuilder out;
  out.add(list_name, json::Value::array(std::move(listed)));
  if (!next.empty()) out.add("NextToken", text(next));
  return out.build();
}
Unexpected<Error> not_found(const std::string& message);
Unexpected<Error> validation(const std::string& message);
// The error of a change to a rule EventBridge manages (an archive's), or nothing.
std::optional<Error> managed(const Rule& rule);
// An archived event's key in its archive's space: its time (ms), then a sequence, big-endian.
std::string archive_key(std::int64_t time_ms, std::uint64_t sequence);
std::int64_t time_of_archive_key(std::string_view key);
// A request's timestamp field (epoch seconds) in milliseconds. Errors: ValidationException.
Result<std::optional<std::int64_t>> timestamp_ms(const Request& r, std::string_view field);
// The name of an archive or replay, as AWS's model constrains it ([.\-_A-Za-z0-9]+, at most
// `longest`). Errors: ValidationException naming the field.
Expected<void, Error> check_name(std::string_view field, const std::string& name,
                                 std::size_t longest);

}  // namespace baton::service::events
