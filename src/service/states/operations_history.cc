// GetExecutionHistory: an execution's history events, a page at a time.

#include <charconv>

#include "core/crypto.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// GetExecutionHistory's nextToken: the id of the next event, opaque.
std::string encode_history_token(std::int64_t id) {
  return crypto::base64_encode("history|" + std::to_string(id));
}

std::optional<std::int64_t> decode_history_token(const std::string& token) {
  auto text = crypto::base64_decode(token);
  if (!text || !text->starts_with("history|")) return std::nullopt;
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text->data() + 8, text->data() + text->size(), id);
  if (ec != std::errc() || ptr != text->data() + text->size() || id <= 0) return std::nullopt;
  return id;
}

// A history event without its payloads, for includeExecutionData: false.
Value without_data(const Value& event) {
  json::ObjectBuilder b;
  for (const json::Member& m : event.members()) {
    if (!m.value.is_object() || !m.name().ends_with("EventDetails")) {
      b.add(m.key, m.value);
      continue;
    }
    json::ObjectBuilder details;
    for (const json::Member& d : m.value.members()) {
      std::string_view k = d.name();
      if (k == "input" || k == "output" || k == "inputDetails" || k == "outputDetails") continue;
      details.add(d.key, d.value);
    }
    b.add(m.key, details.build());
  }
  return b.build();
}

}  // namespace

void StepFunctions::get_execution_history(const Request& r, Reply reply) {
  auto arn = r.required("executionArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (auto checked = check_execution_arn(*arn); !checked) {
    return core.answer(reply, Unexpected<Error>(checked.error()));
  }
  auto reverse = r.boolean("reverseOrder");
  auto include = r.boolean("includeExecutionData");
  auto token = r.string("nextToken");
  if (!reverse || !include || !token) {
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  auto stored = core.store->execution(*arn);
  if (!stored) return core.answer(reply, Unexpected<Error>(stored.error()));
  if (!*stored) return core.answer(reply, no_execution(*arn));
  // The token holds the next event id to return.
  std::int64_t from = 0;
  if (*token && !(*token)->empty()) {
    auto decoded = decode_history_token(**token);
    if (!decoded)
      return core.answer(reply, fail("InvalidToken", "Invalid Token: '" + **token + "'"));
    from = *decoded;
  }
  std::size_t limit = page_limit(r);
  bool backwards = reverse->value_or(false);
  auto events = backwards ? core.store->history(*arn, 1, from == 0 ? 0 : from, true, limit + 1)
                          : core.store->history(*arn, from == 0 ? 1 : from, 0, false, limit + 1);
  if (!events) return core.answer(reply, Unexpected<Error>(events.error()));
  std::vector<Value> items;
  std::string next;
  for (std::size_t i = 0; i < events->size(); ++i) {
    auto event = json::parse((*events)[i]);
    if (!event) continue;
    if (i == limit) {
      next = encode_history_token(event->find("id")->as_int64());
      break;
    }
    items.push_back(include->value_or(true) ? *event : without_data(*event));
  }
  json::ObjectBuilder out;
  out.add("events", Value::array(std::move(items)));
  if (!next.empty()) out.add("nextToken", text(next));
  core.answer(reply, out.build());
}

}  // namespace baton::service::states
