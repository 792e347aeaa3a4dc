// The service thread: work arrives in a queue, each group is committed once, and only then are
// its answers sent and its commands carried out. The registry routes calls to the services.

#include "service/core.h"

#include <algorithm>

#include "core/check.h"

namespace baton::service {

namespace {

// The Core whose service thread this is, if any.
thread_local const Core* current_core = nullptr;

// A min-heap by (time, order).
bool later(const auto& a, const auto& b) {
  return a.at_ms != b.at_ms ? a.at_ms > b.at_ms : a.order > b.order;
}

}  // namespace

Core::Core(std::unique_ptr<store::Store> s, ServiceOptions o, Clock& c)
    : store(std::move(s)), options(std::move(o)), clock(c) {}

Core::~Core() { stop(); }

void Core::register_service(std::unique_ptr<EmulatedService> service) {
  BATON_CHECK(!started_, "services are registered before the service starts");
  BATON_CHECK(find(service->name()) == nullptr, "a service is registered once");
  Registered r;
  for (const Operation& op : service->operations()) r.operations.emplace(op.name, &op);
  r.service = std::move(service);
  services_.push_back(std::move(r));
}

const Core::Registered* Core::find(std::string_view service) const {
  for (const Registered& r : services_) {
    if (r.service->name() == service) return &r;
  }
  return nullptr;
}

bool Core::implements(std::string_view service, std::string_view operation) const {
  const Registered* r = find(service);
  return r != nullptr && r->operations.contains(operation);
}

bool Core::on_service_thread() const { return current_core == this; }

void Core::call(std::string_view service, std::string_view operation, json::Value request,
                Reply reply, std::function<bool()> abandoned) {
  const Registered* r = find(service);
  if (r == nullptr) {
    return reply(fail("UnknownOperationException", "baton emulates no service " +
                                                       std::string(service) + " (operation " +
                                                       std::string(operation) + ")"));
  }
  auto op = r->operations.find(operation);
  if (op == r->operations.end()) {
    return reply(fail("UnknownOperationException",
                      "The action or operation " + std::string(operation) +
                          " is not supported by baton's " + std::string(r->service->title())));
  }
  if (auto refused = r->service->refuses_calls())
    return reply(Unexpected<Error>(std::move(*refused)));
  const Operation& entry = *op->second;
  if (!entry.reads_only && degraded_) {
    return reply(fail(std::string(r->service->unavailable_error()),
                      "baton cannot write to its store (is the disk full?): it takes no new work "
                      "until it can; reads still work"));
  }
  auto run = [this, &entry, request = std::move(request), reply = std::move(reply),
              abandoned = std::move(abandoned)] {
    if (!request.is_object()) {
      answer(reply, fail("SerializationException", "The request body is not a JSON object"));
      return;
    }
    Request read(request, abandoned);
    entry.run(read, reply);
  };
  if (on_service_thread()) return run();
  post(std::move(run), !entry.reads_only);
}

namespace {

// The reply of a call_in_group: an answer given while the call runs is kept for its caller;
// one given after goes to the caller's `late` reply.
struct InGroupCall {
  std::optional<Result<json::Value>> answer;
  bool returned = false;
  Reply late;
};

struct InGroupReply {
  std::shared_ptr<InGroupCall> call;
  void operator()(Result<json::Value> result) const {
    if (call->returned) {
      call->late(std::move(result));
    } else {
      call->answer = std::move(result);
    }
  }
};

}  // namespace

std::optional<Result<json::Value>> Core::call_in_group(std::string_view service,
                                                       std::string_view operation,
                                                       json::Value request, Reply late) {
  BATON_CHECK(on_service_thread(), "call_in_group runs on the service thread");
  auto state = std::make_shared<InGroupCall>();
  state->late = std::move(late);
  call(service, operation, std::move(request), InGroupReply{state});
  state->returned = true;
  return std::move(state->answer);
}

Expected<void, Error> Core::start() {
  for (Registered& r : services_) {
    auto recovered = r.service->recover();
    if (!recovered) return recovered;
  }
  for (int i = 0; i < std::max(1, options.dispatch_threads); ++i) {
    dispatchers_.emplace_back([this] {
      while (true) {
        std::function<void()> work;
        {
          std::unique_lock lock(outbound_mutex_);
          outbound_wake_.wait(lock, [&] { return stopping_ || !outbound_.empty(); });
          if (outbound_.empty()) return;
          work = std::move(outbound_.front());
          outbound_.pop_front();
        }
        work();
      }
    });
  }
  started_ = true;
  thread_ = std::thread([this] {
    current_core = this;
    loop();
  });
  return {};
}

void Core::stop() {
  if (!started_) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  { std::lock_guard lock(outbound_mutex_); }
  outbound_wake_.notify_all();
  for (std::thread& t : dispatchers_) t.join();
  dispatchers_.clear();
  for (auto it = services_.rbegin(); it != services_.rend(); ++it) it->service->stop();
  started_ = false;
}

void Core::post(std::function<void()> work, bool writes) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Work{std::move(work), writes});
  }
  wake_.notify_one();
}

