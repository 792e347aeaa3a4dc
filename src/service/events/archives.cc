// Archives: the events of a bus that an archive's pattern matches, kept durably so that a replay
// (replays.cc) can send them again. As on AWS, an archive works through a managed rule on its
// source bus, "Events-Archive-NAME", whose pattern is the archive's with
// {"replay-name": [{"exists": false}]} added, so replayed events are not archived again. An
// archived event is staged in the group of the PutEvents that accepted it: once PutEvents has
// answered, the event is in every archive it matched. Events older than an archive's
// RetentionDays (by their time) are dropped by a pass every ten minutes, a bounded number each.

#include <cmath>

#include "core/time.h"
#include "service/events/eventbridge.h"
#include "store/each_resource.h"

namespace baton::service::events {

using json::Value;

namespace {

// The ManagedBy AWS shows on the rules it makes for archives.
constexpr std::string_view kArchiveRuleManager = "prod.vhs.events.aws.internal";
constexpr std::string_view kArchiveRulePrefix = "Events-Archive-";
// AWS's limits on ArchiveName and Description.
constexpr std::size_t kMaxArchiveName = 48;
constexpr std::size_t kMaxDescription = 512;
// How often retention is applied, and how many events one pass drops from one archive.
constexpr std::int64_t kRetentionPassMs = 10 * 60 * 1000;
constexpr std::size_t kExpiredPerPass = 1000;
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

std::string big_endian(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

// The pattern of an archive's managed rule: the archive's, less replayed events.
std::string managed_pattern(const std::string& pattern_text) {
  Value base = Value::object({});
  if (!pattern_text.empty()) {
    if (auto parsed = json::parse(pattern_text); parsed && parsed->is_object()) base = *parsed;
  }
  Value absent = Value::array({json::ObjectBuilder().add("exists", Value::boolean(false)).build()});
  return json::to_string(json::with_member(base, "replay-name", std::move(absent)));
}

Value archive_summary(const Archive& a, const std::string& bus_arn) {
  json::ObjectBuilder out;
  out.add("ArchiveName", text(a.name));
  out.add("EventSourceArn", text(bus_arn));
  out.add("State", text("ENABLED"));
  out.add("RetentionDays", Value::integer(a.retention_days));
  out.add("SizeBytes", Value::integer(a.size_bytes));
  out.add("EventCount", Value::integer(a.event_count));
  out.add("CreationTime", epoch(a.created_ms));
  return out.build();
}

Value archive_answer(const Archive& a) {
  return json::ObjectBuilder()
      .add("ArchiveArn", text(a.arn))
      .add("State", text("ENABLED"))
      .add("CreationTime", epoch(a.created_ms))
      .build();
}

}  // namespace

std::string archive_key(std::int64_t time_ms, std::uint64_t sequence) {
  return big_endian(static_cast<std::uint64_t>(std::max<std::int64_t>(time_ms, 0))) +
         big_endian(sequence);
}

std::int64_t time_of_archive_key(std::string_view key) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < key.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(key[i]);
  }
  return static_cast<std::int64_t>(v);
}

Result<std::optional<std::int64_t>> timestamp_ms(const Request& r, std::string_view field) {
  const Value* v = r.field(field);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (!v->is_number()) {
    return validation("Parameter " + std::string(field) +
                      " is not valid. Reason: " + std::string(field) + " must be a timestamp.");
  }
  return std::optional<std::int64_t>(std::llround(v->as_double() * 1000));
}

Expected<void, Error> check_name(std::string_view field, const std::string& name,
                                 std::size_t longest) {
  bool allowed = !name.empty() && name.size() <= longest;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    allowed = allowed && ok;
  }
  if (allowed) return {};
  return validation("1 validation error detected: Value '" + name + "' at '" + std::string(field) +
                    "' failed to satisfy constraint: Member must satisfy " +
                    "regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 " +
                    "and " + std::to_string(longest));
}

Result<Archive*> EventBridge::requested_archive(const Request& r) {
  auto name = r.required("ArchiveName");
  if (!name) return Unexpected<Error>(name.error());
  auto it = archives.find(*name);
  if (it == archives.end()) return not_found("Archive " + *name + " does not exist.");
  return &it->second;
}

