#pragma once

// The running system: the emulated AWS services (Step Functions in states/, Lambda in lambda/),
// their state kept in one Store, executions advanced by the engine, their commands carried
// out. This is the one layer that joins the engine, the store and the outside world.
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
#include "service/states/mocks.h"
#include "store/store.h"

namespace baton::service {

struct ServiceOptions {
  Partition partition;
  std::optional<states::MockConfig> mocks;  // Step Functions Local's mock file, for "arn#TestCase"
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
  // Lambda's wait before retrying a failed Event invoke; the second retry waits twice as long
  // (Lambda waits one minute, then two).
  std::int64_t async_retry_delay_ms = 60000;
  // Where clients reach baton's API ("http://127.0.0.1:8083"): the URLs services hand out
  // (SNS's SigningCertURL, SubscribeURL and UnsubscribeURL) start with it.
  std::string endpoint_url;
  // The port of the HTTP API listener (`baton serve --api-port`), which API Gateway's
  // ApiEndpoint names; 0 when none listens.
  std::uint16_t http_api_port = 0;
  // Registers the gateway's probes (probe/probe.h) for the APIs no real service answers yet.
  bool test_services = false;
};

// What an operation answers: the AWS response object, or an Error whose name is AWS's
// exception name (StateMachineDoesNotExist, InvalidArn, ...).
using Reply = std::function<void(Result<json::Value>)>;

class Core;

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

  // (service, operation, request value) -> response value | AWS error. `service` is the AWS
  // signing name ("states", "lambda"). The request and the response are the members of the
  // operation's input and output shapes in AWS's service model (botocore's service-2.json),
  // named as the model names them. Blobs are raw bytes in a string value (the protocol layer
  // decodes and encodes their base64); timestamps are epoch seconds (numbers). Unknown service
  // or operation: an Error named UnknownOperationException. `abandoned` tells whether the
  // caller has gone (a long-poll whose client disconnected is dropped rather than handed a
  // task). Called from any thread; `reply` is called once, on the service thread or, for
  // Lambda's Invoke, on the thread that ran the function.
  //
  // Lambda's Invoke: request {FunctionName, Qualifier?, InvocationType? (RequestResponse,
  // Event, DryRun), LogType? ("Tail"), ClientContext? (the base64 text, as given), Payload?
  // (raw bytes)}; response {StatusCode (200, 202 for Event, 204 for DryRun), FunctionError?,
  // LogResult? (base64 of the log's last 4 KB, with LogType Tail), ExecutedVersion?, Payload?
  // (raw bytes of the function's answer), and two members the model does not have: RequestId
  // (the invocation's id, which Lambda answers as x-amzn-RequestId) and, with FunctionError,
  // FunctionErrorType (the error type the runtime reported, which names a task's error)}.
  // Error ServiceException: baton could not run it (it is stopping); a caller that can, retries.
  void call(std::string_view service, std::string_view operation, json::Value request, Reply reply,
            std::function<bool()> abandoned = {});

  // Whether `service` is registered and implements `operation`.
  bool implements(std::string_view service, std::string_view operation) const;
  // Whether `service` is registered.
  bool serves(std::string_view service) const;
  // Whether the store refuses writes (a commit failed; retried every second).
  bool degraded() const;
  // Has the service thread look at its clock again (it moved: a ShiftedClock advanced), firing
  // what is due. Any thread.
  void wake();

 private:
  std::unique_ptr<Core> core_;
};

}  // namespace baton::service
