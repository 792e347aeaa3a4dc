// Lambda's configuration of asynchronous invocation: retries, event age and destinations of a
// function's Event invokes (Put/Update/Get/List/DeleteFunctionEventInvokeConfig). Kept as
// store::Kind::EventInvokeConfig, its ARN the qualified function ARN, its parent the function.

#include "core/crypto.h"
#include "service/lambda/destinations.h"
#include "service/lambda/functions.h"

namespace baton::service::lambda {

using json::Value;

namespace {

Unexpected<Error> invalid(const std::string& message) {
  return fail("InvalidParameterValueException", message);
}

// The qualifier a request names, through FunctionName or Qualifier: "$LATEST" unless another
// is given. baton publishes no versions or aliases, so any other names no function.
Result<std::string> requested_qualifier(const Request& r) {
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
  return qualifier.empty() ? std::string("$LATEST") : qualifier;
}

// The DestinationConfig as Lambda shows it: both members, empty when unset.
Value shown_destinations(const Value* config) {
  json::ObjectBuilder out;
  for (std::string_view when : {"OnSuccess", "OnFailure"}) {
    const Value* on = config != nullptr && config->is_object() ? config->find(when) : nullptr;
    const Value* destination = on != nullptr && on->is_object() ? on->find("Destination") : nullptr;
    json::ObjectBuilder shown;
    if (destination != nullptr && destination->is_string() && !destination->as_string().empty()) {
      shown.add("Destination", *destination);
    }
    out.add(when, shown.build());
  }
  return out.build();
}

Value shown_config(const store::Resource& config) {
  json::ObjectBuilder out;
  const Value& rec = config.record;
  if (const Value* modified = rec.find("lastModifiedMs"); modified != nullptr) {
    out.add("LastModified", epoch(modified->as_int64()));
  }
  out.add("FunctionArn", Value::string(config.arn));
  for (std::string_view key : {"MaximumRetryAttempts", "MaximumEventAgeInSeconds"}) {
    if (const Value* v = rec.find(key)) out.add(key, *v);
  }
  out.add("DestinationConfig", shown_destinations(rec.find("DestinationConfig")));
  return out.build();
}

}  // namespace

Result<std::optional<store::Resource>> Lambda::event_invoke_config(
    const std::string& function_arn) {
  return core.store->resource(store::Kind::EventInvokeConfig, function_arn + ":$LATEST");
}

// The function and qualified ARN an event invoke config request names.
struct ConfigTarget {
  store::Resource function;
  std::string arn;        // the function's ARN with its qualifier
  std::string given_arn;  // the function's ARN, with the qualifier only when one was given
};

// What Lambda says of a function that does not exist: Get and Delete that it has no
// configuration (Get naming it with $LATEST, Delete as it was given), Put and Update "The
// function doesn't exist.".
enum class Missing { Get, Delete, Save };

static Unexpected<Error> no_config(const std::string& arn) {
  return fail("ResourceNotFoundException",
              "The function " + arn + " doesn't have an EventInvokeConfig");
}

static Result<ConfigTarget> config_target(Lambda& lambda, const Request& r, Missing missing) {
  auto name = r.required("FunctionName");
  if (!name) return Unexpected<Error>(name.error());
  auto ref = parse_function_ref(*name);
  if (!ref) return Unexpected<Error>(ref.error());
  auto qualifier = requested_qualifier(r);
  if (!qualifier) return Unexpected<Error>(qualifier.error());
  auto given = r.string("Qualifier");
  bool qualified = (given && *given) || !ref->qualifier.empty();
  std::string arn = lambda.function_arn(ref->name) + ":" + *qualifier;
  std::string given_arn = qualified ? arn : lambda.function_arn(ref->name);
  auto function = lambda.function_or_error(ref->name);
  // baton publishes no versions or aliases: another qualifier names nothing.
  if (!function || *qualifier != "$LATEST") {
    if (function || function.error().name == "ResourceNotFoundException") {
      if (missing == Missing::Get) return no_config(arn);
      if (missing == Missing::Delete) return no_config(given_arn);
      return fail("ResourceNotFoundException", "The function doesn't exist.");
    }
    return Unexpected<Error>(function.error());
  }
  return ConfigTarget{std::move(*function), std::move(arn), std::move(given_arn)};
}

// Checks a DestinationConfig as Lambda does: each destination an SQS queue, an SNS topic, an
// EventBridge bus or another function that exists.
static Expected<void, Error> check_destinations(Lambda& lambda, const Value& config,
                                                const store::Resource& function) {
  if (!config.is_object()) return invalid("DestinationConfig must be an object");
  std::string arns[2];
  bool valid = true;
  int i = 0;
  for (std::string_view when : {"OnSuccess", "OnFailure"}) {
    const Value* on = config.find(when);
    const Value* destination = on != nullptr && on->is_object() ? on->find("Destination") : nullptr;
    std::string arn = destination != nullptr && destination->is_string()
                          ? std::string(destination->as_string())
                          : "";
    arns[i++] = arn;
    if (arn.empty()) continue;
    DestinationKind kind = destination_kind(arn);
    if (kind == DestinationKind::Unknown) valid = false;
    if (kind == DestinationKind::Function) {
      auto ref = parse_function_ref(arn);
      if (!ref || ref->name.empty()) return invalid("The destination ARN " + arn + " is invalid.");
      if (ref->name == function.name) {
        return invalid("You can't specify the function as a destination for itself.");
      }
      auto target =
          lambda.core.store->resource(store::Kind::Function, lambda.function_arn(ref->name));
      if (!target) return Unexpected<Error>(target.error());
      if (!*target) return invalid("The destination ARN " + arn + " is invalid.");
    }
  }
  if (!valid) {
    auto part = [](std::string_view when, const std::string& arn) {
      return arn.empty() ? std::string("null") : std::string(when) + "(destination=" + arn + ")";
    };
    return invalid("The provided destination config DestinationConfig(onSuccess=" +
                   part("OnSuccess", arns[0]) + ", onFailure=" + part("OnFailure", arns[1]) +
                   ") is invalid.");
  }
  return {};
}

// Put replaces the whole configuration; Update changes what it names.
static void save_event_invoke_config(Lambda& lambda, const Request& r, const Reply& reply,
                                     bool replace) {
  Core& core = lambda.core;
  const Value* retries = r.field("MaximumRetryAttempts");
  const Value* age = r.field("MaximumEventAgeInSeconds");
  const Value* destinations = r.field("DestinationConfig");
  if (retries == nullptr && age == nullptr && destinations == nullptr) {
    return core.answer(
        reply, invalid("You must specify at least one of error handling or destination setting."));
  }
  auto target = config_target(lambda, r, Missing::Save);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  if (destinations != nullptr) {
    if (auto ok = check_destinations(lambda, *destinations, target->function); !ok) {
      return core.answer(reply, Unexpected<Error>(ok.error()));
    }
  }
  auto existing = core.store->resource(store::Kind::EventInvokeConfig, target->arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  if (!replace && !*existing) return core.answer(reply, no_config(target->arn));
  Value record = replace || !*existing ? Value::object({}) : (*existing)->record;
  if (retries != nullptr) record = json::with_member(record, "MaximumRetryAttempts", *retries);
  if (age != nullptr) record = json::with_member(record, "MaximumEventAgeInSeconds", *age);
  if (destinations != nullptr) {
    Value merged =
        replace ? Value::object({}) : shown_destinations(record.find("DestinationConfig"));
    for (const json::Member& m : destinations->members())
      merged = json::with_member(merged, m.name(), m.value);
    record = json::with_member(record, "DestinationConfig", merged);
  }
  std::int64_t now = core.now_ms();
  record = json::with_member(record, "lastModifiedMs", Value::integer(now));
  std::int64_t created = *existing ? (*existing)->created_ms : now;
  store::Resource config{store::Kind::EventInvokeConfig, target->arn, "$LATEST",
                         target->function.arn,           created,     record};
  Value shown = shown_config(config);
  core.stage(store::ops::PutResource{std::move(config)});
  core.answer(reply, shown);
}

void Lambda::put_function_event_invoke_config(const Request& r, Reply reply) {
  save_event_invoke_config(*this, r, reply, true);
}

void Lambda::update_function_event_invoke_config(const Request& r, Reply reply) {
  save_event_invoke_config(*this, r, reply, false);
}

void Lambda::get_function_event_invoke_config(const Request& r, Reply reply) {
  auto target = config_target(*this, r, Missing::Get);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  auto found = core.store->resource(store::Kind::EventInvokeConfig, target->arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return core.answer(reply, no_config(target->arn));
  core.answer(reply, shown_config(**found));
}

void Lambda::delete_function_event_invoke_config(const Request& r, Reply reply) {
  auto target = config_target(*this, r, Missing::Delete);
  if (!target) return core.answer(reply, Unexpected<Error>(target.error()));
  auto found = core.store->resource(store::Kind::EventInvokeConfig, target->arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  // Delete names the function as it was given, with no $LATEST added.
  if (!*found) return core.answer(reply, no_config(target->given_arn));
  core.stage(store::ops::DeleteResource{store::Kind::EventInvokeConfig, target->arn});
  core.answer(reply, Value::object({}));
}

void Lambda::list_function_event_invoke_configs(const Request& r, Reply reply) {
  auto function = requested_function(r);
  if (!function) {
    if (function.error().name != "ResourceNotFoundException") {
      return core.answer(reply, Unexpected<Error>(function.error()));
    }
    return core.answer(reply, fail("ResourceNotFoundException", "The function doesn't exist."));
  }
  auto marker = r.string("Marker");
  if (!marker) return core.answer(reply, Unexpected<Error>(marker.error()));
  auto max = r.integer("MaxItems");
  if (!max) return core.answer(reply, Unexpected<Error>(max.error()));
  std::string after;
  if (*marker && !(*marker)->empty()) {
    auto decoded = crypto::base64_decode(**marker);
    if (!decoded) return core.answer(reply, invalid("Invalid Marker: " + **marker));
    after = *decoded;
  }
  std::string next;
  std::size_t limit = *max ? static_cast<std::size_t>(**max) : 50;
  auto found = core.store->resources(store::Kind::EventInvokeConfig, function->arn,
                                     store::PageRequest{after, limit}, next);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  std::vector<Value> items;
  for (const store::Resource& c : *found) items.push_back(shown_config(c));
  json::ObjectBuilder out;
  out.add("FunctionEventInvokeConfigs", Value::array(std::move(items)));
  if (!next.empty()) out.add("NextMarker", Value::string(crypto::base64_encode(next)));
  core.answer(reply, out.build());
}

}  // namespace baton::service::lambda
