#pragma once

// The function host: runs Lambda functions in sandboxes, child processes that each talk to an
// endpoint of the Lambda Runtime API of their own (AWS_LAMBDA_RUNTIME_API). Sandboxes are
// started on demand up to a function's concurrency, kept warm and reused, killed at the
// function's timeout or when they outgrow its memory size, and reaped when idle. Each
// invocation's output is kept with START/END/REPORT lines, as Lambda's logs have them.
//
// Each sandbox is isolated in Linux namespaces of its own by default (HostOptions::isolation):
// it reaches its own Runtime API and baton's API gateway, and neither baton, nor baton's data,
// nor any other sandbox.
//
// Thread-safe. Callbacks run on the host's threads; they must not block.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "net/http_server.h"
#include "runtime/function.h"

namespace baton::runtime {

// How sandboxes are kept from baton and from each other.
enum class Isolation {
  // Own user, mount and PID namespaces: a sandbox sees its own processes only, holds no
  // capability, cannot see baton's data folder and sees its code and the bootstraps read-only.
  Namespaces,
  // Plain child processes of baton, as its user: each can reach what baton can.
  None,
};

// Where sandboxes' network is (with Isolation::Namespaces).
enum class FunctionNetwork {
  // Own network namespace, loopback only: its Runtime API at 127.0.0.1:9001, as in Lambda, and
  // baton's API gateway; nothing else, no other sandbox's, nothing outside.
  Isolated,
  // baton's network: a function reaches what baton can, and each Runtime API is a loopback
  // port any local process, other functions included, can connect to.
  Host,
};

struct HostOptions {
  // Where baton writes its Node.js and Python bootstraps.
  std::string bootstrap_dir;
  // Each function's log is appended to LOG_DIR/NAME.log; "" keeps no files.
  std::string log_dir;
  std::string region = "us-east-1";
  // Sandboxes a function may have when it reserves no concurrency of its own.
  int default_concurrency = 10;
  // A sandbox left idle this long is stopped.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  // A sandbox that has not asked for its first invocation by then is stopped (Lambda's init
  // phase limit).
  std::chrono::milliseconds init_timeout{std::chrono::seconds(10)};
  Isolation isolation = Isolation::Namespaces;
  FunctionNetwork network = FunctionNetwork::Isolated;
  // A folder sandboxes must not see (baton's data folder), except the function's own code and
  // the bootstraps in it; "" hides nothing.
  std::string hidden_dir;
  // baton's API gateway, served to each isolated sandbox at 127.0.0.1:gateway_port; with the
  // host network, the gateway is expected there already. Empty: no gateway.
  net::Handler gateway;
  std::uint16_t gateway_port = 8083;

  // What the AWS SDKs in a sandbox are told, as Lambda tells them through the environment, so
  // that a function reaches baton's API with the SDK it imports. A variable a function's own
  // Environment sets is left as it is.
  //
  // The API (AWS_ENDPOINT_URL). "": http://127.0.0.1:gateway_port when there is a gateway, and
  // none otherwise. In an isolated network the gateway is at 127.0.0.1:gateway_port only.
  std::string endpoint;
  // The credentials the SDKs sign with, set when there is an endpoint: AWS_ACCESS_KEY_ID,
  // AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN unless it is "" (Lambda's are a role's
  // temporary credentials, which always have one).
  std::string access_key_id = "baton";
  std::string secret_access_key = "baton";
  std::string session_token = "baton";
  // A PEM file of the certificates that the endpoint's is checked against (an https endpoint
  // signed by a CA of baton's own); "": none. Copied into bootstrap_dir by start(), where every
  // sandbox can read it, and named by AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS.
  std::string ca_bundle;
  // The folder whose node_modules holds the AWS SDK for JavaScript (v3 clients) that Node.js
  // handlers require or import without bundling it, as Lambda's Node.js runtimes offer theirs;
  // "" or a folder without node_modules: none. See sdk_node_modules() in function_host.cc for
  // how CommonJS (NODE_PATH) and ES modules find it.
  std::string sdk_dir;
};

using InvokeCallback = std::function<void(InvokeResult)>;

class FunctionHost {
 public:
  explicit FunctionHost(HostOptions options);
  ~FunctionHost();  // stops every sandbox
  FunctionHost(const FunctionHost&) = delete;
  FunctionHost& operator=(const FunctionHost&) = delete;

  // Writes the bootstraps (and the CA bundle), checks that this machine can isolate sandboxes as
  // asked, and starts the host's threads. Errors: what could not be read or written;
  // Sandbox.IsolationFailed, saying why.
  [[nodiscard]] Expected<void, Error> start();
  // Stops every sandbox. Every invocation not answered yet, running or queued, is answered with
  // a ServiceException marked InvokeResult::stopped; so is every later one.
  void stop();

  // Whether this machine can run `function`'s runtime. Errors: InvalidRuntimeException saying
  // what is missing (an interpreter, the bootstrap).
  [[nodiscard]] Expected<void, Error> check_runnable(const FunctionConfig& function) const;

  // Runs one invocation of `function`, queued while all its sandboxes are busy. `done` is
  // called exactly once.
  void invoke(const FunctionConfig& function, InvokeRequest request, InvokeCallback done);

  // Stops the sandboxes of the function `name` (its code or configuration changed, or it was
  // deleted); busy ones finish their invocation first.
  void retire(const std::string& name);

  struct Stats {
    int sandboxes = 0;  // running processes
    int busy = 0;
    std::int64_t cold_starts = 0;
    std::int64_t invocations = 0;
    int most_sandboxes = 0;  // the largest number running at once
  };
  Stats stats(const std::string& name) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::runtime
