#pragma once

// What the emulated services share: the service thread and its queue, the group commit,
// degraded mode while commits fail, outbound work on other threads, timers, and the registry
// through which services are called (by the gateway, through Service, and by one another).
// For the files of service/ only; others use Service (service.h).
//
// Threading: everything here lives on the service thread, except `post`, `call`,
// `implements`, `run_outbound` and `degraded`, which any thread may use. Services are
// registered before `start` and never after.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "service/request.h"
#include "service/service.h"
#include "store/store.h"

namespace baton::service {

// An operation of an emulated service: its name as AWS's model spells it and what runs it, on
// the service thread. `run` answers through the Reply, usually with Core::answer.
struct Operation {
  std::string_view name;
  std::function<void(const Request&, Reply)> run;
  // Only reads the store: still answered while it refuses writes.
  bool reads_only = false;
};

// An operation run by a member function of `service`.
template <class S>
Operation operation(std::string_view name, S* service, void (S::*run)(const Request&, Reply),
                    bool reads_only = false) {
  return Operation{
      name, [service, run](const Request& r, Reply reply) { (service->*run)(r, std::move(reply)); },
      reads_only};
}

// One emulated AWS service (states/, lambda/, ...), owned by the registry. It lives on the
// service thread: its operations, recovery, timers and tick run there.
class EmulatedService {
 public:
  virtual ~EmulatedService() = default;
  // AWS's signing name: "states", "lambda".
  virtual std::string_view name() const = 0;
  // What error messages call it: "Step Functions API".
  virtual std::string_view title() const = 0;
  // Every operation it implements, in one table. Fixed once registered.
  virtual const std::vector<Operation>& operations() const = 0;
  // The error name it answers an operation that writes while the store refuses writes.
  virtual std::string_view unavailable_error() const = 0;
  // Why it takes no calls at all (Lambda with no function host), or nothing.
  virtual std::optional<Error> refuses_calls() const { return std::nullopt; }
  // Takes up again what the store keeps, before the service thread starts; services recover
  // in the order they were registered. Errors: what it found wrong in the store.
  virtual Expected<void, Error> recover() { return {}; }
  // After each group's work, before its commit (long-polls whose callers have gone).
  virtual void tick() {}
  // Once the service thread has stopped.
  virtual void stop() {}
};

class Core {
 public:
  Core(std::unique_ptr<store::Store> s, ServiceOptions o, Clock& c);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // --- the registry ---
  void register_service(std::unique_ptr<EmulatedService> service);
  // As Service::call. On the service thread the operation runs at once, in the group being
  // built, so that what it stages commits with the cause that called it; from elsewhere it is
  // queued for the service thread.
  void call(std::string_view service, std::string_view operation, json::Value request, Reply reply,
            std::function<bool()> abandoned = {});
  // As call, from the service thread, for a caller whose own changes must commit with the
  // operation's (a workflow step and the message it sends): an answer the operation gives at
  // once is returned, before the group is committed. An answer that comes later (a long poll)
  // goes to `late`, once its group is committed.
  std::optional<Result<json::Value>> call_in_group(std::string_view service,
                                                   std::string_view operation, json::Value request,
                                                   Reply late);
  bool implements(std::string_view service, std::string_view operation) const;
  bool serves(std::string_view service) const { return find(service) != nullptr; }

  // Recovers every registered service, then starts the dispatch threads and the service thread.
  [[nodiscard]] Expected<void, Error> start();
  // Stops taking work, finishes the group in progress, and joins the threads.
  void stop();

  // Shared by the services, fixed after construction.
  std::unique_ptr<store::Store> store;
  const ServiceOptions options;
  Clock& clock;

  std::int64_t now_ms() const { return clock.now().millis(); }
  void warn(const std::string& message) const {
    if (options.warn) options.warn(message);
  }
  bool on_service_thread() const;

  // Work for the service thread, from any thread; `writes` when it may change what the store
  // keeps (held back while the store refuses writes).
  void post(std::function<void()> work, bool writes = true);
  // Outbound work on a dispatch thread (an HTTP task); it posts its result back.
  void run_outbound(std::function<void()> work);
  // Calls `fire` on the service thread, in the group of work of the time `at_ms` comes (or the
  // next one, when it has passed). `writes` as for `post`.
  void at(std::int64_t at_ms, std::function<void()> fire, bool writes = true);

  // --- the group being built ---
  void stage(store::Op op) { batch_.ops.push_back(std::move(op)); }
  // Runs `f` once the group is committed.
  void then(std::function<void()> f) { after_commit_.push_back(std::move(f)); }
  // Runs `f` before the group is committed, so that what it stages commits with the rest:
  // two executions' steps that must not be separated by a crash.
  void before_commit(std::function<void()> f) { in_group_.push_back(std::move(f)); }
  // Answers once the group is committed.
  void answer(const Reply& reply, Result<json::Value> result);

  // When a commit fails (the disk is full, say), what the group wrote is held in memory with
  // what waited on it, and retried every second until it commits. Meanwhile baton refuses new
  // work that writes, keeps answering what only reads, and leaves writing work already queued
  // (task results, timers) for when the store takes writes again.
  bool degraded() const { return degraded_; }

 private:
  struct Registered {
    std::unique_ptr<EmulatedService> service;
    std::unordered_map<std::string_view, const Operation*> operations;
  };
  const Registered* find(std::string_view service) const;

  struct Work {
    std::function<void()> run;
    bool writes = true;
  };
  struct Timer {
    std::int64_t at_ms = 0;
    std::uint64_t order = 0;  // earlier first among equal times
    std::function<void()> fire;
  };
  void loop();
  // Commits the group's writes, then runs what waited on them.
  void flush();
  // Commits what is held; on success, runs what waited on it and takes writes again.
  void retry_held();
  void fire_due(std::vector<Timer>& timers);
  std::optional<std::int64_t> next_wake() const;

  std::vector<Registered> services_;

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Work> queue_;
  bool stopping_ = false;
  bool started_ = false;

  std::atomic<bool> degraded_{false};
  store::WriteBatch held_;
  std::vector<std::function<void()>> held_after_;
  std::int64_t next_retry_ms_ = 0;

  store::WriteBatch batch_;
  std::vector<std::function<void()>> after_commit_;
  std::deque<std::function<void()>> in_group_;

  // Min-heaps by time: timers that write wait while the store refuses writes; the others not.
  std::vector<Timer> timers_;
  std::vector<Timer> read_timers_;
  std::uint64_t timer_order_ = 0;

  std::vector<std::thread> dispatchers_;
  std::deque<std::function<void()>> outbound_;
  std::mutex outbound_mutex_;
  std::condition_variable outbound_wake_;
};

}  // namespace baton::service
