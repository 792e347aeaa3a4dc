// Lambda's function URLs: Create/Get/Update/Delete/ListFunctionUrlConfigs. A URL is kept as
// store::Kind::FunctionUrl, its ARN the function's ARN (with ":ALIAS" for an alias's URL), its
// name the URL id (which the HTTP API port's Host names), its parent the function. Serving is in
// function_url_serve.cc.

#include <algorithm>
#include <cctype>

#include "core/crypto.h"
#include "core/time.h"
#include "service/function_url.h"
#include "service/lambda/functions.h"

namespace baton::service::lambda {

using json::Value;

namespace {

Unexpected<Error> invalid(const std::string& message) {
  return fail("InvalidParameterValueException", message);
}

Unexpected<Error> no_config() {
  return fail("ResourceNotFoundException", "The resource you requested does not exist.");
}

// "2021-12-02T22:11:55.593Z", as Lambda writes CreationTime and LastModifiedTime.
std::string iso_time(std::int64_t ms) { return format_rfc3339_millis(Timestamp::from_millis(ms)); }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Checks a Cors member as Lambda does; the model checks the lengths and MaxAge's range.
Expected<void, Error> check_cors(const Value& cors) {
  if (!cors.is_object()) return invalid("Cors must be an object");
  static constexpr std::string_view kMethods[] = {"GET",   "PUT",    "HEAD", "POST",
                                                  "PATCH", "DELETE", "*"};
  for (std::string_view list : {"AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders"}) {
    const Value* items = cors.find(list);
    if (items == nullptr || items->is_null()) continue;
    if (!items->is_array()) return invalid("Cors." + std::string(list) + " must be a list");
    for (const Value& item : items->as_array()) {
      if (!item.is_string()) return invalid("Cors." + std::string(list) + " must list strings");
      if (list != "AllowMethods") continue;
      std::string method = upper(item.as_string());
      if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
        return invalid("Cors.AllowMethods: '" + std::string(item.as_string()) +
                       "' is not an HTTP method Lambda allows (GET, PUT, HEAD, POST, PATCH, "
                       "DELETE or *)");
      }
    }
  }
  return {};
}

}  // namespace

// The function and qualifier a function URL request names, the URL's ARN and id.
struct UrlTarget {
  store::Resource function;
  std::string qualifier;  // an alias, or ""
  std::string arn;        // the function's ARN, with ":ALIAS" for an alias
  std::string id;
};

static Result<UrlTarget> url_target(Lambda& lambda, const Request& r) {
  auto name = r.required("FunctionName");
  if (!name) return Unexpected<Error>(name.error());
  auto given = r.string("Qualifier");
  if (!given) return Unexpected<Error>(given.error());
  auto ref = parse_function_ref(*name);
  if (!ref) return Unexpected<Error>(ref.error());
  if (*given && !ref->qualifier.empty() && ref->qualifier != **given) {
    return invalid(
        "The derived qualifier from the function name does not match the specified qualifier.");
  }
  std::string qualifier = *given ? **given : ref->qualifier;
  // AWS's rule: a function URL belongs to the unpublished function or to an alias, never to a
  // version.
  if (qualifier == "$LATEST" || all_digits(qualifier)) {
    return invalid("Qualifier '" + qualifier +
                   "' names a version: a function URL is for the function itself (no Qualifier) "
                   "or for one of its aliases");
  }
  auto function = lambda.function_or_error(ref->name);
  if (!function) return Unexpected<Error>(function.error());
  std::string arn = function->arn + (qualifier.empty() ? "" : ":" + qualifier);
  if (!qualifier.empty()) {
    // An alias of the function, kept as an Alias resource by its qualified ARN.
    auto alias = lambda.core.store->resource(store::Kind::Alias, arn);
    if (!alias) return Unexpected<Error>(alias.error());
    if (!*alias) return fail("ResourceNotFoundException", "Function not found: " + arn);
  }
  std::string id = function_url_id(function->arn, qualifier);
  return UrlTarget{std::move(*function), std::move(qualifier), std::move(arn), std::move(id)};
}

static Value shown_url(const Lambda& lambda, const store::Resource& url, bool with_modified) {
  const Value& rec = url.record;
  json::ObjectBuilder out;
  out.add("FunctionUrl", Value::string(function_url(url.name, lambda.core.options.http_api_port,
                                                    lambda.core.options.partition.region)));
  out.add("FunctionArn", Value::string(url.arn));
  if (const Value* auth = rec.find("AuthType")) out.add("AuthType", *auth);
  if (const Value* cors = rec.find("Cors"); cors != nullptr && cors->is_object()) {
    out.add("Cors", *cors);
  }
  out.add("CreationTime", Value::string(iso_time(url.created_ms)));
  if (with_modified) {
    const Value* modified = rec.find("lastModifiedMs");
    out.add("LastModifiedTime", Value::string(iso_time(modified != nullptr && modified->is_int64()
                                                           ? modified->as_int64()
                                                           : url.created_ms)));
  }
  if (const Value* mode = rec.find("InvokeMode")) out.add("InvokeMode", *mode);
  return out.build();
}

