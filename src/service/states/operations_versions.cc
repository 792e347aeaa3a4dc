// State machine versions: PublishStateMachineVersion, ListStateMachineVersions,
// DeleteStateMachineVersion.

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

void StepFunctions::publish_state_machine_version(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto revision = r.string("revisionId");
  auto description = r.string("description");
  if (!revision || !description)
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return core.answer(reply, Unexpected<Error>(machine.error()));
  Value rec = machine->record;
  std::string current = string_or(rec, "revisionId");
  if (*revision && **revision != current) {
    return core.answer(
        reply, fail("ConflictException",
                    "Failed to publish the State Machine version for revision " + **revision +
                        ". The current State Machine revision is " + current + "."));
  }
  // Idempotent: the newest version of the current revision is returned again.
  std::string next;
  auto versions = core.store->resources(store::Kind::Version, machine->arn,
                                        store::PageRequest{"", 100000}, next);
  if (!versions) return core.answer(reply, Unexpected<Error>(versions.error()));
  for (const store::Resource& v : *versions) {
    if (string_or(v.record, "revisionId") == current) {
      return core.answer(reply, json::ObjectBuilder()
                                    .add("creationDate", epoch(v.created_ms))
                                    .add("stateMachineVersionArn", text(v.arn))
                                    .build());
    }
  }
  std::int64_t number = rec.find("nextVersion")->as_int64();
  std::int64_t now = core.now_ms();
  std::string version_arn = machine->arn + ":" + std::to_string(number);
  json::ObjectBuilder version;
  version.add("stateMachineVersionArn", text(version_arn));
  version.add("definition", *rec.find("definition"));
  version.add("roleArn", *rec.find("roleArn"));
  version.add("type", *rec.find("type"));
  version.add("revisionId", text(current));
  if (*description) version.add("description", text(**description));
  core.stage(store::ops::PutResource{store::Resource{store::Kind::Version, version_arn,
                                                     std::to_string(number), machine->arn, now,
                                                     version.build()}});
  machine->record = json::with_member(rec, "nextVersion", Value::integer(number + 1));
  core.stage(store::ops::PutResource{std::move(*machine)});
  core.answer(reply, json::ObjectBuilder()
                         .add("creationDate", epoch(now))
                         .add("stateMachineVersionArn", text(version_arn))
                         .build());
}

void StepFunctions::list_state_machine_versions(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return core.answer(reply, Unexpected<Error>(machine.error()));
  auto after = page_key(r);
  if (!after) return core.answer(reply, Unexpected<Error>(after.error()));
  // Newest first, as AWS lists them, across pages too: the token holds the number of the last
  // version given. AWS limit: 1,000 versions a state machine, so all of them fit in memory.
  std::int64_t below = INT64_MAX;
  if (!after->empty()) {
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(after->data() + after->find('|') + 1,
                                     after->data() + after->size(), number);
    if (!after->starts_with("version|") || ec != std::errc() ||
        end != after->data() + after->size()) {
      return core.answer(
          reply, fail("InvalidToken", "Invalid Token: '" + string_or(r.body(), "nextToken") + "'"));
    }
    below = number;
  }
  std::string ignored;
  auto versions = core.store->resources(store::Kind::Version, machine->arn,
                                        store::PageRequest{"", 100000}, ignored);
  if (!versions) return core.answer(reply, Unexpected<Error>(versions.error()));
  std::vector<std::pair<std::int64_t, const store::Resource*>> numbered;
  for (const store::Resource& v : *versions) {
    std::int64_t number = 0;
    (void)std::from_chars(v.name.data(), v.name.data() + v.name.size(), number);
    if (number < below) numbered.emplace_back(number, &v);
  }
  std::sort(numbered.begin(), numbered.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::size_t limit = page_limit(r);
  std::vector<Value> items;
  for (std::size_t i = 0; i < numbered.size() && i < limit; ++i) {
    items.push_back(json::ObjectBuilder()
                        .add("stateMachineVersionArn", text(numbered[i].second->arn))
                        .add("creationDate", epoch(numbered[i].second->created_ms))
                        .build());
  }
  json::ObjectBuilder out;
  out.add("stateMachineVersions", Value::array(std::move(items)));
  if (numbered.size() > limit) {
    out.add("nextToken", text(page_token("version|" + std::to_string(numbered[limit - 1].first))));
  }
  core.answer(reply, out.build());
}

void StepFunctions::delete_state_machine_version(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineVersionArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine" || parsed->qualifier.empty() ||
      parsed->qualifier.find_first_not_of("0123456789") != std::string::npos) {
    return core.answer(reply, invalid_arn(*arn));
  }
  std::string machine_arn = core.options.partition.state_machine_arn(parsed->name);
  std::string next;
  auto aliases =
      core.store->resources(store::Kind::Alias, machine_arn, store::PageRequest{"", 10000}, next);
  if (!aliases) return core.answer(reply, Unexpected<Error>(aliases.error()));
  for (const store::Resource& a : *aliases) {
    for (const Value& route : a.record.find("routingConfiguration")->as_array()) {
      if (route.find("stateMachineVersionArn")->as_string() == *arn) {
        return core.answer(reply, fail("ConflictException",
                                       "Version to be deleted must not be referenced by an alias. "
                                       "Current list of aliases referencing this version: [" +
                                           a.name + "]"));
      }
    }
  }
  core.stage(store::ops::DeleteResource{store::Kind::Version, *arn});
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::states
