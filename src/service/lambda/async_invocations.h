#pragma once

// Lambda's asynchronous invocation: an Event invoke is kept in the store (space "lambda-async")
// before Invoke answers 202, run by the function host, retried as the function's event invoke
// configuration says (MaximumRetryAttempts, default 2; MaximumEventAgeInSeconds, default 6
// hours) with Lambda's waits between attempts (ServiceOptions::async_retry_delay_ms, then twice
// that), and finally sent to the destination of its outcome or, failing, to the function's
// dead-letter queue or topic. What is kept survives a crash: recover() takes it up again, so
// an event runs at least once. Owned by the Lambda service; lives on the service thread.

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "runtime/function.h"
#include "runtime/function_host.h"
#include "store/store.h"

namespace baton::service::lambda {

struct Lambda;

class AsyncInvocations {
 public:
  explicit AsyncInvocations(Lambda& lambda) : lambda_(lambda) {}

  // Stages the event in the group being built and runs it once the group is committed.
  // Returns the invocation's request id.
  std::string enqueue(const store::Resource& function, runtime::InvokeRequest request);

  // Schedules every kept event: waiting ones when their retry is due, the others at once.
  [[nodiscard]] Expected<void, Error> recover();

 private:
  // One kept event, as its store entry holds it.
  struct Event {
    std::string key;
    std::string request_id;
    std::string function_arn;  // unqualified
    std::string payload;
    std::string client_context;
    std::int64_t attempts = 0;  // made so far
    std::int64_t enqueued_ms = 0;
    std::int64_t next_ms = 0;
  };
  static std::string encode(const Event& e);
  static std::optional<Event> decode(const std::string& key, const std::string& value);

  void run(Event e);
  void finished(Event e, runtime::InvokeResult result);
  // Drops the event and sends it where its outcome goes.
  void conclude(const Event& e, const store::Resource& function, std::string condition, bool ran,
                const runtime::InvokeResult* result);

  Lambda& lambda_;
};

}  // namespace baton::service::lambda
