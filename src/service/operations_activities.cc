// Activities, their workers (GetActivityTask), and the task callbacks (SendTask*).

#include "service/service_internal.h"

namespace baton::service {

using json::Value;

namespace {

// AWS limit: GetActivityTask waits up to 60 seconds for a task.
constexpr std::int64_t kPollMillis = 60000;

Value text(std::string_view s) { return Value::string(s); }

Unexpected<Error> invalid_arn(const std::string& arn) {
  return fail("InvalidArn", invalid_arn_message(arn));
}

Unexpected<Error> no_activity(const std::string& arn) {
  return fail("ActivityDoesNotExist", "Activity Does Not Exist: '" + arn + "'");
}

bool is_activity_arn(const std::string& arn) {
  auto parsed = parse_arn(arn);
  return parsed && parsed->type == "activity" && parsed->qualifier.empty();
}

}  // namespace

void Service::Impl::create_activity(const Request& r, Reply reply) {
  auto name = r.required("name");
  if (!name) return answer(reply, Unexpected<Error>(name.error()));
  if (!valid_name(*name))
    return answer(reply, fail("InvalidName", "Invalid Name: '" + *name + "'"));
  std::string arn = options.partition.activity_arn(*name);
  if (auto error = too_many_tags(r, arn)) return answer(reply, Unexpected<Error>(*error));
  auto existing = store->resource(store::Kind::Activity, arn);
  if (!existing) return answer(reply, Unexpected<Error>(existing.error()));
  std::int64_t created = now_ms();
  if (*existing) {
    created = (*existing)->created_ms;  // idempotent by name
  } else {
    stage(store::ops::PutResource{store::Resource{
        store::Kind::Activity, arn, *name, "", created,
        json::ObjectBuilder().add("activityArn", text(arn)).add("name", text(*name)).build()}});
    stage_tags(arn, r.field("tags"));
  }
  answer(reply, json::ObjectBuilder()
                    .add("activityArn", text(arn))
                    .add("creationDate", epoch(created))
                    .build());
}

void Service::Impl::describe_activity(const Request& r, Reply reply) {
  auto arn = r.required("activityArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  if (!is_activity_arn(*arn)) return answer(reply, invalid_arn(*arn));
  auto found = store->resource(store::Kind::Activity, *arn);
  if (!found) return answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return answer(reply, no_activity(*arn));
  answer(reply, json::ObjectBuilder()
                    .add("activityArn", text(*arn))
                    .add("name", text((*found)->name))
                    .add("creationDate", epoch((*found)->created_ms))
                    .build());
}

void Service::Impl::delete_activity(const Request& r, Reply reply) {
  auto arn = r.required("activityArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  if (!is_activity_arn(*arn)) return answer(reply, invalid_arn(*arn));
  stage(store::ops::DeleteResource{store::Kind::Activity, *arn});
  answer(reply, Value::object({}));
}

void Service::Impl::list_activities(const Request& r, Reply reply) {
  answer_resource_page(
      store::Kind::Activity, "", r, "activities",
      [](const store::Resource& a) {
        return json::ObjectBuilder()
            .add("activityArn", text(a.arn))
            .add("name", text(a.name))
            .add("creationDate", epoch(a.created_ms))
            .build();
      },
      reply);
}

void Service::Impl::get_activity_task(const Request& r, Reply reply) {
  auto arn = r.required("activityArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto worker = r.string("workerName");
  if (!worker) return answer(reply, Unexpected<Error>(worker.error()));
  if (!is_activity_arn(*arn)) return answer(reply, invalid_arn(*arn));
  auto found = store->resource(store::Kind::Activity, *arn);
  if (!found) return answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return answer(reply, no_activity(*arn));
  // Waits, holding no thread, until a task comes or the long-poll window closes.
  pollers[*arn].push_back(
      Poller{worker->value_or(""), reply, now_ms() + kPollMillis, r.abandoned()});
  offer_activity_task(*arn);
}

void Service::Impl::send_task_success(const Request& r, Reply reply) {
  auto token = r.required("taskToken");
  if (!token) return answer(reply, Unexpected<Error>(token.error()));
  auto output = r.required("output");
  if (!output) return answer(reply, Unexpected<Error>(output.error()));
  auto value = json::parse(*output);
  if (!value) {
    return answer(reply, fail("InvalidOutput",
                              "Invalid State Machine Output: '" + value.error().message + "'"));
  }
  send_task_event(*token, engine::events::TaskSucceeded{clock.now(), *token, *value}, reply);
}

void Service::Impl::send_task_failure(const Request& r, Reply reply) {
  auto token = r.required("taskToken");
  if (!token) return answer(reply, Unexpected<Error>(token.error()));
  auto error = r.string("error");
  auto cause = r.string("cause");
  if (!error || !cause)
    return answer(reply, fail("SerializationException", "A field has the wrong type"));
  send_task_event(
      *token, engine::events::TaskFailed{clock.now(), *token, error->value_or(""), *cause}, reply);
}

void Service::Impl::send_task_heartbeat(const Request& r, Reply reply) {
  auto token = r.required("taskToken");
  if (!token) return answer(reply, Unexpected<Error>(token.error()));
  send_task_event(*token, engine::events::HeartbeatReceived{clock.now(), *token}, reply);
}

}  // namespace baton::service
