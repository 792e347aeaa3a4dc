#pragma once

// A function as Lambda defines one: code, a runtime that runs it, a handler, and limits. What
// an invocation asks and what it answers.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace baton::runtime {

// How a runtime's sandboxes start: the code's own `bootstrap` (provided, provided.al2,
// provided.al2023), or baton's bootstrap for Node.js or Python handlers.
enum class RuntimeKind { Provided, Node, Python };

// The kind of a Lambda runtime name ("nodejs20.x", "python3.12", "provided.al2023").
// Errors: InvalidRuntimeException naming the runtimes baton runs.
[[nodiscard]] Result<RuntimeKind> runtime_kind(std::string_view runtime);

struct FunctionConfig {
  std::string name;
  std::string arn;  // arn:aws:lambda:REGION:ACCOUNT:function:NAME
  std::string runtime;
  std::string handler;
  std::string code_dir;  // the unpacked code; the sandbox's working directory
  std::map<std::string, std::string> environment;
  int timeout_seconds = 3;
  int memory_mb = 128;
  // At most this many sandboxes; -1: the host's default. 0 stops the function from running
  // (Lambda throttles every call).
  int reserved_concurrency = -1;
  std::string version = "$LATEST";
  // Changes whenever the code or the configuration does: sandboxes started for another
  // revision are not reused.
  std::string revision;
};

struct InvokeRequest {
  std::string payload = "{}";
  std::string invoked_arn;     // with its qualifier, when invoked with one; default: the ARN
  std::string client_context;  // decoded JSON, or ""
  // The invocation's id (an Event invoke keeps its own across retries); "": a new one.
  std::string request_id;
};

struct InvokeResult {
  std::string request_id;
  std::string payload;          // the function's result, or its error object
  bool function_error = false;  // Invoke answers X-Amz-Function-Error: Unhandled
  std::string error_type;       // the error object's errorType
  std::string log;              // START ... the function's output ... END, REPORT
  double duration_ms = 0;
  bool cold_start = false;
  // baton stopped before the function answered: the error is baton's, not the function's, and
  // a caller that can retry later (a workflow's task) should.
  bool stopped = false;
};

}  // namespace baton::runtime
