// Tags on state machines and activities: TagResource, UntagResource, ListTagsForResource.

#include <set>

#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// AWS limit: 50 tags a resource.
constexpr std::size_t kMaxTags = 50;

}  // namespace

std::optional<Error> StepFunctions::too_many_tags(const Request& r, const std::string& arn) {
  const Value* tags = r.field("tags");
  if (tags == nullptr || !tags->is_array()) return std::nullopt;
  std::set<std::string_view> keys;  // a key given twice is one tag
  for (const Value& tag : tags->as_array()) {
    const Value* key = tag.find("key");
    if (key != nullptr && key->is_string()) keys.insert(key->as_string());
  }
  if (keys.size() <= kMaxTags) return std::nullopt;
  return Error{"TooManyTags", "Too many tags for resource: '" + arn + "'"};
}

void StepFunctions::stage_tags(const std::string& arn, const Value* tags) {
  if (tags == nullptr || !tags->is_array()) return;
  for (const Value& tag : tags->as_array()) {
    const Value* key = tag.find("key");
    const Value* value = tag.find("value");
    if (key == nullptr || !key->is_string()) continue;
    core.stage(store::ops::PutTag{
        arn, std::string(key->as_string()),
        value != nullptr && value->is_string() ? std::string(value->as_string()) : ""});
  }
}

// The resource a tag call names: a state machine or an activity that exists.
static Expected<void, Error> check_taggable(StepFunctions& d, const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || (parsed->type != "stateMachine" && parsed->type != "activity")) {
    return fail("InvalidArn", invalid_arn_message(arn));
  }
  store::Kind kind = parsed->type == "activity" ? store::Kind::Activity : store::Kind::StateMachine;
  auto found = d.core.store->resource(kind, arn);
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) return fail("ResourceNotFound", "Resource not found: '" + arn + "'");
  return {};
}

void StepFunctions::tag_resource(const Request& r, Reply reply) {
  auto arn = r.required("resourceArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (auto ok = check_taggable(*this, *arn); !ok)
    return core.answer(reply, Unexpected<Error>(ok.error()));
  const Value* tags = r.field("tags");
  if (tags == nullptr || !tags->is_array()) {
    return core.answer(reply,
                       fail("ValidationException",
                            "1 validation error detected: Value null at 'tags' failed to satisfy "
                            "constraint: Member must not be null"));
  }
  auto existing = core.store->tags(*arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  std::set<std::string> keys;
  for (const auto& [key, value] : *existing) keys.insert(key);
  // Every tag is checked before any is kept: a bad one leaves the resource as it was.
  for (const Value& tag : tags->as_array()) {
    const Value* key = tag.find("key");
    const Value* value = tag.find("value");
    if (key == nullptr || !key->is_string() || key->as_string().empty() ||
        key->as_string().size() > 128) {
      return core.answer(reply,
                         fail("ValidationException",
                              "1 validation error detected: Value at 'tags.member.key' failed "
                              "to satisfy constraint: Member must have length between 1 and "
                              "128"));
    }
    if (value != nullptr && !value->is_null() &&
        (!value->is_string() || value->as_string().size() > 256)) {
      return core.answer(reply,
                         fail("ValidationException",
                              "1 validation error detected: Value at 'tags.member.value' "
                              "failed to satisfy constraint: Member must have length less than "
                              "or equal to 256"));
    }
    keys.insert(std::string(key->as_string()));
  }
  if (keys.size() > kMaxTags) {
    return core.answer(
        reply, fail("TooManyTags", "Too many tags for resource: '" + *arn + "' (at most 50)"));
  }
  stage_tags(*arn, tags);
  core.answer(reply, Value::object({}));
}

void StepFunctions::untag_resource(const Request& r, Reply reply) {
  auto arn = r.required("resourceArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (auto ok = check_taggable(*this, *arn); !ok)
    return core.answer(reply, Unexpected<Error>(ok.error()));
  const Value* keys = r.field("tagKeys");
  if (keys != nullptr && keys->is_array()) {
    for (const Value& key : keys->as_array()) {
      if (key.is_string()) core.stage(store::ops::DeleteTag{*arn, std::string(key.as_string())});
    }
  }
  core.answer(reply, Value::object({}));
}

void StepFunctions::list_tags_for_resource(const Request& r, Reply reply) {
  auto arn = r.required("resourceArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (auto ok = check_taggable(*this, *arn); !ok)
    return core.answer(reply, Unexpected<Error>(ok.error()));
  auto tags = core.store->tags(*arn);
  if (!tags) return core.answer(reply, Unexpected<Error>(tags.error()));
  std::vector<Value> items;
  for (const auto& [key, value] : *tags) {
    items.push_back(json::ObjectBuilder().add("key", text(key)).add("value", text(value)).build());
  }
  core.answer(reply, json::ObjectBuilder().add("tags", Value::array(std::move(items))).build());
}

}  // namespace baton::service::states
