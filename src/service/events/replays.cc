// Replays: an archive's events of a time range sent again to the archive's bus, each with a
// "replay-name" member, to its rules (all, or those of Destination.FilterArns) and never to its
// archives. A replay runs in the background in batches of kReplayBatch events in the order of
// their time, each batch committed with the deliveries it made and the position it reached: a
// restart resumes after the last batch committed, and nothing is replayed twice. Replays are
// kept once they end, as AWS lists them.

#include "service/events/eventbridge.h"
#include "store/each_resource.h"

namespace baton::service::events {

using json::Value;

namespace {

// AWS's limits on ReplayName and Description.
constexpr std::size_t kMaxReplayName = 64;
constexpr std::size_t kMaxDescription = 512;
// Events replayed in one commit, and the pause between two batches (live traffic goes first).
constexpr std::size_t kReplayBatch = 100;
constexpr std::int64_t kReplayPauseMs = 10;
// Replays running at once, at most (AWS has a quota on concurrent replays too).
constexpr std::size_t kMaxRunningReplays = 10;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

std::string unhex(std::string_view digits) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return 0;
  };
  std::string out;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out += static_cast<char>(value(digits[i]) * 16 + value(digits[i + 1]));
  }
  return out;
}

// What ListReplays shows of a replay; DescribeReplay adds to it.
void add_summary(json::ObjectBuilder& out, const Replay& r) {
  out.add("ReplayName", text(r.name));
  out.add("EventSourceArn", text(r.archive_arn));
  out.add("State", text(r.state));
  if (!r.state_reason.empty()) out.add("StateReason", text(r.state_reason));
  out.add("EventStartTime", epoch(r.start_ms));
  out.add("EventEndTime", epoch(r.end_ms));
  if (r.last_replayed_ms >= 0) out.add("EventLastReplayedTime", epoch(r.last_replayed_ms));
  out.add("ReplayStartTime", epoch(r.replay_start_ms));
  if (r.replay_end_ms > 0) out.add("ReplayEndTime", epoch(r.replay_end_ms));
}

Value destination(const Replay& r) {
  json::ObjectBuilder out;
  out.add("Arn", text(r.destination));
  if (!r.filter_arns.empty()) {
    std::vector<Value> arns;
    for (const std::string& arn : r.filter_arns) arns.push_back(text(arn));
    out.add("FilterArns", Value::array(std::move(arns)));
  }
  return out.build();
}

}  // namespace

