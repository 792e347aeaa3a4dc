// Request fields read with AWS's validation errors, and the paging of List operations.

#include "service/request.h"

#include "core/crypto.h"
#include "service/core.h"

namespace baton::service {

using json::Value;

namespace {

Unexpected<Error> validation(std::string message) {
  return fail("ValidationException", std::move(message));
}

}  // namespace

Result<std::optional<std::string>> Request::string(std::string_view field, bool required) const {
  const Value* v = body_.find(field);
  if (v == nullptr || v->is_null()) {
    if (required) {
      return validation("1 validation error detected: Value null at '" + std::string(field) +
                        "' failed to satisfy constraint: Member must not be null");
    }
    return std::optional<std::string>();
  }
  if (!v->is_string()) {
    return fail("SerializationException", "Expected a string for '" + std::string(field) + "'");
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> Request::required(std::string_view field) const {
  auto v = string(field, true);
  if (!v) return Unexpected<Error>(std::move(v).error());
  return std::move(**v);
}

Result<std::optional<bool>> Request::boolean(std::string_view field) const {
  const Value* v = body_.find(field);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) {
    return fail("SerializationException", "Expected a boolean for '" + std::string(field) + "'");
  }
  return std::optional<bool>(v->as_bool());
}

Result<std::optional<std::int64_t>> Request::integer(std::string_view field) const {
  const Value* v = body_.find(field);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  if (!v->is_int64()) {
    return fail("SerializationException", "Expected an integer for '" + std::string(field) + "'");
  }
  return std::optional<std::int64_t>(v->as_int64());
}

json::Value epoch(std::int64_t ms) {
  if (ms % 1000 == 0) return Value::integer(ms / 1000);
  return Value::number(static_cast<double>(ms) / 1000.0);
}

std::string page_token(const std::string& key) {
  return key.empty() ? "" : crypto::base64_encode(key);
}

Result<std::string> page_key(const Request& r) {
  auto token = r.string("nextToken");
  if (!token) return Unexpected<Error>(std::move(token).error());
  if (!*token || (*token)->empty()) return std::string();
  auto key = crypto::base64_decode(**token);
  if (!key || key->find('|') == std::string::npos) {
    return fail("InvalidToken", "Invalid Token: '" + **token + "'");
  }
  return std::move(*key);
}

std::size_t page_limit(const Request& r) {
  const Value* v = r.field("maxResults");
  if (v == nullptr || !v->is_int64() || v->as_int64() <= 0) return 100;
  return static_cast<std::size_t>(v->as_int64());
}

void answer_resource_page(Core& core, store::Kind kind, const std::string& parent, const Request& r,
                          std::string_view list_name,
                          const std::function<Value(const store::Resource&)>& item,
                          const Reply& reply) {
  auto after = page_key(r);
  if (!after) return core.answer(reply, Unexpected<Error>(after.error()));
  std::string next;
  auto found = core.store->resources(kind, parent, store::PageRequest{*after, page_limit(r)}, next);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  std::vector<Value> items;
  for (const store::Resource& resource : *found) items.push_back(item(resource));
  json::ObjectBuilder out;
  out.add(list_name, Value::array(std::move(items)));
  if (!next.empty()) out.add("nextToken", Value::string(page_token(next)));
  core.answer(reply, out.build());
}

}  // namespace baton::service