void Core::run_outbound(std::function<void()> work) {
  {
    std::lock_guard lock(outbound_mutex_);
    outbound_.push_back(std::move(work));
  }
  outbound_wake_.notify_one();
}

void Core::at(std::int64_t at_ms, std::function<void()> fire, bool writes) {
  std::vector<Timer>& heap = writes ? timers_ : read_timers_;
  heap.push_back(Timer{at_ms, timer_order_++, std::move(fire)});
  std::push_heap(heap.begin(), heap.end(),
                 [](const Timer& a, const Timer& b) { return later(a, b); });
}

void Core::fire_due(std::vector<Timer>& heap) {
  std::int64_t now = now_ms();
  auto order = [](const Timer& a, const Timer& b) { return later(a, b); };
  while (!heap.empty() && heap.front().at_ms <= now) {
    std::pop_heap(heap.begin(), heap.end(), order);
    Timer t = std::move(heap.back());
    heap.pop_back();
    t.fire();
  }
}

std::optional<std::int64_t> Core::next_wake() const {
  // While the store refuses writes, timers that write wait for the next retry.
  std::optional<std::int64_t> next;
  if (degraded_) {
    next = next_retry_ms_;
  } else if (!timers_.empty()) {
    next = timers_.front().at_ms;
  }
  if (!read_timers_.empty() && (!next || read_timers_.front().at_ms < *next)) {
    next = read_timers_.front().at_ms;
  }
  return next;
}

void Core::answer(const Reply& reply, Result<json::Value> result) {
  // The caller of call_in_group takes an answer given while it waits before the commit: what
  // it does with it commits in the same group.
  if (const auto* in_group = reply.target<InGroupReply>();
      in_group != nullptr && !in_group->call->returned) {
    return reply(std::move(result));
  }
  then([reply, result = std::move(result)]() mutable { reply(std::move(result)); });
}

void Core::loop() {
  std::deque<Work> work;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      // While the store refuses writes, only reading work is taken from the queue.
      auto runnable = [&] {
        if (!degraded_) return !queue_.empty();
        for (const Work& w : queue_) {
          if (!w.writes) return true;
        }
        return false;
      };
      auto ready = [&] { return stopping_ || runnable(); };
      if (std::optional<std::int64_t> next = next_wake()) {
        std::int64_t delay = *next - now_ms();
        if (delay > 0) wake_.wait_for(lock, std::chrono::milliseconds(delay), ready);
      } else {
        wake_.wait(lock, ready);
      }
      if (stopping_ && (queue_.empty() || degraded_)) break;
      // A group: at most max_batch operations share one commit.
      for (auto it = queue_.begin(); it != queue_.end() && work.size() < options.max_batch;) {
        if (degraded_ && it->writes) {
          ++it;
          continue;
        }
        work.push_back(std::move(*it));
        it = queue_.erase(it);
      }
    }
    for (auto& item : work) item.run();
    work.clear();
    if (degraded_ && now_ms() >= next_retry_ms_) retry_held();
    if (!degraded_) fire_due(timers_);
    fire_due(read_timers_);
    for (Registered& r : services_) r.service->tick();
    flush();
  }
  flush();
  if (degraded_) {
    warn(
        "stopping with writes that could not be committed; they are lost, and what was "
        "committed before them is what a restart resumes");
  }
}

void Core::flush() {
  // Work that belongs to this group's commit (a parent hearing of its child's end).
  while (!in_group_.empty()) {
    auto f = std::move(in_group_.front());
    in_group_.pop_front();
    f();
  }
  if (!batch_.empty()) {
    if (degraded_) {
      // Behind what is held: it commits (and is answered) after it, in order.
      for (store::Op& op : batch_.ops) held_.ops.push_back(std::move(op));
      for (auto& f : after_commit_) held_after_.push_back(std::move(f));
      batch_.ops.clear();
      after_commit_.clear();
      return;
    }
    auto committed = store->commit(batch_);
    if (!committed) {
      // The state in memory is ahead of the store. Nothing that waited on this group (an
      // answer, a task handed out) may happen before it is durable: hold all of it.
      held_ = std::move(batch_);
      batch_ = store::WriteBatch{};
      held_after_ = std::move(after_commit_);
      after_commit_.clear();
      degraded_ = true;
      next_retry_ms_ = now_ms() + 1000;
      warn("cannot commit to the store (" + committed.error().cause +
           "): work that writes is refused until it can; reads go on; retrying every second");
      return;
    }
    batch_.ops.clear();
  }
  std::vector<std::function<void()>> waiting;
  waiting.swap(after_commit_);
  for (auto& f : waiting) f();
  // What those callbacks staged (a task handed to a worker, a child's start, what a call they
  // made inline wrote) goes with the next group.
  if (!batch_.empty() || !after_commit_.empty() || !in_group_.empty()) post([] {});
}

void Core::retry_held() {
  auto committed = store->commit(held_);
  if (!committed) {
    next_retry_ms_ = now_ms() + 1000;
    return;
  }
  held_ = store::WriteBatch{};
  degraded_ = false;
  warn("the store takes writes again: resuming");
  auto waiting = std::move(held_after_);
  held_after_.clear();
  for (auto& f : waiting) f();
}

}  // namespace baton::service