Expected<void, Error> EventBridge::attach(const Archive& archive) {
  auto b = buses.find(archive.bus);
  if (b == buses.end()) return {};
  Bus& bus = b->second;
  std::string pattern_text = managed_pattern(archive.pattern_text);
  auto pattern = baton::events::EventPattern::parse(pattern_text);
  if (!pattern) return Unexpected<Error>(pattern.error());
  std::string name = std::string(kArchiveRulePrefix) + archive.name;
  Rule& rule = bus.rules[name];
  rule.name = name;
  rule.arn = rule_arn(bus.name, name);
  rule.bus = bus.name;
  rule.pattern_text = pattern_text;
  rule.created_ms = archive.created_ms;
  rule.archive = archive.name;
  rule.managed_by = std::string(kArchiveRuleManager);
  bus.index.put(name, std::move(*pattern));
  return {};
}

void EventBridge::attach_archives(Bus& bus) {
  for (const auto& [name, archive] : archives) {
    if (archive.bus != bus.name) continue;
    // Accepted when it was made; a failure now is a store written by another version.
    if (auto attached = attach(archive); !attached) {
      core.warn("EventBridge archive " + archive.arn + ": " + attached.error().cause);
    }
  }
}

void EventBridge::save_archive(Archive& archive) {
  // Saved once per group, with what the group changed of it (counts, sequence).
  if (archive.saving) return;
  archive.saving = true;
  core.before_commit([this, name = archive.name] {
    auto it = archives.find(name);
    if (it == archives.end()) return;
    Archive& a = it->second;
    a.saving = false;
    store::Resource resource;
    resource.kind = store::Kind::EventArchive;
    resource.arn = a.arn;
    resource.name = a.name;
    resource.parent_arn = bus_arn(a.bus);
    resource.created_ms = a.created_ms;
    json::ObjectBuilder record;
    if (!a.description.empty()) record.add("Description", text(a.description));
    if (!a.pattern_text.empty()) record.add("EventPattern", text(a.pattern_text));
    if (!a.kms_key.empty()) record.add("KmsKeyIdentifier", text(a.kms_key));
    record.add("RetentionDays", Value::integer(a.retention_days));
    record.add("EventCount", Value::integer(a.event_count));
    record.add("SizeBytes", Value::integer(a.size_bytes));
    record.add("NextSequence", Value::integer(static_cast<std::int64_t>(a.next_sequence)));
    resource.record = record.build();
    core.stage(store::ops::PutResource{std::move(resource)});
  });
}

void EventBridge::create_archive(const Request& r, Reply reply) {
  auto name = r.required("ArchiveName");
  if (!name) return reply(Unexpected<Error>(name.error()));
  if (auto ok = check_name("archiveName", *name, kMaxArchiveName); !ok) {
    return reply(Unexpected<Error>(ok.error()));
  }
  auto source = r.required("EventSourceArn");
  if (!source) return reply(Unexpected<Error>(source.error()));
  auto description = r.string("Description");
  if (!description) return reply(Unexpected<Error>(description.error()));
  auto pattern_text = r.string("EventPattern");
  if (!pattern_text) return reply(Unexpected<Error>(pattern_text.error()));
  auto retention = r.integer("RetentionDays");
  if (!retention) return reply(Unexpected<Error>(retention.error()));
  auto kms = r.string("KmsKeyIdentifier");
  if (!kms) return reply(Unexpected<Error>(kms.error()));
  if (!source->starts_with(bus_arn(""))) {
    return reply(validation("Parameter EventSourceArn is not valid. Reason: " + *source +
                            " is not the ARN of an event bus."));
  }
  Bus* bus = bus_named(*source);
  if (bus == nullptr) {
    return reply(
        not_found("Event bus " + source->substr(source->rfind('/') + 1) + " does not exist."));
  }
  if (description->value_or("").size() > kMaxDescription) {
    return reply(validation("Parameter Description is not valid. Reason: it is longer than 512."));
  }
  if (retention->value_or(0) < 0) {
    return reply(
        validation("Parameter RetentionDays is not valid. Reason: RetentionDays must "
                   "be 0 (to keep events forever) or more."));
  }
  if (*pattern_text) {
    auto compiled = baton::events::EventPattern::parse(**pattern_text);
    if (!compiled) return reply(Unexpected<Error>(compiled.error()));
  }
  if (archives.contains(*name)) {
    return reply(fail("ResourceAlreadyExistsException", "Archive " + *name + " already exists."));
  }
  std::string rule_name = std::string(kArchiveRulePrefix) + *name;
  if (bus->rules.contains(rule_name)) {
    return reply(fail("ResourceAlreadyExistsException",
                      "Rule " + rule_name + " already exists on EventBus " + bus->name + "."));
  }
  Archive archive;
  archive.name = *name;
  archive.arn = "arn:aws:events:" + core.options.partition.region + ":" +
                core.options.partition.account + ":archive/" + *name;
  archive.bus = bus->name;
  archive.description = description->value_or("");
  archive.pattern_text = pattern_text->value_or("");
  archive.kms_key = kms->value_or("");
  archive.retention_days = retention->value_or(0);
  archive.created_ms = core.now_ms();
  if (auto attached = attach(archive); !attached) return reply(Unexpected<Error>(attached.error()));
  Archive& kept = archives.emplace(archive.name, std::move(archive)).first->second;
  save_archive(kept);
  core.answer(reply, archive_answer(kept));
}

