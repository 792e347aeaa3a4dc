#pragma once

// The running system: state machines, activities and executions kept in a Store, executions
// advanced by the engine, their commands carried out. This is the one layer that joins the
// engine, the store and the outside world.
//
// Threading: all state lives on the service's own thread. Operations are called from any
// thread and answer through a callback, called once on the service thread after the
// operation's writes are committed. A group of operations that arrive together shares one
// commit (group commit).

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "runtime/function_host.h"
#include "service/arn.h"
#include "service/mocks.h"
#include "store/store.h"

namespace baton::service {

struct ServiceOptions {
  Partition partition;
  std::optional<MockConfig> mocks;  // Step Functions Local's mock file, for "arn#TestCase"
  // Threads carrying out outbound work (HTTP tasks).
  int dispatch_threads = 2;
  // Largest group of operations committed together.
  std::size_t max_batch = 2000;
  // Runs Lambda functions (not owned; must outlive the service); their code is unpacked
  // under `code_dir`.
  runtime::FunctionHost* functions = nullptr;
  std::string code_dir;
  // Told what a person running baton should know (an execution that could not be recovered).
  std::function<void(const std::string&)> warn;
};

// What Invoke answers: the HTTP status (200, 202 for Event, 204 for DryRun) and, for a
// synchronous call, the function's result.
struct InvokeOutcome {
  int status = 200;
  runtime::InvokeResult result;
  std::string executed_version = "$LATEST";
};

// What an operation answers: the AWS response object, or an Error whose name is AWS's
// exception name (StateMachineDoesNotExist, InvalidArn, ...).
using Reply = std::function<void(Result<json::Value>)>;

class Service {
 public:
  // Takes the store; recovers every running execution, timer, task and pending command.
  Service(std::unique_ptr<store::Store> store, ServiceOptions options, Clock& clock);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Starts the service thread. Errors: what recovery found wrong in the store.
  [[nodiscard]] Expected<void, Error> start();
  // Stops taking work, finishes the group in progress, and joins the thread.
  void stop();

  // Runs `operation` (a Step Functions API action name) with its request body. Unknown
  // operations answer UnknownOperationException. `abandoned` tells whether the caller has
  // gone (a long-poll whose client disconnected is dropped rather than handed a task).
  void call(std::string_view operation, json::Value request, Reply reply,
            std::function<bool()> abandoned = {});

  // Whether `operation` is one this service implements.
  static bool implements(std::string_view operation);

  // The one call interface: (service, operation, request value) -> response value | AWS error.
  // `service` is the AWS signing name ("states", "lambda"). Request and response are the
  // members of the operation's shapes in AWS's model; blobs are raw bytes, timestamps epoch
  // seconds. Unknown service or operation: UnknownOperationException.
  void call(std::string_view service, std::string_view operation, json::Value request, Reply reply,
            std::function<bool()> abandoned = {});
  // Whether `service` is registered and implements `operation`.
  bool implements(std::string_view service, std::string_view operation) const;
  // Whether `service` is registered.
  bool serves(std::string_view service) const;
  // Whether the store refuses writes (a commit failed; retried every second).
  bool degraded() const;

  // The Lambda API's control plane (CreateFunction, GetFunction, ...). `request` holds the
  // body's members with FunctionName, Qualifier, Marker and MaxItems from the path and query.
  // Unknown operations answer UnknownOperationException.
  void call_lambda(std::string_view operation, json::Value request, Reply reply);

  // Lambda's Invoke: `invocation_type` is RequestResponse, Event or DryRun.
  void invoke_function(std::string function_name, std::string qualifier,
                       std::string invocation_type, runtime::InvokeRequest request,
                       std::function<void(Result<InvokeOutcome>)> reply);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::service