// AuthType, Cors and InvokeMode of a Create or Update request onto `record`.
static Result<Value> read_url_config(const Request& r, Value record) {
  if (const Value* auth = r.field("AuthType")) {
    if (!auth->is_string() || (auth->as_string() != "NONE" && auth->as_string() != "AWS_IAM")) {
      return invalid("AuthType must be NONE or AWS_IAM");
    }
    record = json::with_member(record, "AuthType", *auth);
  }
  if (const Value* cors = r.field("Cors")) {
    if (auto ok = check_cors(*cors); !ok) return Unexpected<Error>(ok.error());
    record = json::with_member(record, "Cors", *cors);
  }
  if (const Value* mode = r.field("InvokeMode")) {
    if (!mode->is_string() ||
        (mode->as_string() != "BUFFERED" && mode->as_string() != "RESPONSE_STREAM")) {
      return invalid("InvokeMode must be BUFFERED or RESPONSE_STREAM");
    }
    record = json::with_member(record, "InvokeMode", *mode);
  }
  return record;
}

void Lambda::create_function_url_config(const Request& r, Reply reply) {
  auto target = url_target(*this, r);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  if (r.field("AuthType") == nullptr) {
    return core.answer(reply, invalid("AuthType is required: NONE or AWS_IAM"));
  }
  auto existing = core.store->resource(store::Kind::FunctionUrl, target->arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  if (*existing) {
    return core.answer(
        reply, fail("ResourceConflictException",
                    "Failed to create function url config for [functionArn = " + target->arn +
                        "]. Error message:  FunctionUrlConfig exists for this "
                        "Lambda function"));
  }
  auto record = read_url_config(r, json::ObjectBuilder()
                                       .add("InvokeMode", Value::string("BUFFERED"))
                                       .add("Qualifier", Value::string(target->qualifier))
                                       .build());
  if (!record) return core.answer(reply, Unexpected<Error>(record.error()));
  std::int64_t now = core.now_ms();
  *record = json::with_member(*record, "lastModifiedMs", Value::integer(now));
  store::Resource url{store::Kind::FunctionUrl, target->arn, target->id,
                      target->function.arn,     now,         *record};
  Value shown = shown_url(*this, url, false);
  core.stage(store::ops::PutResource{std::move(url)});
  core.answer(reply, shown);
}

void Lambda::get_function_url_config(const Request& r, Reply reply) {
  auto target = url_target(*this, r);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  auto found = core.store->resource(store::Kind::FunctionUrl, target->arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return core.answer(reply, no_config());
  core.answer(reply, shown_url(*this, **found, true));
}

void Lambda::update_function_url_config(const Request& r, Reply reply) {
  auto target = url_target(*this, r);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  auto found = core.store->resource(store::Kind::FunctionUrl, target->arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return core.answer(reply, no_config());
  auto record = read_url_config(r, (*found)->record);
  if (!record) return core.answer(reply, Unexpected<Error>(record.error()));
  store::Resource url = std::move(**found);
  url.record = json::with_member(*record, "lastModifiedMs", Value::integer(core.now_ms()));
  Value shown = shown_url(*this, url, true);
  core.stage(store::ops::PutResource{std::move(url)});
  core.answer(reply, shown);
}

void Lambda::delete_function_url_config(const Request& r, Reply reply) {
  auto target = url_target(*this, r);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  auto found = core.store->resource(store::Kind::FunctionUrl, target->arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return core.answer(reply, no_config());
  core.stage(store::ops::DeleteResource{store::Kind::FunctionUrl, target->arn});
  core.answer(reply, Value::object({}));
}

void Lambda::list_function_url_configs(const Request& r, Reply reply) {
  auto function = requested_function(r);
  if (!function) return core.answer(reply, Unexpected<Error>(function.error()));
  auto marker = r.string("Marker");
  if (!marker) return core.answer(reply, Unexpected<Error>(marker.error()));
  auto max = r.integer("MaxItems");
  if (!max) return core.answer(reply, Unexpected<Error>(max.error()));
  if (*max && (**max < 1 || **max > 50)) {
    return core.answer(reply, invalid("MaxItems must be between 1 and 50"));
  }
  std::string after;
  if (*marker && !(*marker)->empty()) {
    auto decoded = crypto::base64_decode(**marker);
    if (!decoded) return core.answer(reply, invalid("Invalid Marker: " + **marker));
    after = *decoded;
  }
  std::string next;
  std::size_t limit = *max ? static_cast<std::size_t>(**max) : 50;
  auto found = core.store->resources(store::Kind::FunctionUrl, function->arn,
                                     store::PageRequest{after, limit}, next);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  std::vector<Value> items;
  for (const store::Resource& url : *found) items.push_back(shown_url(*this, url, true));
  json::ObjectBuilder out;
  out.add("FunctionUrlConfigs", Value::array(std::move(items)));
  if (!next.empty()) out.add("NextMarker", Value::string(crypto::base64_encode(next)));
  core.answer(reply, out.build());
}

Expected<void, Error> Lambda::delete_function_urls(const std::string& function_arn) {
  std::string next;
  store::PageRequest page{"", 100};
  // A function has a URL of its own and one per alias: a few pages at most.
  for (int pages = 0; pages < 1000; ++pages) {
    auto found = core.store->resources(store::Kind::FunctionUrl, function_arn, page, next);
    if (!found) return Unexpected<Error>(found.error());
    for (const store::Resource& url : *found) {
      core.stage(store::ops::DeleteResource{store::Kind::FunctionUrl, url.arn});
    }
    if (next.empty()) break;
    page.after = next;
  }
  return {};
}

}  // namespace baton::service::lambda