void EventBridge::describe_archive(const Request& r, Reply reply) {
  auto archive = requested_archive(r);
  if (!archive) return reply(Unexpected<Error>(archive.error()));
  const Archive& a = **archive;
  json::ObjectBuilder out;
  out.add("ArchiveArn", text(a.arn));
  Value summary = archive_summary(a, bus_arn(a.bus));
  for (const json::Member& m : summary.members()) out.add(m.name(), m.value);
  if (!a.description.empty()) out.add("Description", text(a.description));
  if (!a.pattern_text.empty()) out.add("EventPattern", text(a.pattern_text));
  if (!a.kms_key.empty()) out.add("KmsKeyIdentifier", text(a.kms_key));
  core.answer(reply, out.build());
}

void EventBridge::list_archives(const Request& r, Reply reply) {
  auto source = r.string("EventSourceArn");
  if (!source) return reply(Unexpected<Error>(source.error()));
  auto state = r.string("State");
  if (!state) return reply(Unexpected<Error>(state.error()));
  std::string wanted_bus;
  if (*source) {
    const Bus* bus = bus_named(**source);
    if (bus == nullptr) {
      return reply(not_found("Event bus " + (*source)->substr((*source)->rfind('/') + 1) +
                             " does not exist."));
    }
    wanted_bus = bus->name;
  }
  // Every archive is ENABLED: another State lists none.
  std::string wanted_state = state->value_or("ENABLED");
  auto page = name_page<Archive>(
      r, archives, "Archives",
      [this](const Archive& a) { return archive_summary(a, bus_arn(a.bus)); },
      [&](const Archive& a) {
        return wanted_state == "ENABLED" && (wanted_bus.empty() || a.bus == wanted_bus);
      });
  if (!page) return reply(Unexpected<Error>(page.error()));
  core.answer(reply, std::move(*page));
}

void EventBridge::update_archive(const Request& r, Reply reply) {
  auto archive = requested_archive(r);
  if (!archive) return reply(Unexpected<Error>(archive.error()));
  auto description = r.string("Description");
  if (!description) return reply(Unexpected<Error>(description.error()));
  auto pattern_text = r.string("EventPattern");
  if (!pattern_text) return reply(Unexpected<Error>(pattern_text.error()));
  auto retention = r.integer("RetentionDays");
  if (!retention) return reply(Unexpected<Error>(retention.error()));
  auto kms = r.string("KmsKeyIdentifier");
  if (!kms) return reply(Unexpected<Error>(kms.error()));
  if (description->value_or("").size() > kMaxDescription) {
    return reply(validation("Parameter Description is not valid. Reason: it is longer than 512."));
  }
  if (retention->value_or(0) < 0) {
    return reply(
        validation("Parameter RetentionDays is not valid. Reason: RetentionDays must "
                   "be 0 (to keep events forever) or more."));
  }
  Archive& a = **archive;
  if (*pattern_text) {
    auto compiled = baton::events::EventPattern::parse(**pattern_text);
    if (!compiled) return reply(Unexpected<Error>(compiled.error()));
    a.pattern_text = **pattern_text;
    if (auto attached = attach(a); !attached) return reply(Unexpected<Error>(attached.error()));
  }
  if (*description) a.description = **description;
  if (*retention) a.retention_days = **retention;
  if (*kms) a.kms_key = **kms;
  save_archive(a);
  core.answer(reply, archive_answer(a));
}

