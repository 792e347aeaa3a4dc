#include "runtime/function_host.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/random.h"
#include "core/time.h"
#include "net/http_server.h"
#include "net/listen_socket.h"
#include "runtime/bootstraps.h"
#include "runtime/sandbox_process.h"

namespace baton::runtime {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::string_view kApiPrefix = "/2018-06-01/runtime/";
// Lambda's largest synchronous response.
constexpr std::size_t kMaxResponseBytes = 6 * 1024 * 1024 + 100;
// Where an isolated sandbox finds its Runtime API, as in Lambda.
constexpr std::uint16_t kRuntimeApiPort = 9001;

double ms_between(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

net::HttpResponse api_answer(int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.header("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

net::HttpResponse api_error(int status, std::string_view type, std::string_view message) {
  return api_answer(status, json::to_string(json::ObjectBuilder()
                                                .add("errorMessage", json::Value::string(message))
                                                .add("errorType", json::Value::string(type))
                                                .build()));
}

std::string error_object(std::string_view type, std::string_view message) {
  return json::to_string(json::ObjectBuilder()
                             .add("errorType", json::Value::string(type))
                             .add("errorMessage", json::Value::string(message))
                             .build());
}

// What a caller gets for an invocation baton stopped before it was answered.
InvokeResult stopped_result(const std::string& request_id) {
  InvokeResult result;
  result.request_id = request_id;
  result.payload =
      error_object("ServiceException", "baton is shutting down: the invocation was not answered");
  result.function_error = true;
  result.error_type = "ServiceException";
  result.stopped = true;
  return result;
}

std::string seconds_text(int seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", static_cast<double>(seconds));
  return buffer;
}

net::HttpServerOptions runtime_api_options() {
  net::HttpServerOptions options;
  // A runtime keeps its connection alive from the answer to GET /next to its POST of the result:
  // idle for as long as the function runs, up to Lambda's longest timeout (15 minutes). Closing it
  // sooner would make a runtime that does not reconnect fail the invocation.
  options.idle_timeout = std::chrono::minutes(16);
  return options;
}

// Makes DIR/node_modules a link to `modules`, or removes the link there when `modules` is "";
// whether DIR/node_modules links to `modules` now. Never removes anything but a link.
bool link_sdk(const std::string& dir, const std::string& modules) {
  namespace fs = std::filesystem;
  fs::path link = fs::path(dir) / "node_modules";
  std::error_code ec;
  if (fs::is_symlink(link, ec)) {
    if (!modules.empty() && fs::read_symlink(link, ec) == modules) return true;
    fs::remove(link, ec);
  }
  if (modules.empty()) return false;
  ec.clear();
  fs::create_directory_symlink(modules, link, ec);
  return !ec;
}

}  // namespace

// One invocation, from invoke() to its answer.
struct Pending {
  std::string request_id;
  FunctionConfig config;
  InvokeRequest request;
  InvokeCallback done;
  SteadyClock::time_point handed_out;
  SteadyClock::time_point deadline;
  std::string output;  // what the sandbox printed while running it
  bool cold = false;
  double init_ms = 0;
};

struct Sandbox {
  enum class Phase { Starting, Waiting, Busy, Answered };
  std::uint64_t id = 0;
  FunctionConfig config;
  SandboxProcess process;
  std::vector<net::ListenerId> listeners;  // its Runtime API, and the gateway when isolated
  Phase phase = Phase::Starting;
  std::optional<net::Responder> next;  // its GET /next, waiting for an invocation
  std::shared_ptr<Pending> current;
  SteadyClock::time_point started;
  SteadyClock::time_point idle_since;
  bool first = true;      // has not run an invocation yet (a cold start)
  bool stopping = false;  // killed
  bool retired = false;   // to be stopped once idle: its function changed
  bool exited = false;    // reaped
  int exit_status = 0;
  std::int64_t peak_rss = 0;
  std::string init_output;  // printed before its first invocation
};

struct Pool {
  std::deque<std::shared_ptr<Pending>> queue;
  FunctionHost::Stats stats;
};

struct FunctionHost::Impl {
  HostOptions options;
  net::HttpServer runtime_api{runtime_api_options(), nullptr};
  std::string node;
  std::string python;
  std::string sdk_modules;  // the SDK's node_modules, absolute; "": none
  bool sdk_linked = false;  // HIDDEN/node_modules links to it (without isolation)
  std::string ca_bundle;    // the copy of options.ca_bundle; "": none
  mutable std::mutex mutex;
  std::map<std::uint64_t, std::unique_ptr<Sandbox>> sandboxes;
  std::map<std::string, Pool> pools;
  std::uint64_t next_id = 1;
  std::thread supervisor;
  int wake_pipe[2] = {-1, -1};
  bool stopping = false;
  Random random{os_entropy()};
  // Work to do once the lock is released: answers to sandboxes and callers.
  std::vector<std::function<void()>> deferred;

  void wake() {
    char byte = 1;
    [[maybe_unused]] auto n = ::write(wake_pipe[1], &byte, 1);
  }

  void run_deferred(std::unique_lock<std::mutex>& lock) {
    std::vector<std::function<void()>> work;
    work.swap(deferred);
    lock.unlock();
    for (auto& f : work) f();
    lock.lock();
  }

  // --- sandboxes ---

  std::vector<std::string> command_for(const FunctionConfig& f) const {
    auto kind = runtime_kind(f.runtime);
    if (kind && *kind == RuntimeKind::Node) {
      return {node, options.bootstrap_dir + "/" + std::string(kNodeBootstrapName)};
    }
    if (kind && *kind == RuntimeKind::Python) {
      return {python, "-u", options.bootstrap_dir + "/" + std::string(kPythonBootstrapName)};
    }
    return {f.code_dir + "/bootstrap"};
  }

  bool is_node(const FunctionConfig& f) const {
    auto kind = runtime_kind(f.runtime);
    return kind && *kind == RuntimeKind::Node;
  }

  // Whether a sandbox of `f` finds the SDK's node_modules in the hidden folder (baton's data):
  // when its code is in that folder, as `baton serve` keeps functions' code, and the sandbox is
  // isolated (a mount) or the folder links to the SDK.
  bool sdk_in_hidden_dir(const FunctionConfig& f) const {
    if (options.hidden_dir.empty()) return false;
    if (options.isolation == Isolation::None && !sdk_linked) return false;
    std::string hidden = std::filesystem::path(options.hidden_dir).lexically_normal().string();
    if (!hidden.ends_with('/')) hidden += '/';
    return std::filesystem::path(f.code_dir).lexically_normal().string().starts_with(hidden);
  }

  // Where a Node.js sandbox of `f` finds the SDK's node_modules (NODE_PATH), "" without an SDK.
  // ES modules read no NODE_PATH: they find packages in the node_modules folders of the
  // importing file's ancestors. So when the code is in the hidden folder (baton's data), the
  // SDK is at HIDDEN/node_modules: in an isolated sandbox a mount point in the empty folder that
  // hides baton's data, without isolation a link there to the SDK; either way, no ES module of
  // the function costs more than a CommonJS one, and nothing is written in its code. Elsewhere
  // (code outside the hidden folder, as `baton run` has it) the SDK is at its own path, and the
  // Node.js bootstrap resolves what an ES module handler does not find through NODE_PATH's
  // node_modules folders, with a module resolution hook (about 100 ms more at a cold start).
  std::string sdk_node_modules(const FunctionConfig& f) const {
    if (sdk_modules.empty() || !is_node(f)) return "";
    if (sdk_in_hidden_dir(f)) return options.hidden_dir + "/node_modules";
    return sdk_modules;
  }

  SandboxIsolation isolation_for(const FunctionConfig& f) const {
    SandboxIsolation isolation;
    if (options.isolation == Isolation::None) return isolation;
    isolation.namespaces = true;
    isolation.own_network = options.network == FunctionNetwork::Isolated;
    isolation.hidden_dir = options.hidden_dir;
    isolation.read_only = {f.code_dir, options.bootstrap_dir};
    // Read-only, so that no function can change the SDK the others load.
    if (std::string modules = sdk_node_modules(f); modules == sdk_modules && !modules.empty()) {
      isolation.read_only.push_back(sdk_modules);
    } else if (!modules.empty()) {
      isolation.read_only_at.push_back({sdk_modules, modules});
    }
    isolation.init = options.bootstrap_dir + "/" + std::string(kSandboxInitName);
    if (isolation.own_network) {
      isolation.listen_ports.push_back(kRuntimeApiPort);
      if (options.gateway) isolation.listen_ports.push_back(options.gateway_port);
    }
    return isolation;
  }

  std::map<std::string, std::string> environment_for(const FunctionConfig& f,
                                                     const std::string& runtime_address) {
    std::map<std::string, std::string> env;
    for (const auto& [key, value] : f.environment) env[key] = value;
    // Lambda's own variables; a function's may not replace them.
    char stream[64];
    std::snprintf(stream, sizeof stream, "%016llx%016llx",
                  static_cast<unsigned long long>(random.next_u64()),
                  static_cast<unsigned long long>(random.next_u64()));
    std::string date = format_rfc3339_millis(SystemClock().now()).substr(0, 10);
    for (char& c : date) c = c == '-' ? '/' : c;
    env["AWS_LAMBDA_RUNTIME_API"] = runtime_address;
    env["_HANDLER"] = f.handler;
    env["LAMBDA_TASK_ROOT"] = f.code_dir;
    env["LAMBDA_RUNTIME_DIR"] = options.bootstrap_dir;
    env["AWS_LAMBDA_FUNCTION_NAME"] = f.name;
    env["AWS_LAMBDA_FUNCTION_VERSION"] = f.version;
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(f.memory_mb);
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + f.name;
    env["AWS_LAMBDA_LOG_STREAM_NAME"] = date + "/[" + f.version + "]" + stream;
    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
    env["AWS_REGION"] = options.region;
    env["AWS_DEFAULT_REGION"] = options.region;
    auto kind = runtime_kind(f.runtime);
    if (kind && *kind != RuntimeKind::Provided)
      env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + f.runtime;
    env["TZ"] = ":UTC";
    env["LANG"] = "en_US.UTF-8";
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin:/opt/bin";
    env["LD_LIBRARY_PATH"] = "/usr/local/lib:/usr/lib:/lib:/opt/lib";
    // For the AWS SDKs, to reach baton's API. A function's own values win.
    std::string endpoint = options.endpoint;
    if (endpoint.empty() && options.gateway) {
      endpoint = "http://127.0.0.1:" + std::to_string(options.gateway_port);
    }
    if (!endpoint.empty()) {
      env.try_emplace("AWS_ENDPOINT_URL", endpoint);
      env.try_emplace("AWS_ACCESS_KEY_ID", options.access_key_id);
      env.try_emplace("AWS_SECRET_ACCESS_KEY", options.secret_access_key);
      if (!options.session_token.empty()) {
        env.try_emplace("AWS_SESSION_TOKEN", options.session_token);
      }
    }
    if (!ca_bundle.empty()) {
      env.try_emplace("AWS_CA_BUNDLE", ca_bundle);
      env.try_emplace("NODE_EXTRA_CA_CERTS", ca_bundle);
    }
    // After the function's own folders, as Lambda's runtime folder comes after /opt's: a
    // function's own copy of a package (its own SDK's version) is found first.
    if (std::string modules = sdk_node_modules(f); !modules.empty()) {
      auto [path, added] = env.try_emplace("NODE_PATH", modules);
      if (!added) path->second += (path->second.empty() ? "" : ":") + modules;
    }
    return env;
  }

  // Starts the process of sandbox `s` and serves its Runtime API (and, isolated, the gateway).
  Expected<void, Error> launch(Sandbox& s) {
    const FunctionConfig& f = s.config;
    SandboxIsolation isolation = isolation_for(f);
    std::string runtime_address = "127.0.0.1:" + std::to_string(kRuntimeApiPort);
    std::vector<int> listeners;
    if (!isolation.own_network) {
      // In baton's network: a port of its own, which any local process can connect to.
      auto listener = net::listen_socket("127.0.0.1", 0);
      if (!listener) return Unexpected<Error>(listener.error());
      runtime_address = "127.0.0.1:" + std::to_string(listener->port);
      listeners.push_back(listener->fd);
    }
    auto process =
        spawn_sandbox(command_for(f), f.code_dir, environment_for(f, runtime_address), isolation);
    if (!process) {
      for (int fd : listeners) ::close(fd);
      return Unexpected<Error>(process.error());
    }
    s.process = *process;
    s.process.listeners.clear();
    for (int fd : process->listeners) listeners.push_back(fd);
    std::uint64_t id = s.id;
    std::vector<net::Handler> handlers;
    handlers.push_back([this, id](net::HttpRequest&& request, net::Responder respond) {
      on_runtime_api(id, std::move(request), std::move(respond));
    });
    if (isolation.own_network && options.gateway) handlers.push_back(options.gateway);
    std::optional<Error> failed;
    for (std::size_t i = 0; i < listeners.size(); ++i) {
      if (failed) {
        ::close(listeners[i]);
        continue;
      }
      // The server owns the fd from here on, even when it cannot adopt it.
      auto adopted = runtime_api.adopt(listeners[i], std::move(handlers[i]));
      if (adopted) {
        s.listeners.push_back(adopted->id);
      } else {
        failed = adopted.error();
      }
    }
    if (failed) {
      for (net::ListenerId listener : s.listeners) runtime_api.unlisten(listener);
      kill_sandbox(s.process);
      ::waitpid(s.process.pid, nullptr, 0);
      for (int fd : {s.process.out_fd, s.process.err_fd, s.process.status_fd}) {
        if (fd >= 0) ::close(fd);
      }
      return Unexpected<Error>(*failed);
    }
    return {};
  }

  // Starts a sandbox for `f`; on failure, fails the first invocation waiting for one.
  void start_sandbox(const FunctionConfig& f) {
    if (stopping) return;
    auto sandbox = std::make_unique<Sandbox>();
    sandbox->id = next_id++;
    sandbox->config = f;
    sandbox->started = SteadyClock::now();
    std::uint64_t id = sandbox->id;
    if (auto launched = launch(*sandbox); !launched) {
      fail_first_queued(f.name, launched.error().name, launched.error().cause);
      return;
    }
    Pool& pool = pools[f.name];
    pool.stats.cold_starts++;
    sandboxes.emplace(id, std::move(sandbox));
    int running = count_sandboxes(f.name);
    pool.stats.most_sandboxes = std::max(pool.stats.most_sandboxes, running);
    wake();
  }

  int count_sandboxes(const std::string& name) const {
    int n = 0;
    for (const auto& [id, s] : sandboxes) {
      if (s->config.name == name && !s->exited) ++n;
    }
    return n;
  }

  // Starts sandboxes for queued invocations, within the function's concurrency.
  void scale(const std::string& name) {
    Pool& pool = pools[name];
    if (pool.queue.empty()) return;
    const FunctionConfig& f = pool.queue.front()->config;
    int limit = f.reserved_concurrency >= 0 ? f.reserved_concurrency : options.default_concurrency;
    int running = 0;
    int starting = 0;
    for (const auto& [id, s] : sandboxes) {
      if (s->config.name != name || s->exited) continue;
      ++running;
      // Starting, or done with an invocation and about to ask for the next: soon available.
      bool soon = s->phase == Sandbox::Phase::Starting || s->phase == Sandbox::Phase::Answered;
      if (soon && !s->stopping && !s->retired && s->config.revision == f.revision) ++starting;
    }
    // One new sandbox for each queued invocation no sandbox about to be free will take.
    int wanted = static_cast<int>(pool.queue.size()) - starting;
    while (wanted-- > 0 && running < limit) {
      start_sandbox(f);
      ++running;
    }
  }

  // The invocation of function `name` waiting longest, taken off its queue; null if none.
  std::shared_ptr<Pending> take_first_queued(const std::string& name) {
    Pool& pool = pools[name];
    if (pool.queue.empty()) return nullptr;
    std::shared_ptr<Pending> pending = std::move(pool.queue.front());
    pool.queue.pop_front();
    return pending;
  }

  void fail_first_queued(const std::string& name, const std::string& type,
                         const std::string& message) {
    if (auto pending = take_first_queued(name)) {
      finish(*pending, error_object(type, message), true, type, nullptr);
    }
  }

  // Hands `pending` to a sandbox waiting in /next.
  void hand_out(Sandbox& s, std::shared_ptr<Pending> pending) {
    auto now = SteadyClock::now();
    // What it printed while starting or between invocations goes to the log as it is.
    drain(s);
    append_log(s.config.name, s.init_output);
    s.init_output.clear();
    s.phase = Sandbox::Phase::Busy;
    pending->handed_out = now;
    pending->deadline = now + std::chrono::seconds(pending->config.timeout_seconds);
    pending->cold = s.first;
    if (s.first) pending->init_ms = ms_between(s.started, now);
    s.first = false;
    s.current = pending;
    net::HttpResponse r;
    r.header("Content-Type", "application/json");
    r.header("Lambda-Runtime-Aws-Request-Id", pending->request_id);
    r.header(
        "Lambda-Runtime-Deadline-Ms",
        std::to_string(SystemClock().now().millis() + pending->config.timeout_seconds * 1000LL));
    const std::string& arn =
        pending->request.invoked_arn.empty() ? pending->config.arn : pending->request.invoked_arn;
    r.header("Lambda-Runtime-Invoked-Function-Arn", arn);
    char trace[96];
    std::snprintf(trace, sizeof trace, "Root=1-%08llx-%012llx%012llx;Parent=%016llx;Sampled=0",
                  static_cast<unsigned long long>(SystemClock().now().millis() / 1000),
                  static_cast<unsigned long long>(random.next_u64() & 0xffffffffffffULL),
                  static_cast<unsigned long long>(random.next_u64() & 0xffffffffffffULL),
                  static_cast<unsigned long long>(random.next_u64()));
    r.header("Lambda-Runtime-Trace-Id", trace);
    if (!pending->request.client_context.empty()) {
      r.header("Lambda-Runtime-Client-Context", pending->request.client_context);
    }
    r.body = std::move(pending->request.payload);  // handed out once
    net::Responder respond = std::move(*s.next);
    s.next.reset();
    deferred.push_back(
        [respond = std::move(respond), r = std::move(r)]() mutable { respond(std::move(r)); });
  }

  // Gives queued invocations to sandboxes waiting for one.
  void dispatch(const std::string& name) {
    Pool& pool = pools[name];
    for (auto& [id, s] : sandboxes) {
      if (pool.queue.empty()) break;
      if (s->config.name != name || s->phase != Sandbox::Phase::Waiting || !s->next ||
          s->stopping || s->retired || s->exited) {
        continue;
      }
      if (s->config.revision != pool.queue.front()->config.revision) continue;
      std::shared_ptr<Pending> pending = pool.queue.front();
      pool.queue.pop_front();
      hand_out(*s, std::move(pending));
    }
    scale(name);
  }

  // Ends an invocation: its log, the caller's answer.
  // `note` is what Lambda itself writes in the log when an invocation ends badly.
  void finish(Pending& p, std::string payload, bool function_error, std::string error_type,
              Sandbox* s, std::string_view note = {}) {
    if (s != nullptr) {
      drain(*s);
      s->current.reset();
    }
    if (!note.empty()) {
      if (!p.output.empty() && p.output.back() != '\n') p.output += "\n";
      p.output += note;
    }
    auto now = SteadyClock::now();
    InvokeResult result;
    result.request_id = p.request_id;
    result.payload = std::move(payload);
    result.function_error = function_error;
    result.error_type = std::move(error_type);
    result.cold_start = p.cold;
    result.duration_ms =
        p.handed_out.time_since_epoch().count() == 0 ? 0 : ms_between(p.handed_out, now);
    char report[320];
    double billed = std::ceil(result.duration_ms);
    std::int64_t used = s != nullptr ? std::max(s->peak_rss, resident_bytes(s->process)) : 0;
    std::snprintf(report, sizeof report,
                  "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory "
                  "Size: %d MB\tMax Memory Used: %lld MB\t",
                  p.request_id.c_str(), result.duration_ms, billed, p.config.memory_mb,
                  static_cast<long long>(used / (1024 * 1024)));
    std::string log =
        "START RequestId: " + p.request_id + " Version: " + p.config.version + "\n" + p.output;
    if (!p.output.empty() && p.output.back() != '\n') log += "\n";
    log += "END RequestId: " + p.request_id + "\n" + report;
    if (p.cold) {
      char init[64];
      std::snprintf(init, sizeof init, "Init Duration: %.2f ms\t", p.init_ms);
      log += init;
    }
    // Lambda ends the line with how a sandbox failed, when it did (not for a function's own
    // error): "Status: timeout", or "Status: error" and the error type.
    if (result.error_type == "Sandbox.Timedout") {
      log += "Status: timeout";
    } else if (result.error_type == "Runtime.ExitError" ||
               result.error_type == "Runtime.OutOfMemory") {
      log += "Status: error\tError Type: " + result.error_type;
    }
    log += "\n";
    append_log(p.config.name, log);
    result.log = std::move(log);
    Pool& pool = pools[p.config.name];
    pool.stats.invocations++;
    deferred.push_back([done = std::move(p.done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }

  void append_log(const std::string& name, const std::string& text) {
    if (options.log_dir.empty() || text.empty()) return;
    std::ofstream file(options.log_dir + "/" + name + ".log", std::ios::app);
    file << text;
  }

  // Reads what the sandbox has printed so far.
  void drain(Sandbox& s) {
    char buffer[16384];
    for (int* fd : {&s.process.out_fd, &s.process.err_fd}) {
      while (*fd >= 0) {
        ssize_t n = ::read(*fd, buffer, sizeof buffer);
        if (n > 0) {
          std::string& into = s.current ? s.current->output : s.init_output;
          into.append(buffer, static_cast<std::size_t>(n));
          continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
          ::close(*fd);
          *fd = -1;
        }
        break;
      }
    }
  }

  // --- the Runtime API of one sandbox ---

  void on_runtime_api(std::uint64_t id, net::HttpRequest&& request, net::Responder respond) {
    std::unique_lock lock(mutex);
    auto it = sandboxes.find(id);
    if (it == sandboxes.end() || it->second->exited) {
      lock.unlock();
      return respond(api_error(500, "Runtime.Stopped", "The sandbox is stopping"));
    }
    Sandbox& s = *it->second;
    std::string_view path = request.path();
    if (!path.starts_with(kApiPrefix)) {
      lock.unlock();
      return respond(api_error(404, "NotFound", "No such Runtime API path: " + std::string(path)));
    }
    std::string_view route = path.substr(kApiPrefix.size());
    if (route == "invocation/next" && request.method == "GET") {
      if (s.current) {
        // Asked for the next invocation without answering this one.
        finish(*s.current,
               error_object("Runtime.InvalidStateTransition",
                            "The runtime asked for the next invocation before "
                            "answering this one"),
               true, "Runtime.InvalidStateTransition", &s);
      }
      s.phase = Sandbox::Phase::Waiting;
      s.idle_since = SteadyClock::now();
      s.next = std::move(respond);
      dispatch(s.config.name);
      run_deferred(lock);
      return;
    }
    if (route == "init/error" && request.method == "POST") {
      std::string type(request.header("lambda-runtime-function-error-type"));
      auto body = json::parse(request.body);
      if (type.empty() && body && body->is_object()) {
        if (const json::Value* t = body->find("errorType"); t != nullptr && t->is_string()) {
          type = std::string(t->as_string());
        }
      }
      if (type.empty()) type = "Runtime.Unknown";
      s.stopping = true;
      kill_sandbox(s.process);
      if (auto pending = take_first_queued(s.config.name)) {
        pending->output = s.init_output;
        s.init_output.clear();
        finish(*pending, request.body.empty() ? error_object(type, "") : request.body, true, type,
               nullptr);
      }
      deferred.push_back(
          [respond = std::move(respond)] { respond(api_answer(202, R"({"status":"OK"})")); });
      run_deferred(lock);
      return;
    }
    // invocation/{id}/response and invocation/{id}/error
    std::string_view rest = route.starts_with("invocation/") ? route.substr(11) : "";
    auto slash = rest.find('/');
    std::string request_id(rest.substr(0, slash));
    std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    if (request.method != "POST" || (action != "response" && action != "error")) {
      lock.unlock();
      return respond(api_error(404, "NotFound", "No such Runtime API path: " + std::string(path)));
    }
    if (!s.current || s.current->request_id != request_id) {
      lock.unlock();
      return respond(api_error(400, "InvalidRequestID", "Invalid request ID"));
    }
    std::shared_ptr<Pending> pending = s.current;
    if (action == "response") {
      if (request.body.size() > kMaxResponseBytes) {
        finish(*pending,
               error_object("Function.ResponseSizeTooLarge",
                            "Response payload size exceeded maximum allowed payload size (6291556 "
                            "bytes)."),
               true, "Function.ResponseSizeTooLarge", &s);
      } else {
        finish(*pending, std::move(request.body), false, "", &s);
      }
    } else {
      std::string type(request.header("lambda-runtime-function-error-type"));
      auto body = json::parse(request.body);
      if (body && body->is_object()) {
        if (const json::Value* t = body->find("errorType"); t != nullptr && t->is_string()) {
          type = std::string(t->as_string());
        }
      }
      if (type.empty()) type = "Unhandled";
      finish(*pending, request.body.empty() ? error_object(type, "") : std::move(request.body),
             true, type, &s);
    }
    s.phase = Sandbox::Phase::Answered;
    deferred.push_back(
        [respond = std::move(respond)] { respond(api_answer(202, R"({"status":"OK"})")); });
    run_deferred(lock);
  }

  // --- the supervisor: output, exits, timeouts, memory, idleness ---

  void supervise() {
    std::unique_lock lock(mutex);
    auto last_memory_check = SteadyClock::now();
    while (!stopping) {
      std::vector<pollfd> fds;
      fds.push_back(pollfd{wake_pipe[0], POLLIN, 0});
      for (const auto& [id, s] : sandboxes) {
        if (s->process.out_fd >= 0) fds.push_back(pollfd{s->process.out_fd, POLLIN, 0});
        if (s->process.err_fd >= 0) fds.push_back(pollfd{s->process.err_fd, POLLIN, 0});
      }
      lock.unlock();
      ::poll(fds.data(), fds.size(), 20);
      if (fds[0].revents & POLLIN) {
        char buffer[64];
        while (::read(wake_pipe[0], buffer, sizeof buffer) > 0) {
        }
      }
      lock.lock();
      // stop() answers what is left; an exit seen now is one stop() caused.
      if (stopping) break;
      auto now = SteadyClock::now();
      bool check_memory = now - last_memory_check > std::chrono::milliseconds(100);
      if (check_memory) last_memory_check = now;
      std::vector<std::string> touched;
      for (auto& [id, s] : sandboxes) {
        drain(*s);
        supervise_one(*s, now, check_memory, touched);
      }
      // The dead and drained are gone.
      for (auto it = sandboxes.begin(); it != sandboxes.end();) {
        Sandbox& s = *it->second;
        if (s.exited && s.process.out_fd < 0 && s.process.err_fd < 0) {
          append_log(s.config.name, s.init_output);
          for (net::ListenerId listener : s.listeners) runtime_api.unlisten(listener);
          if (s.process.status_fd >= 0) ::close(s.process.status_fd);
          if (s.next) {
            net::Responder respond = std::move(*s.next);
            deferred.push_back([respond = std::move(respond)] {
              respond(api_error(500, "Runtime.Stopped", "The sandbox is stopping"));
            });
          }
          touched.push_back(s.config.name);
          it = sandboxes.erase(it);
        } else {
          ++it;
        }
      }
      for (const std::string& name : touched) dispatch(name);
      run_deferred(lock);
    }
  }

  void supervise_one(Sandbox& s, SteadyClock::time_point now, bool check_memory,
                     std::vector<std::string>& touched) {
    if (!s.exited) {
      int status = 0;
      if (::waitpid(s.process.pid, &status, WNOHANG) == s.process.pid) {
        s.exited = true;
        s.exit_status = program_status(s.process, status);
        touched.push_back(s.config.name);
        on_exit(s);
        return;
      }
    }
    if (s.exited || s.stopping) return;
    if (s.current && now > s.current->deadline) {
      std::shared_ptr<Pending> p = s.current;
      s.stopping = true;
      kill_sandbox(s.process);
      std::string after =
          "Task timed out after " + seconds_text(p->config.timeout_seconds) + " seconds";
      finish(*p,
             error_object("Sandbox.Timedout", "RequestId: " + p->request_id + " Error: " + after),
             true, "Sandbox.Timedout", &s,
             format_rfc3339_millis(SystemClock().now()) + " " + p->request_id + " " + after + "\n");
      return;
    }
    if (check_memory && s.current) {
      std::int64_t rss = resident_bytes(s.process);
      s.peak_rss = std::max(s.peak_rss, rss);
      if (rss > static_cast<std::int64_t>(s.config.memory_mb) * 1024 * 1024) {
        std::shared_ptr<Pending> p = s.current;
        s.stopping = true;
        kill_sandbox(s.process);
        finish(*p,
               error_object("Runtime.OutOfMemory", "RequestId: " + p->request_id +
                                                       " Error: Runtime exited with error: "
                                                       "signal: killed"),
               true, "Runtime.OutOfMemory", &s);
        return;
      }
    }
    bool idle = s.phase == Sandbox::Phase::Waiting && !s.current;
    if (idle && (s.retired || now - s.idle_since > options.idle_timeout)) {
      s.stopping = true;
      kill_sandbox(s.process);
      return;
    }
    if (s.phase == Sandbox::Phase::Starting && now - s.started > options.init_timeout) {
      // Lambda's init phase has a limit too: the invocation waiting for this sandbox fails.
      s.stopping = true;
      kill_sandbox(s.process);
      fail_first_queued(s.config.name, "Sandbox.Timedout",
                        "Error: The function's runtime did not start within " +
                            seconds_text(static_cast<int>(options.init_timeout.count() / 1000)) +
                            " seconds");
    }
  }

  // The sandbox's process ended: the invocation it was running fails as Lambda's do.
  void on_exit(Sandbox& s) {
    std::string why;
    if (WIFEXITED(s.exit_status)) {
      why = "exit status " + std::to_string(WEXITSTATUS(s.exit_status));
    } else if (WIFSIGNALED(s.exit_status)) {
      why = std::string("signal: ") +
            (WTERMSIG(s.exit_status) == SIGKILL ? "killed" : strsignal(WTERMSIG(s.exit_status)));
    }
    if (s.current) {
      std::shared_ptr<Pending> p = s.current;
      std::string message =
          "RequestId: " + p->request_id + " Error: Runtime exited with error: " + why;
      finish(*p, error_object("Runtime.ExitError", message), true, "Runtime.ExitError", &s,
             message + "\nRuntime.ExitError\n");
    } else if (s.phase == Sandbox::Phase::Starting && !s.stopping) {
      // It died before asking for work: the invocation it was started for fails.
      drain(s);
      if (auto p = take_first_queued(s.config.name)) {
        p->output = s.init_output;
        s.init_output.clear();
        finish(*p,
               error_object("Runtime.ExitError",
                            "RequestId: " + p->request_id +
                                " Error: Runtime exited without providing a reason: " + why),
               true, "Runtime.ExitError", nullptr);
      }
    }
  }
};

FunctionHost::FunctionHost(HostOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

FunctionHost::~FunctionHost() { stop(); }

Expected<void, Error> FunctionHost::start() {
  Impl& d = *impl_;
  if (d.options.bootstrap_dir.empty()) {
    d.options.bootstrap_dir =
        (std::filesystem::temp_directory_path() / ("baton-bootstraps-" + std::to_string(getuid())))
            .string();
  }
  if (auto written = write_bootstraps(d.options.bootstrap_dir); !written) {
    return Unexpected<Error>(written.error());
  }
  if (!d.options.ca_bundle.empty()) {
    // Copied where every sandbox can read it: the original may be in baton's data folder, which
    // isolated sandboxes do not see, next to the key that must stay there.
    std::ifstream in(d.options.ca_bundle, std::ios::binary);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in) return fail("Runtime.Unknown", "cannot read the CA bundle " + d.options.ca_bundle);
    d.ca_bundle = d.options.bootstrap_dir + "/" + std::string(kCaBundleName);
    if (auto copied = write_runtime_file(d.ca_bundle, pem.str()); !copied) return copied;
  }
  if (!d.options.sdk_dir.empty()) {
    std::error_code ec;
    auto modules = std::filesystem::absolute(d.options.sdk_dir, ec) / "node_modules";
    if (!ec && std::filesystem::is_directory(modules, ec)) d.sdk_modules = modules.string();
  }
  if (d.options.isolation == Isolation::None && !d.options.hidden_dir.empty()) {
    d.sdk_linked = link_sdk(d.options.hidden_dir, d.sdk_modules);
  }
  if (!d.options.log_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(d.options.log_dir, ec);
    if (ec) return fail("StoreError", "cannot create " + d.options.log_dir + ": " + ec.message());
  }
  d.node = find_on_path("node");
  d.python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : find_on_path("python3");
  if (d.options.isolation == Isolation::Namespaces) {
    if (d.options.gateway && d.options.gateway_port == kRuntimeApiPort) {
      return fail("Sandbox.IsolationFailed",
                  "port 9001 is the Runtime API's inside a sandbox; the API gateway needs another");
    }
    // A sandbox that runs nothing, to say now rather than at the first invocation that this
    // machine does not allow namespaces (a container without user namespaces, a sysctl).
    FunctionConfig probe;
    probe.code_dir = d.options.bootstrap_dir;
    if (auto isolated = check_isolation(d.isolation_for(probe)); !isolated) {
      return fail("Sandbox.IsolationFailed",
                  isolated.error().cause +
                      ". Function sandboxes run in Linux namespaces of their own (user, mount, "
                      "PID" +
                      (d.options.network == FunctionNetwork::Isolated ? ", network" : "") +
                      "), which this machine refuses. Allow unprivileged user namespaces "
                      "(sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, "
                      "kernel.apparmor_restrict_unprivileged_userns); in a container, allow them "
                      "in its seccomp profile and leave /proc unmasked (docker run --security-opt "
                      "systempaths=unconfined). Or run functions without isolation: "
                      "--function-isolation none");
    }
  }
  if (::pipe2(d.wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    return fail("Runtime.Unknown", std::string("pipe: ") + std::strerror(errno));
  }
  if (auto started = d.runtime_api.start(); !started) return started;
  d.supervisor = std::thread([&d] { d.supervise(); });
  return {};
}

void FunctionHost::stop() {
  Impl& d = *impl_;
  // Every invocation not answered yet: those running and those queued for a sandbox.
  std::vector<std::shared_ptr<Pending>> unanswered;
  {
    std::lock_guard lock(d.mutex);
    if (d.stopping) return;
    d.stopping = true;
    for (auto& [id, s] : d.sandboxes) {
      kill_sandbox(s->process);
      if (s->current) unanswered.push_back(std::move(s->current));
    }
    for (auto& [name, pool] : d.pools) {
      for (auto& pending : pool.queue) unanswered.push_back(std::move(pending));
      pool.queue.clear();
    }
  }
  for (const auto& pending : unanswered) pending->done(stopped_result(pending->request_id));
  if (d.wake_pipe[1] >= 0) d.wake();
  if (d.supervisor.joinable()) d.supervisor.join();
  d.runtime_api.stop();
  std::unique_lock lock(d.mutex);
  for (auto& [id, s] : d.sandboxes) {
    if (!s->exited) ::waitpid(s->process.pid, nullptr, 0);
    for (int fd : {s->process.out_fd, s->process.err_fd, s->process.status_fd}) {
      if (fd >= 0) ::close(fd);
    }
  }
  d.sandboxes.clear();
  for (int fd : d.wake_pipe) {
    if (fd >= 0) ::close(fd);
  }
  d.wake_pipe[0] = d.wake_pipe[1] = -1;
}

Expected<void, Error> FunctionHost::check_runnable(const FunctionConfig& f) const {
  auto kind = runtime_kind(f.runtime);
  if (!kind) return Unexpected<Error>(kind.error());
  if (*kind == RuntimeKind::Node && impl_->node.empty()) {
    return fail("InvalidRuntimeException",
                "The runtime " + f.runtime +
                    " needs Node.js, and there is no `node` on this machine's PATH");
  }
  if (*kind == RuntimeKind::Python && impl_->python.empty()) {
    return fail("InvalidRuntimeException",
                "The runtime " + f.runtime + " needs Python 3, and there is no `python3` here");
  }
  return {};
}

void FunctionHost::invoke(const FunctionConfig& f, InvokeRequest request, InvokeCallback done) {
  Impl& d = *impl_;
  std::unique_lock lock(d.mutex);
  auto pending = std::make_shared<Pending>();
  pending->request_id = request.request_id.empty() ? uuid_v4(d.random) : request.request_id;
  pending->config = f;
  pending->request = std::move(request);
  pending->done = std::move(done);
  if (d.stopping) {
    lock.unlock();
    return pending->done(stopped_result(pending->request_id));
  }
  if (f.reserved_concurrency == 0) {
    d.finish(*pending, error_object("TooManyRequestsException", "Rate Exceeded."), true,
             "TooManyRequestsException", nullptr);
    d.run_deferred(lock);
    return;
  }
  if (auto runnable = check_runnable(f); !runnable) {
    d.finish(*pending, error_object(runnable.error().name, runnable.error().cause), true,
             runnable.error().name, nullptr);
    d.run_deferred(lock);
    return;
  }
  d.pools[f.name].queue.push_back(std::move(pending));
  d.dispatch(f.name);
  d.run_deferred(lock);
}

void FunctionHost::retire(const std::string& name) {
  Impl& d = *impl_;
  std::lock_guard lock(d.mutex);
  for (auto& [id, s] : d.sandboxes) {
    if (s->config.name != name) continue;
    if (s->current) {
      s->retired = true;  // not reused once it answers
    } else {
      s->stopping = true;
      kill_sandbox(s->process);
    }
  }
  d.wake();
}

FunctionHost::Stats FunctionHost::stats(const std::string& name) const {
  const Impl& d = *impl_;
  std::lock_guard lock(d.mutex);
  Stats stats;
  if (auto it = d.pools.find(name); it != d.pools.end()) stats = it->second.stats;
  stats.sandboxes = 0;
  stats.busy = 0;
  for (const auto& [id, s] : d.sandboxes) {
    if (s->config.name != name || s->exited) continue;
    stats.sandboxes++;
    if (s->current) stats.busy++;
  }
  return stats;
}

}  // namespace baton::runtime