void EventBridge::start_replay(const Request& r, Reply reply) {
  auto name = r.required("ReplayName");
  if (!name) return reply(Unexpected<Error>(name.error()));
  if (auto ok = check_name("replayName", *name, kMaxReplayName); !ok) {
    return reply(Unexpected<Error>(ok.error()));
  }
  auto source = r.required("EventSourceArn");
  if (!source) return reply(Unexpected<Error>(source.error()));
  auto description = r.string("Description");
  if (!description) return reply(Unexpected<Error>(description.error()));
  auto start = timestamp_ms(r, "EventStartTime");
  if (!start) return reply(Unexpected<Error>(start.error()));
  auto end = timestamp_ms(r, "EventEndTime");
  if (!end) return reply(Unexpected<Error>(end.error()));
  if (!*start) return reply(validation("Parameter EventStartTime is required."));
  if (!*end) return reply(validation("Parameter EventEndTime is required."));
  const Value* dest = r.field("Destination");
  std::string dest_arn = dest != nullptr ? string_member(*dest, "Arn") : std::string();
  if (dest_arn.empty()) return reply(validation("Parameter Destination.Arn is required."));
  if (description->value_or("").size() > kMaxDescription) {
    return reply(validation("Parameter Description is not valid. Reason: it is longer than 512."));
  }
  const Archive* archive = nullptr;
  for (const auto& [n, a] : archives) {
    if (a.arn == *source) archive = &a;
  }
  if (archive == nullptr) {
    return reply(
        not_found("Archive " + source->substr(source->rfind('/') + 1) + " does not exist."));
  }
  if (**start >= **end) {
    return reply(
        validation("Parameter EventStartTime is not valid. Reason: EventStartTime must "
                   "be before EventEndTime."));
  }
  if (**end > core.now_ms()) {
    return reply(
        validation("Parameter EventEndTime is not valid. Reason: EventEndTime must be "
                   "before the current time."));
  }
  // A replay goes back to the bus its archive receives from, as on AWS.
  if (dest_arn != bus_arn(archive->bus)) {
    return reply(
        validation("Parameter Destination.Arn is not valid. Reason: Cross event bus "
                   "replay is not permitted."));
  }
  const Bus* bus = bus_named(dest_arn);
  if (bus == nullptr) return reply(not_found("Event bus " + archive->bus + " does not exist."));
  std::vector<std::string> filter_arns;
  if (const Value* filters = dest->find("FilterArns"); filters != nullptr && filters->is_array()) {
    for (const Value& f : filters->as_array()) {
      std::string arn = f.is_string() ? std::string(f.as_string()) : std::string();
      bool found = false;
      for (const auto& [rule_name, rule] : bus->rules) found = found || rule.arn == arn;
      if (!found) {
        return reply(not_found("Parameter Destination.FilterArns is not valid: rule " + arn +
                               " does not exist on EventBus " + bus->name + "."));
      }
      filter_arns.push_back(std::move(arn));
    }
  }
  if (replays.contains(*name)) {
    return reply(fail("ResourceAlreadyExistsException", "Replay " + *name + " already exists."));
  }
  std::size_t running = 0;
  for (const auto& [n, other] : replays) running += other.finished() ? 0 : 1;
  if (running >= kMaxRunningReplays) {
    return reply(fail("LimitExceededException",
                      "At most " + std::to_string(kMaxRunningReplays) +
                          " replays can run at once; wait for one to end or cancel one."));
  }
  Replay replay;
  replay.name = *name;
  replay.arn = "arn:aws:events:" + core.options.partition.region + ":" +
               core.options.partition.account + ":replay/" + *name;
  replay.description = description->value_or("");
  replay.archive_arn = archive->arn;
  replay.destination = dest_arn;
  replay.filter_arns = std::move(filter_arns);
  replay.start_ms = **start;
  replay.end_ms = **end;
  replay.state = "STARTING";
  replay.replay_start_ms = core.now_ms();
  Replay& kept = replays.emplace(replay.name, std::move(replay)).first->second;
  save_replay(kept);
  core.at(core.now_ms(), [this, name = kept.name] { replay_batch(name); });
  core.answer(reply, json::ObjectBuilder()
                         .add("ReplayArn", text(kept.arn))
                         .add("State", text(kept.state))
                         .add("ReplayStartTime", epoch(kept.replay_start_ms))
                         .build());
}

void EventBridge::replay_batch(const std::string& name) {
  auto it = replays.find(name);
  if (it == replays.end() || it->second.finished()) return;
  Replay& replay = it->second;
  std::int64_t now = core.now_ms();
  auto finish = [&](std::string state, std::string reason) {
    replay.state = std::move(state);
    replay.state_reason = std::move(reason);
    replay.replay_end_ms = now;
    save_replay(replay);
  };
  if (replay.state == "CANCELLING") return finish("CANCELLED", "");
  const Archive* archive = nullptr;
  for (const auto& [n, a] : archives) {
    if (a.arn == replay.archive_arn) archive = &a;
  }
  if (archive == nullptr) return finish("FAILED", "The archive was deleted during the replay.");
  const Bus* bus = bus_named(replay.destination);
  if (bus == nullptr) return finish("FAILED", "The event bus was deleted during the replay.");
  std::string after = replay.position.empty() ? archive_key(replay.start_ms, 0) : replay.position;
  auto batch = core.store->entries(archive->space(), after, kReplayBatch);
  if (!batch) {
    core.warn("EventBridge replay " + replay.arn + ": " + batch.error().cause +
              "; trying again in a second");
    core.at(now + 1000, [this, name] { replay_batch(name); });
    return;
  }
  replay.state = "RUNNING";
  bool done = batch->size() < kReplayBatch;
  for (const store::Entry& e : *batch) {
    std::int64_t time = time_of_archive_key(e.key);
    if (time >= replay.end_ms) {
      done = true;
      break;
    }
    auto event = json::parse(e.value);
    if (event && event->is_object()) {
      route(*bus, json::with_member(*event, "replay-name", text(replay.name)), 0, &replay);
    } else {
      core.warn("EventBridge replay " + replay.arn + ": an unreadable event in " + archive->arn +
                " is skipped");
    }
    replay.position = e.key;
    replay.last_replayed_ms = time;
  }
  if (done) {
    replay.state = "COMPLETED";
    replay.replay_end_ms = now;
  }
  save_replay(replay);
  if (!done) core.at(now + kReplayPauseMs, [this, name] { replay_batch(name); });
}