void EventBridge::delete_archive(const Request& r, Reply reply) {
  auto archive = requested_archive(r);
  if (!archive) return reply(Unexpected<Error>(archive.error()));
  Archive& a = **archive;
  if (auto b = buses.find(a.bus); b != buses.end()) {
    std::string rule_name = std::string(kArchiveRulePrefix) + a.name;
    b->second.index.erase(rule_name);
    b->second.rules.erase(rule_name);
  }
  core.stage(store::ops::DeleteSpace{a.space()});
  core.stage(store::ops::DeleteResource{store::Kind::EventArchive, a.arn});
  archives.erase(a.name);
  core.answer(reply, Value::object({}));
}

void EventBridge::archive_event(const std::string& name, const Value& event) {
  auto it = archives.find(name);
  if (it == archives.end()) return;
  Archive& a = it->second;
  std::int64_t at = core.now_ms();
  if (auto time = parse_rfc3339(string_member(event, "time"))) at = time->millis();
  std::string body = json::to_string(event);
  a.event_count += 1;
  a.size_bytes += static_cast<std::int64_t>(body.size());
  core.stage(store::ops::PutEntry{a.space(), archive_key(at, a.next_sequence++), std::move(body)});
  save_archive(a);
}

void EventBridge::expire_archives() {
  std::int64_t now = core.now_ms();
  bool more = false;
  for (auto& [name, a] : archives) {
    if (a.retention_days <= 0) continue;
    std::int64_t cutoff = now - a.retention_days * kDayMs;
    auto oldest = core.store->entries(a.space(), "", kExpiredPerPass);
    if (!oldest) {
      core.warn("EventBridge archive " + a.arn + ": " + oldest.error().cause);
      continue;
    }
    std::size_t dropped = 0;
    for (const store::Entry& e : *oldest) {
      if (time_of_archive_key(e.key) >= cutoff) break;
      core.stage(store::ops::DeleteEntry{a.space(), e.key});
      a.event_count = std::max<std::int64_t>(a.event_count - 1, 0);
      a.size_bytes =
          std::max<std::int64_t>(a.size_bytes - static_cast<std::int64_t>(e.value.size()), 0);
      ++dropped;
    }
    if (dropped > 0) save_archive(a);
    if (dropped == kExpiredPerPass) more = true;
  }
  // What is left past the bound goes in the next pass, soon: each pass is one commit.
  core.at(now + (more ? 1000 : kRetentionPassMs), [this] { expire_archives(); });
}

Expected<void, Error> EventBridge::recover_archives() {
  auto recovered =
      store::each_resource(*core.store, store::Kind::EventArchive, "", [&](store::Resource& r) {
        Archive a;
        a.name = r.name;
        a.arn = r.arn;
        a.bus = r.parent_arn.substr(r.parent_arn.rfind('/') + 1);
        a.created_ms = r.created_ms;
        a.description = string_member(r.record, "Description");
        a.pattern_text = string_member(r.record, "EventPattern");
        a.kms_key = string_member(r.record, "KmsKeyIdentifier");
        auto integer = [&](std::string_view key) {
          const Value* v = r.record.find(key);
          return v != nullptr && v->is_int64() ? v->as_int64() : 0;
        };
        a.retention_days = integer("RetentionDays");
        a.event_count = integer("EventCount");
        a.size_bytes = integer("SizeBytes");
        a.next_sequence =
            static_cast<std::uint64_t>(std::max<std::int64_t>(integer("NextSequence"), 1));
        archives.emplace(a.name, std::move(a));
      });
  if (!recovered) return recovered;
  core.at(core.now_ms() + kRetentionPassMs, [this] { expire_archives(); });
  return {};
}

}  // namespace baton::service::events
