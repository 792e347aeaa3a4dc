// The service thread: operations arrive in a queue, each group is committed once, and only
// then are its answers sent and its commands carried out.

#include "service/service.h"

#include <cstdio>

#include "core/check.h"
#include "core/crypto.h"
#include "service/service_internal.h"

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

void Service::Impl::answer_resource_page(store::Kind kind, const std::string& parent,
                                         const Request& r, std::string_view list_name,
                                         const std::function<Value(const store::Resource&)>& item,
                                         const Reply& reply) {
  auto after = page_key(r);
  if (!after) return answer(reply, Unexpected<Error>(after.error()));
  std::string next;
  auto found = store->resources(kind, parent, store::PageRequest{*after, page_limit(r)}, next);
  if (!found) return answer(reply, Unexpected<Error>(found.error()));
  std::vector<Value> items;
  for (const store::Resource& resource : *found) items.push_back(item(resource));
  json::ObjectBuilder out;
  out.add(list_name, Value::array(std::move(items)));
  if (!next.empty()) out.add("nextToken", Value::string(page_token(next)));
  answer(reply, out.build());
}

Service::Service(std::unique_ptr<store::Store> store, ServiceOptions options, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(options), clock)) {}

Service::~Service() { stop(); }

Expected<void, Error> Service::start() {
  Impl& d = *impl_;
  auto recovered = d.recover();
  if (!recovered) return recovered;
  for (int i = 0; i < std::max(1, d.options.dispatch_threads); ++i) {
    d.dispatchers.emplace_back([&d] {
      while (true) {
        std::function<void()> work;
        {
          std::unique_lock lock(d.outbound_mutex);
          d.outbound_wake.wait(lock, [&] { return d.stopping || !d.outbound.empty(); });
          if (d.outbound.empty()) return;
          work = std::move(d.outbound.front());
          d.outbound.pop_front();
        }
        work();
      }
    });
  }
  d.started = true;
  d.thread = std::thread([&d] { d.loop(); });
  return {};
}

void Service::stop() {
  Impl& d = *impl_;
  if (!d.started) return;
  {
    std::lock_guard lock(d.mutex);
    d.stopping = true;
  }
  d.wake.notify_all();
  if (d.thread.joinable()) d.thread.join();
  { std::lock_guard lock(d.outbound_mutex); }
  d.outbound_wake.notify_all();
  for (std::thread& t : d.dispatchers) t.join();
  d.dispatchers.clear();
  d.started = false;
}

void Service::Impl::post(std::function<void()> work, bool writes) {
  {
    std::lock_guard lock(mutex);
    queue.push_back(Work{std::move(work), writes});
  }
  wake.notify_one();
}

void Service::Impl::run_outbound(std::function<void()> work) {
  {
    std::lock_guard lock(outbound_mutex);
    outbound.push_back(std::move(work));
  }
  outbound_wake.notify_one();
}

void Service::Impl::answer(const Reply& reply, Result<json::Value> result) {
  then([reply, result = std::move(result)]() mutable { reply(std::move(result)); });
}

void Service::Impl::loop() {
  std::deque<Work> work;
  while (true) {
    {
      std::unique_lock lock(mutex);
      // While the store refuses writes, only reading work is taken from the queue.
      auto runnable = [&] {
        if (!degraded) return !queue.empty();
        for (const Work& w : queue) {
          if (!w.writes) return true;
        }
        return false;
      };
      auto ready = [&] { return stopping || runnable(); };
      std::optional<std::int64_t> next =
          degraded ? std::optional<std::int64_t>(next_retry_ms) : next_timer_ms();
      for (const auto& [activity, waiting] : pollers) {
        for (const Poller& p : waiting) {
          if (!next || p.deadline_ms < *next) next = p.deadline_ms;
        }
      }
      if (next) {
        std::int64_t delay = *next - now_ms();
        if (delay > 0) wake.wait_for(lock, std::chrono::milliseconds(delay), ready);
      } else {
        wake.wait(lock, ready);
      }
      if (stopping && (queue.empty() || degraded)) break;
      // A group: at most max_batch operations share one commit.
      for (auto it = queue.begin(); it != queue.end() && work.size() < options.max_batch;) {
        if (degraded && it->writes) {
          ++it;
          continue;
        }
        work.push_back(std::move(*it));
        it = queue.erase(it);
      }
    }
    for (auto& item : work) item.run();
    work.clear();
    if (degraded && now_ms() >= next_retry_ms) retry_held();
    if (!degraded) fire_due_timers();
    expire_pollers();
    flush();
  }
  flush();
  if (degraded) {
    warn(
        "stopping with writes that could not be committed; they are lost, and what was "
        "committed before them is what a restart resumes");
  }
}

void Service::Impl::flush() {
  // Work that belongs to this group's commit (a parent hearing of its child's end).
  while (!in_group.empty()) {
    auto f = std::move(in_group.front());
    in_group.pop_front();
    f();
  }
  if (!batch.empty()) {
    if (degraded) {
      // Behind what is held: it commits (and is answered) after it, in order.
      for (store::Op& op : batch.ops) held.ops.push_back(std::move(op));
      for (auto& f : after_commit) held_after.push_back(std::move(f));
      batch.ops.clear();
      after_commit.clear();
      return;
    }
    auto committed = store->commit(batch);
    if (!committed) {
      // The state in memory is ahead of the store. Nothing that waited on this group (an
      // answer, a task handed out) may happen before it is durable: hold all of it.
      held = std::move(batch);
      batch = store::WriteBatch{};
      held_after = std::move(after_commit);
      after_commit.clear();
      degraded = true;
      next_retry_ms = now_ms() + 1000;
      warn("cannot commit to the store (" + committed.error().cause +
           "): work that writes is refused until it can; reads go on; retrying every second");
      return;
    }
    batch.ops.clear();
  }
  std::vector<std::function<void()>> waiting;
  waiting.swap(after_commit);
  for (auto& f : waiting) f();
  // What those callbacks staged (a task handed to a worker, a child's start) waits for the
  // next group, which they woke.
}