void EventBridge::save_replay(const Replay& r) {
  store::Resource resource;
  resource.kind = store::Kind::EventReplay;
  resource.arn = r.arn;
  resource.name = r.name;
  resource.parent_arn = r.archive_arn;
  resource.created_ms = r.replay_start_ms;
  json::ObjectBuilder record;
  if (!r.description.empty()) record.add("Description", text(r.description));
  record.add("Destination", destination(r));
  record.add("EventStartTime", Value::integer(r.start_ms));
  record.add("EventEndTime", Value::integer(r.end_ms));
  record.add("State", text(r.state));
  if (!r.state_reason.empty()) record.add("StateReason", text(r.state_reason));
  record.add("ReplayEndTime", Value::integer(r.replay_end_ms));
  record.add("EventLastReplayedTime", Value::integer(r.last_replayed_ms));
  record.add("Position", text(hex(r.position)));
  resource.record = record.build();
  core.stage(store::ops::PutResource{std::move(resource)});
}

void EventBridge::describe_replay(const Request& r, Reply reply) {
  auto name = r.required("ReplayName");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = replays.find(*name);
  if (it == replays.end()) return reply(not_found("Replay " + *name + " does not exist."));
  const Replay& replay = it->second;
  json::ObjectBuilder out;
  out.add("ReplayArn", text(replay.arn));
  add_summary(out, replay);
  if (!replay.description.empty()) out.add("Description", text(replay.description));
  out.add("Destination", destination(replay));
  core.answer(reply, out.build());
}

void EventBridge::list_replays(const Request& r, Reply reply) {
  auto state = r.string("State");
  if (!state) return reply(Unexpected<Error>(state.error()));
  auto source = r.string("EventSourceArn");
  if (!source) return reply(Unexpected<Error>(source.error()));
  auto page = name_page<Replay>(
      r, replays, "Replays",
      [](const Replay& replay) {
        json::ObjectBuilder out;
        add_summary(out, replay);
        return out.build();
      },
      [&](const Replay& replay) {
        return (!*state || replay.state == **state) && (!*source || replay.archive_arn == **source);
      });
  if (!page) return reply(Unexpected<Error>(page.error()));
  core.answer(reply, std::move(*page));
}

void EventBridge::cancel_replay(const Request& r, Reply reply) {
  auto name = r.required("ReplayName");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = replays.find(*name);
  if (it == replays.end()) return reply(not_found("Replay " + *name + " does not exist."));
  Replay& replay = it->second;
  if (replay.finished() || replay.state == "CANCELLING") {
    return reply(fail("IllegalStatusException",
                      "Replay " + *name + " is " + replay.state + " and cannot be cancelled."));
  }
  // The batch running next sees it and ends the replay CANCELLED.
  replay.state = "CANCELLING";
  save_replay(replay);
  core.answer(reply, json::ObjectBuilder()
                         .add("ReplayArn", text(replay.arn))
                         .add("State", text(replay.state))
                         .build());
}

Expected<void, Error> EventBridge::recover_replays() {
  auto recovered = store::each_resource(
      *core.store, store::Kind::EventReplay, "", [&](store::Resource& resource) {
        const Value& record = resource.record;
        auto integer = [&](std::string_view key, std::int64_t otherwise) {
          const Value* v = record.find(key);
          return v != nullptr && v->is_int64() ? v->as_int64() : otherwise;
        };
        Replay replay;
        replay.name = resource.name;
        replay.arn = resource.arn;
        replay.archive_arn = resource.parent_arn;
        replay.replay_start_ms = resource.created_ms;
        replay.description = string_member(record, "Description");
        if (const Value* dest = record.find("Destination"); dest != nullptr) {
          replay.destination = string_member(*dest, "Arn");
          if (const Value* filters = dest->find("FilterArns"); filters && filters->is_array()) {
            for (const Value& f : filters->as_array()) {
              if (f.is_string()) replay.filter_arns.emplace_back(f.as_string());
            }
          }
        }
        replay.start_ms = integer("EventStartTime", 0);
        replay.end_ms = integer("EventEndTime", 0);
        replay.state = string_member(record, "State");
        replay.state_reason = string_member(record, "StateReason");
        replay.replay_end_ms = integer("ReplayEndTime", 0);
        replay.last_replayed_ms = integer("EventLastReplayedTime", -1);
        replay.position = unhex(string_member(record, "Position"));
        bool resume = !replay.finished();
        std::string name = replay.name;
        replays.emplace(name, std::move(replay));
        // Where it was: after the last batch committed.
        if (resume) core.at(core.now_ms(), [this, name] { replay_batch(name); });
      });
  if (!recovered) return recovered;
  return {};
}

}  // namespace baton::service::events
