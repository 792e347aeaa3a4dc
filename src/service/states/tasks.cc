// Task states in the service: where each kind of resource goes (mocks, activity workers,
// callbacks, nested executions, HTTP), and the results that come back.

#include "asl/errors.h"
#include "net/http_client.h"
#include "service/http_api_request.h"
#include "service/states/service_tasks.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// AWS's limit on a task's output.
constexpr std::size_t kMaxOutputBytes = 262144;

engine::Event mocked_event(const MockedOutcome& o, Timestamp now, const std::string& token) {
  if (o.is_throw) return engine::events::TaskFailed{now, token, o.error, o.cause};
  return engine::events::TaskSucceeded{now, token, o.result};
}

// An HTTP task (arn:aws:states:::http:invoke) as AWS runs it: the response becomes
// {StatusCode, StatusText, Headers, ResponseBody}; a status outside 2xx fails the task with
// States.Http.StatusCode.<code>.
engine::Event run_http_task(const engine::commands::InvokeTask& task, Clock& clock) {
  const Value& p = task.payload;
  auto text = [&](std::string_view key) {
    const Value* v = p.find(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  net::HttpClientRequest request;
  request.method = text("Method");
  request.url = text("ApiEndpoint");
  if (const Value* query = p.find("QueryParameters"); query != nullptr && query->is_object()) {
    std::string q;
    for (const json::Member& m : query->members()) {
      if (!q.empty()) q += "&";
      q += net::url_encode(m.name()) + "=" +
           net::url_encode(m.value.is_string() ? std::string(m.value.as_string())
                                               : json::to_string(m.value));
    }
    if (!q.empty()) request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + q;
  }
  if (const Value* headers = p.find("Headers"); headers != nullptr && headers->is_object()) {
    for (const json::Member& m : headers->members()) {
      request.headers.emplace_back(std::string(m.name()), m.value.is_string()
                                                              ? std::string(m.value.as_string())
                                                              : json::to_string(m.value));
    }
  }
  if (const Value* body = p.find("RequestBody"); body != nullptr) {
    request.body = body->is_string() ? std::string(body->as_string()) : json::to_string(*body);
    request.headers.emplace_back("Content-Type", "application/json");
  }
  auto response = net::http_request(request);
  if (!response) {
    return engine::events::TaskFailed{clock.now(), task.token, "States.Http.Socket",
                                      response.error().cause};
  }
  json::ObjectBuilder headers;
  for (const auto& [name, value] : response->headers) {
    headers.add(name, Value::array({Value::string(value)}));
  }
  auto parsed = json::parse(response->body);
  Value body = parsed ? *parsed : Value::string(response->body);
  Value result = json::ObjectBuilder()
                     .add("Headers", headers.build())
                     .add("ResponseBody", body)
                     .add("StatusCode", Value::integer(response->status))
                     .add("StatusText", Value::string(response->reason))
                     .build();
  if (response->status < 200 || response->status >= 300) {
    return engine::events::TaskFailed{clock.now(), task.token,
                                      "States.Http.StatusCode." + std::to_string(response->status),
                                      json::to_string(result)};
  }
  return engine::events::TaskSucceeded{clock.now(), task.token, std::move(result)};
}

}  // namespace

void StepFunctions::complete_task(const std::string& execution_arn, engine::Event event) {
  LiveExecution* e = find_live(execution_arn);
  if (e == nullptr) return;
  (void)apply(*e, event);
}

void StepFunctions::keep_task(const std::string& execution_arn,
                              const engine::commands::InvokeTask& task,
                              const std::string& activity) {
  store::Task t;
  t.token = task.token;
  t.execution_arn = execution_arn;
  t.activity_arn = activity;
  t.status = "PENDING";
  t.created_ms = core.now_ms();
  t.record = json::ObjectBuilder()
                 .add("input", Value::string(json::to_string(task.payload)))
                 .add("stateName", Value::string(task.state_name))
                 .build();
  if (!activity.empty()) activity_queue[activity].push_back(t);
  core.stage(store::ops::PutTask{std::move(t)});
}

void StepFunctions::add_outbox(const std::string& execution_arn,
                               const engine::commands::InvokeTask& task) {
  core.stage(store::ops::AddOutbox{execution_arn, task.token,
                                   json::ObjectBuilder()
                                       .add("token", Value::string(task.token))
                                       .add("resource", Value::string(task.resource.arn))
                                       .add("payload", task.payload)
                                       .add("stateName", Value::string(task.state_name))
                                       .build()});
}

void StepFunctions::dispatch_task(LiveExecution& e, const engine::commands::InvokeTask& task) {
  std::string arn = e.arn;
  Timestamp now = core.clock.now();
  auto later = [this, arn](engine::Event event) {
    core.post([this, arn, event] { complete_task(arn, event); });
  };
  if (e.mocks) {
    auto outcome = e.mocks->outcome(task.state_name, e.mock_invocations[task.state_name]++);
    if (!outcome) {
      // As Step Functions Local: an invocation the mock does not cover fails the execution.
      return later(engine::events::TaskFailed{now, task.token, std::string(asl::errors::kRuntime),
                                              outcome.error().cause});
    }
    if (*outcome) return later(mocked_event(**outcome, now, task.token));
  }
  const asl::Resource& r = task.resource;
  if (r.kind == asl::ResourceKind::Activity) {
    auto activity = core.store->resource(store::Kind::Activity, r.arn);
    if (!activity || !*activity) {
      return later(engine::events::TaskFailed{now, task.token, std::string(asl::errors::kRuntime),
                                              "The activity " + r.arn + " does not exist."});
    }
    keep_task(arn, task, r.arn);
    // A worker may take it once it is committed.
    core.then([this, activity_arn = r.arn] {
      core.post([this, activity_arn] { offer_activity_task(activity_arn); });
    });
    return;
  }
  if (r.service == "states" && r.action == "startExecution") {
    if (r.pattern == asl::IntegrationPattern::WaitForTaskToken) keep_task(arn, task, "");
    add_outbox(arn, task);
    // The child starts in a group of its own, after this one is committed.
    core.then([this, arn, task] { core.post([this, arn, task] { start_nested(arn, task); }); });
    return;
  }
  if (r.kind == asl::ResourceKind::LambdaFunction || r.service == "lambda") {
    return dispatch_lambda_task(e, task);
  }
  if (r.service == "apigateway" && r.action == "invoke" && core.serves(kServingService)) {
    return dispatch_api_gateway_task(e, task);
  }
  const Value* machine = e.record.find("stateMachineArn");
  std::vector<std::string> resources{e.arn};
  if (machine != nullptr && machine->is_string()) resources.emplace_back(machine->as_string());
  std::string correlation =
      r.pattern == asl::IntegrationPattern::WaitForTaskToken ? e.arn + "#" + task.token : "";
  if (auto call = service_call(r, task.payload, resources, correlation);
      call && core.serves(call->service)) {
    return dispatch_service_task(e, task, std::move(*call));
  }
  if (r.pattern == asl::IntegrationPattern::WaitForTaskToken) {
    // The callback comes from outside, with SendTaskSuccess or SendTaskFailure.
    keep_task(arn, task, "");
    return;
  }
  if (r.service == "http" && r.action == "invoke") {
    add_outbox(arn, task);
    core.then([this, arn, task] {
      core.run_outbound([this, arn, task] {
        engine::Event event = run_http_task(task, core.clock);
        core.post([this, arn, event, token = task.token] {
          complete_task(arn, event);
          core.stage(store::ops::DeleteOutbox{token});
        });
      });
    });
    return;
  }
  later(engine::events::TaskFailed{now, task.token, std::string(asl::errors::kTaskFailed),
                                   "baton does not run the service integration " + r.arn +
                                       "; mock it (baton serve --mock FILE)"});
}

void StepFunctions::offer_activity_task(const std::string& activity_arn) {
  auto& waiting = pollers[activity_arn];
  auto& queued = activity_queue[activity_arn];
  while (!waiting.empty() && !queued.empty()) {
    if (waiting.front().abandoned && waiting.front().abandoned()) {
      // The worker hung up: its task goes to the next one instead of into a closed socket.
      waiting.front().reply(Value::object({}));
      waiting.pop_front();
      continue;
    }
    // The queue, not the store, is read: a task scheduled in the group being built is not
    // committed yet, and the engine's own record says whether it still awaits an answer.
    store::Task t = std::move(queued.front());
    queued.pop_front();
    LiveExecution* e = find_live(t.execution_arn);
    if (e == nullptr || !e->state.tasks.contains(t.token)) continue;
    std::string token = t.token;
    Poller poller = std::move(waiting.front());
    waiting.pop_front();
    if (t.status != "STARTED") {  // not a task offered again after a restart
      t.status = "STARTED";
      t.record = json::with_member(t.record, "workerName", Value::string(poller.worker_name));
      (void)apply(*e, engine::events::TaskStarted{core.clock.now(), token, poller.worker_name});
    }
    Value input = *t.record.find("input");
    core.stage(store::ops::PutTask{std::move(t)});
    core.answer(
        poller.reply,
        json::ObjectBuilder().add("taskToken", Value::string(token)).add("input", input).build());
  }
}

void StepFunctions::expire_pollers() {
  std::int64_t now = core.now_ms();
  for (auto& [activity, waiting] : pollers) {
    while (!waiting.empty() && waiting.front().deadline_ms <= now) {
      // No task in the long-poll window: an empty answer, as AWS gives.
      waiting.front().reply(Value::object({}));
      waiting.pop_front();
    }
    // Workers that hung up before their window ended.
    std::erase_if(waiting, [](Poller& p) {
      if (!p.abandoned || !p.abandoned()) return false;
      p.reply(Value::object({}));
      return true;
    });
  }
}

void StepFunctions::send_task_event(const std::string& token, engine::Event event, Reply reply) {
  // AWS's answers: a token it never issued is InvalidToken; one whose task has ended (by
  // its timeout, by an earlier answer, or with its execution) is TaskTimedOut.
  auto invalid = [&] {
    core.answer(reply, fail("InvalidToken", "Invalid Token: 'Invalid token'"));
  };
  auto gone = [&] {
    core.answer(reply,
                fail("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"));
  };
  if (token.empty() || token.size() > 2048) return invalid();
  auto task = core.store->task(token);
  if (!task) return core.answer(reply, Unexpected<Error>(task.error()));
  if (!*task) return invalid();
  const std::string& status = (*task)->status;
  bool heartbeat = std::holds_alternative<engine::events::HeartbeatReceived>(event);
  if (status != "PENDING" && status != "STARTED") return gone();
  if (const auto* success = std::get_if<engine::events::TaskSucceeded>(&event)) {
    if (json::serialized_size(success->output) > kMaxOutputBytes) {
      return core.answer(reply, fail("InvalidOutput", "The output exceeds the 256 KiB limit"));
    }
  }
  LiveExecution* e = find_live((*task)->execution_arn);
  if (e == nullptr) return gone();
  if (!apply(*e, event)) return gone();
  if (!heartbeat) {
    store::Task t = **task;
    t.status = "DONE";
    core.stage(store::ops::PutTask{std::move(t)});
  }
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::states
