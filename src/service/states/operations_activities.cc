// Activities, their workers (GetActivityTask), and the task callbacks (SendTask*).

#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// AWS limit: GetActivityTask waits up to 60 seconds for a task.
constexpr std::int64_t kPollMillis = 60000;

Unexpected<Error> no_activity(const std::string& arn) {
  return fail("ActivityDoesNotExist", "Activity Does Not Exist: '" + arn + "'");
}

bool is_activity_arn(const std::string& arn) {
  auto parsed = parse_arn(arn);
  return parsed && parsed->type == "activity" && parsed->qualifier.empty();
}

}  // namespace

void StepFunctions::create_activity(const Request& r, Reply reply) {
  auto name = r.required("name");
  if (!name) return core.answer(reply, Unexpected<Error>(name.error()));
  if (!valid_name(*name))
    return core.answer(reply, fail("InvalidName", "Invalid Name: '" + *name + "'"));
  std::string arn = core.options.partition.activity_arn(*name);
  if (auto error = too_many_tags(r, arn)) return core.answer(reply, Unexpected<Error>(*error));
  auto existing = core.store->resource(store::Kind::Activity, arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  std::int64_t created = core.now_ms();
  if (*existing) {
    created = (*existing)->created_ms;  // idempotent by name
  } else {
    core.stage(store::ops::PutResource{store::Resource{
        store::Kind::Activity, arn, *name, "", created,
        json::ObjectBuilder().add("activityArn", text(arn)).add("name", text(*name)).build()}});
    stage_tags(arn, r.field("tags"));
  }
  core.answer(reply, json::ObjectBuilder()
                         .add("activityArn", text(arn))
                         .add("creationDate", epoch(created))
                         .build());
}

void StepFunctions::describe_activity(const Request& r, Reply reply) {
  auto arn = r.required("activityArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (!is_activity_arn(*arn)) return core.answer(reply, invalid_arn(*arn));
  auto found = core.store->resource(store::Kind::Activity, *arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return core.answer(reply, no_activity(*arn));
  core.answer(reply, json::ObjectBuilder()
                         .add("activityArn", text(*arn))
                         .add("name", text((*found)->name))
                         .add("creationDate", epoch((*found)->created_ms))
                         .build());
}

void StepFunctions::delete_activity(const Request& r, Reply reply) {
  auto arn = r.required("activityArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (!is_activity_arn(*arn)) return core.answer(reply, invalid_arn(*arn));
  core.stage(store::ops::DeleteResource{store::Kind::Activity, *arn});
  core.answer(reply, Value::object({}));
}

void StepFunctions::list_activities(const Request& r, Reply reply) {
  answer_resource_page(
      core, store::Kind::Activity, "", r, "activities",
      [](const store::Resource& a) {
        return json::ObjectBuilder()
            .add("activityArn", text(a.arn))
            .add("name", text(a.name))
            .add("creationDate", epoch(a.created_ms))
            .build();
      },
      reply);
}

void StepFunctions::get_activity_task(const Request& r, Reply reply) {
  auto arn = r.required("activityArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto worker = r.string("workerName");
  if (!worker) return core.answer(reply, Unexpected<Error>(worker.error()));
  if (!is_activity_arn(*arn)) return core.answer(reply, invalid_arn(*arn));
  auto found = core.store->resource(store::Kind::Activity, *arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) return core.answer(reply, no_activity(*arn));
  // Waits, holding no thread, until a task comes or the long-poll window closes.
  std::int64_t deadline = core.now_ms() + kPollMillis;
  pollers[*arn].push_back(Poller{worker->value_or(""), reply, deadline, r.abandoned()});
  core.at(
      deadline, [this] { expire_pollers(); }, /*writes=*/false);
  offer_activity_task(*arn);
}

void StepFunctions::send_task_success(const Request& r, Reply reply) {
  auto token = r.required("taskToken");
  if (!token) return core.answer(reply, Unexpected<Error>(token.error()));
  auto output = r.required("output");
  if (!output) return core.answer(reply, Unexpected<Error>(output.error()));
  auto value = json::parse(*output);
  if (!value) {
    return core.answer(reply, fail("InvalidOutput", "Invalid State Machine Output: '" +
                                                        value.error().message + "'"));
  }
  send_task_event(*token, engine::events::TaskSucceeded{core.clock.now(), *token, *value}, reply);
}

void StepFunctions::send_task_failure(const Request& r, Reply reply) {
  auto token = r.required("taskToken");
  if (!token) return core.answer(reply, Unexpected<Error>(token.error()));
  auto error = r.string("error");
  auto cause = r.string("cause");
  if (!error || !cause)
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  send_task_event(*token,
                  engine::events::TaskFailed{core.clock.now(), *token, error->value_or(""), *cause},
                  reply);
}

void StepFunctions::send_task_heartbeat(const Request& r, Reply reply) {
  auto token = r.required("taskToken");
  if (!token) return core.answer(reply, Unexpected<Error>(token.error()));
  send_task_event(*token, engine::events::HeartbeatReceived{core.clock.now(), *token}, reply);
}

}  // namespace baton::service::states
