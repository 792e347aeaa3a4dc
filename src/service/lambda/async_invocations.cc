// Event invokes kept in the store, run, retried and sent to their destinations.

#include "service/lambda/async_invocations.h"

#include <cinttypes>
#include <cstdio>

#include "core/random.h"
#include "service/lambda/destinations.h"
#include "service/lambda/functions.h"

namespace baton::service::lambda {

using json::Value;

namespace {

constexpr std::string_view kSpace = "lambda-async";
// Lambda's defaults when the function has no event invoke configuration.
constexpr std::int64_t kDefaultRetries = 2;
constexpr std::int64_t kDefaultMaxAgeSeconds = 21600;

std::int64_t config_number(const std::optional<store::Resource>& config, std::string_view key,
                           std::int64_t fallback) {
  if (!config) return fallback;
  const Value* v = config->record.find(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

// The destination configured for `when` (OnSuccess, OnFailure), or "".
std::string configured_destination(const std::optional<store::Resource>& config,
                                   std::string_view when) {
  if (!config) return "";
  const Value* destinations = config->record.find("DestinationConfig");
  const Value* on = destinations != nullptr ? destinations->find(when) : nullptr;
  const Value* arn = on != nullptr && on->is_object() ? on->find("Destination") : nullptr;
  return arn != nullptr && arn->is_string() ? std::string(arn->as_string()) : "";
}

std::string text_member(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  return m != nullptr && m->is_string() ? std::string(m->as_string()) : "";
}

std::int64_t int_member(const Value& v, std::string_view key) {
  const Value* m = v.find(key);
  return m != nullptr && m->is_int64() ? m->as_int64() : 0;
}

}  // namespace

std::string AsyncInvocations::encode(const Event& e) {
  return json::to_string(json::ObjectBuilder()
                             .add("requestId", Value::string(e.request_id))
                             .add("functionArn", Value::string(e.function_arn))
                             .add("payload", Value::string(e.payload))
                             .add("clientContext", Value::string(e.client_context))
                             .add("attempts", Value::integer(e.attempts))
                             .add("enqueuedMs", Value::integer(e.enqueued_ms))
                             .add("nextMs", Value::integer(e.next_ms))
                             .build());
}

std::optional<AsyncInvocations::Event> AsyncInvocations::decode(const std::string& key,
                                                                const std::string& value) {
  auto parsed = json::parse(value);
  if (!parsed || !parsed->is_object()) return std::nullopt;
  Event e;
  e.key = key;
  e.request_id = text_member(*parsed, "requestId");
  e.function_arn = text_member(*parsed, "functionArn");
  e.payload = text_member(*parsed, "payload");
  e.client_context = text_member(*parsed, "clientContext");
  e.attempts = int_member(*parsed, "attempts");
  e.enqueued_ms = int_member(*parsed, "enqueuedMs");
  e.next_ms = int_member(*parsed, "nextMs");
  return e;
}

std::string AsyncInvocations::enqueue(const store::Resource& function,
                                      runtime::InvokeRequest request) {
  Core& core = lambda_.core;
  Event e;
  e.request_id = random_uuid();
  e.function_arn = function.arn;
  e.payload = std::move(request.payload);
  e.client_context = std::move(request.client_context);
  e.enqueued_ms = core.now_ms();
  e.next_ms = e.enqueued_ms;
  // Keys in the order events came, so that a restart runs them in that order.
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%016" PRId64, e.enqueued_ms);
  e.key = std::string(stamp) + "-" + e.request_id;
  core.stage(store::ops::PutEntry{std::string(kSpace), e.key, encode(e)});
  core.then([this, e] { run(e); });
  return e.request_id;
}

Expected<void, Error> AsyncInvocations::recover() {
  Core& core = lambda_.core;
  std::string after;
  while (true) {
    auto page = core.store->entries(std::string(kSpace), after, 500);
    if (!page) return Unexpected<Error>(page.error());
    for (const store::Entry& entry : *page) {
      auto e = decode(entry.key, entry.value);
      if (!e) {
        core.warn("an Event invoke kept as " + entry.key + " cannot be read; it is dropped");
        core.stage(store::ops::DeleteEntry{std::string(kSpace), entry.key});
        continue;
      }
      core.at(e->next_ms, [this, e = std::move(*e)] { run(e); });
    }
    if (page->size() < 500) break;
    after = page->back().key;
  }
  return {};
}

void AsyncInvocations::run(Event e) {
  Core& core = lambda_.core;
  auto function = core.store->resource(store::Kind::Function, e.function_arn);
  if (!function || !*function) {
    // Deleted since: Lambda drops what was queued for it.
    core.stage(store::ops::DeleteEntry{std::string(kSpace), e.key});
    return;
  }
  auto config = lambda_.event_invoke_config(e.function_arn);
  std::optional<store::Resource> settings = config ? *config : std::optional<store::Resource>();
  std::int64_t max_age_ms =
      config_number(settings, "MaximumEventAgeInSeconds", kDefaultMaxAgeSeconds) * 1000;
  if (core.now_ms() - e.enqueued_ms > max_age_ms) {
    return conclude(e, **function, "EventAgeExceeded", false, nullptr);
  }
  runtime::InvokeRequest request;
  request.payload = e.payload;
  request.client_context = e.client_context;
  request.invoked_arn = e.function_arn;
  request.request_id = e.request_id;
  lambda_.functions().invoke(
      function_config(**function), std::move(request),
      [this, e](runtime::InvokeResult result) mutable {
        lambda_.core.post([this, e = std::move(e), result = std::move(result)]() mutable {
          finished(std::move(e), std::move(result));
        });
      });
}

void AsyncInvocations::finished(Event e, runtime::InvokeResult result) {
  Core& core = lambda_.core;
  // baton stopped before the function answered: the kept event runs again after a restart.
  if (result.stopped) return;
  ++e.attempts;
  auto function = core.store->resource(store::Kind::Function, e.function_arn);
  if (!function || !*function) {
    core.stage(store::ops::DeleteEntry{std::string(kSpace), e.key});
    return;
  }
  if (!result.function_error) return conclude(e, **function, "Success", true, &result);
  auto config = lambda_.event_invoke_config(e.function_arn);
  std::optional<store::Resource> settings = config ? *config : std::optional<store::Resource>();
  std::int64_t retries = config_number(settings, "MaximumRetryAttempts", kDefaultRetries);
  if (e.attempts > retries) return conclude(e, **function, "RetriesExhausted", true, &result);
  // Lambda waits a minute before the first retry and two before the second.
  std::int64_t delay = core.options.async_retry_delay_ms * (e.attempts == 1 ? 1 : 2);
  std::int64_t max_age_ms =
      config_number(settings, "MaximumEventAgeInSeconds", kDefaultMaxAgeSeconds) * 1000;
  e.next_ms = core.now_ms() + delay;
  if (e.next_ms - e.enqueued_ms > max_age_ms) {
    return conclude(e, **function, "EventAgeExceeded", true, &result);
  }
  core.stage(store::ops::PutEntry{std::string(kSpace), e.key, encode(e)});
  std::int64_t at = e.next_ms;
  core.at(at, [this, e = std::move(e)] { run(e); });
}

void AsyncInvocations::conclude(const Event& e, const store::Resource& function,
                                std::string condition, bool ran,
                                const runtime::InvokeResult* result) {
  Core& core = lambda_.core;
  core.stage(store::ops::DeleteEntry{std::string(kSpace), e.key});
  InvocationOutcome outcome;
  outcome.request_id = e.request_id;
  outcome.function_arn = e.function_arn + ":$LATEST";
  outcome.condition = std::move(condition);
  outcome.invoke_count = e.attempts;
  outcome.request_payload = e.payload;
  outcome.ran = ran && result != nullptr;
  if (result != nullptr) {
    outcome.function_error = result->function_error;
    outcome.response_payload = result->payload;
  }
  bool success = outcome.condition == "Success";
  auto config = lambda_.event_invoke_config(e.function_arn);
  std::optional<store::Resource> settings = config ? *config : std::optional<store::Resource>();
  std::string destination = configured_destination(settings, success ? "OnSuccess" : "OnFailure");
  if (!destination.empty()) {
    return send_to_destination(core, destination, destination_record(outcome, core.now_ms()),
                               success);
  }
  if (success) return;
  // No failure destination: the function's dead-letter queue or topic, when it has one.
  const Value* dead_letter = function.record.find("DeadLetterConfig");
  const Value* target = dead_letter != nullptr ? dead_letter->find("TargetArn") : nullptr;
  if (target != nullptr && target->is_string() && !target->as_string().empty()) {
    send_to_dead_letter(core, std::string(target->as_string()), outcome);
  }
}

}  // namespace baton::service::lambda