void Service::Impl::retry_held() {
  auto committed = store->commit(held);
  if (!committed) {
    next_retry_ms = now_ms() + 1000;
    return;
  }
  held = store::WriteBatch{};
  degraded = false;
  warn("the store takes writes again: resuming");
  auto waiting = std::move(held_after);
  held_after.clear();
  for (auto& f : waiting) f();
}

void Service::Impl::run_operation(const OperationEntry& entry, std::string_view refused_as,
                                  json::Value request, Reply reply,
                                  std::function<bool()> abandoned) {
  if (!entry.reads_only && degraded) {
    return reply(fail(std::string(refused_as),
                      "baton cannot write to its store (is the disk full?): it takes no new work "
                      "until it can; reads still work"));
  }
  post(
      [this, run = entry.run, request = std::move(request), reply = std::move(reply),
       abandoned = std::move(abandoned)] {
        if (!request.is_object()) {
          answer(reply, fail("SerializationException", "The request body is not a JSON object"));
          return;
        }
        Request r(request, abandoned);
        (this->*run)(r, reply);
      },
      !entry.reads_only);
}

void Service::call(std::string_view service, std::string_view operation, json::Value request,
                   Reply reply, std::function<bool()> abandoned) {
  Impl& d = *impl_;
  if (service == "states") {
    for (const Impl::OperationEntry& entry : Impl::operation_table()) {
      if (entry.name != operation) continue;
      return d.run_operation(entry, "ServiceUnavailable", std::move(request), std::move(reply),
                             std::move(abandoned));
    }
  } else if (service == "lambda") {
    for (const Impl::OperationEntry& entry : Impl::lambda_operation_table()) {
      if (entry.name != operation) continue;
      if (d.options.functions == nullptr) {
        return reply(fail("ServiceException", "This baton runs no functions"));
      }
      return d.run_operation(entry, "ServiceException", std::move(request), std::move(reply),
                             std::move(abandoned));
    }
  }
  std::string api = service == "lambda"   ? "Lambda API"
                    : service == "states" ? "Step Functions API"
                                          : std::string(service);
  reply(fail("UnknownOperationException", "The action or operation " + std::string(operation) +
                                              " is not supported by baton's " + api));
}

bool Service::implements(std::string_view service, std::string_view operation) const {
  const std::vector<Impl::OperationEntry>* table = nullptr;
  if (service == "states") table = &Impl::operation_table();
  if (service == "lambda") table = &Impl::lambda_operation_table();
  if (table == nullptr) return false;
  for (const Impl::OperationEntry& entry : *table) {
    if (entry.name == operation) return true;
  }
  return false;
}

const std::vector<Service::Impl::OperationEntry>& Service::Impl::operation_table() {
  // Every supported action, in one place.
  static const std::vector<OperationEntry> kTable = {
      {"CreateStateMachine", &Impl::create_state_machine},
      {"DescribeStateMachine", &Impl::describe_state_machine, true},
      {"UpdateStateMachine", &Impl::update_state_machine},
      {"DeleteStateMachine", &Impl::delete_state_machine},
      {"ListStateMachines", &Impl::list_state_machines, true},
      {"ValidateStateMachineDefinition", &Impl::validate_state_machine_definition, true},
      {"PublishStateMachineVersion", &Impl::publish_state_machine_version},
      {"ListStateMachineVersions", &Impl::list_state_machine_versions, true},
      {"DeleteStateMachineVersion", &Impl::delete_state_machine_version},
      {"CreateStateMachineAlias", &Impl::create_state_machine_alias},
      {"DescribeStateMachineAlias", &Impl::describe_state_machine_alias, true},
      {"UpdateStateMachineAlias", &Impl::update_state_machine_alias},
      {"DeleteStateMachineAlias", &Impl::delete_state_machine_alias},
      {"ListStateMachineAliases", &Impl::list_state_machine_aliases, true},
      {"StartExecution", &Impl::start_execution},
      {"StartSyncExecution", &Impl::start_sync_execution},
      {"DescribeExecution", &Impl::describe_execution, true},
      {"DescribeStateMachineForExecution", &Impl::describe_state_machine_for_execution, true},
      {"ListExecutions", &Impl::list_executions, true},
      {"GetExecutionHistory", &Impl::get_execution_history, true},
      {"StopExecution", &Impl::stop_execution_op},
      {"RedriveExecution", &Impl::redrive_execution},
      {"CreateActivity", &Impl::create_activity},
      {"DescribeActivity", &Impl::describe_activity, true},
      {"DescribeMapRun", &Impl::describe_map_run, true},
      {"ListMapRuns", &Impl::list_map_runs, true},
      {"UpdateMapRun", &Impl::update_map_run},
      {"DeleteActivity", &Impl::delete_activity},
      {"ListActivities", &Impl::list_activities, true},
      {"GetActivityTask", &Impl::get_activity_task},
      {"SendTaskSuccess", &Impl::send_task_success},
      {"SendTaskFailure", &Impl::send_task_failure},
      {"SendTaskHeartbeat", &Impl::send_task_heartbeat},
      {"TagResource", &Impl::tag_resource},
      {"UntagResource", &Impl::untag_resource},
      {"ListTagsForResource", &Impl::list_tags_for_resource, true},
      {"TestState", &Impl::test_state},
  };
  return kTable;
}

}  // namespace baton::service
