// `baton serve`: the Step Functions API on HTTP, executions kept in SQLite, until SIGTERM or
// SIGINT.

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "api/gateway.h"
#include "api/http_api.h"
#include "cli/command.h"
#include "cli/data_lock.h"
#include "cli/io.h"
#include "cli/sandbox_options.h"
#include "core/clock.h"
#include "net/credentials.h"
#include "net/http_server.h"
#include "net/listen_socket.h"
#include "runtime/function_host.h"
#include "service/service.h"
#include "store/sqlite_store.h"

namespace baton::cli {
namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8083;
  int api_port = 3000;  // the HTTP APIs', as `sam local start-api`'s
  std::string data = ".baton";
  std::string mock_file;
  std::string log_level = "info";
  std::string region = "us-east-1";
  std::string account = "123456789012";
  int threads = 2;
  int function_concurrency = 10;
  std::int64_t async_retry_delay_ms = 60'000;
  int max_connections = 10'000;
  int idle_timeout_seconds = 60;
  int request_timeout_seconds = 60;
  SandboxOptions sandboxes;
  bool synchronous_full = false;
  bool check = false;
  bool clock_control = false;
  std::string tls_cert;  // with tls_key: the API speaks HTTPS
  std::string tls_key;
  std::string auth;         // "none", "sigv4"; "": none on a loopback address
  std::string credentials;  // with sigv4: the keys (the CLI's credentials file)
};

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.starts_with("127.");
}

int serve_error(const std::string& message) {
  std::cerr << "baton serve: " << message << "\n";
  return kExitFailed;
}

// Blocks SIGTERM and SIGINT in every thread (call before any thread starts), so that
// wait_for_stop_signal can take them synchronously.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int wait_for_stop_signal(const sigset_t& set) {
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

// The API as functions' AWS SDKs reach it (AWS_ENDPOINT_URL); "": the host's default,
// http://127.0.0.1:PORT, where an isolated network has it and where a loopback or wildcard
// address is reached from baton's own network.
std::string function_endpoint(const std::string& host, std::uint16_t port,
                              const runtime::HostOptions& functions) {
  bool own_network = functions.isolation == runtime::Isolation::Namespaces &&
                     functions.network == runtime::FunctionNetwork::Isolated;
  if (own_network || host == "127.0.0.1" || host == "0.0.0.0" || host == "localhost" ||
      host == "::" || host.empty()) {
    return "";
  }
  bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// Looks for damage in the database before anything reads it (quick_check; integrity_check with
// --check), and names the executions a damaged page holds. False when damaged.
bool check_store(store::SqliteStore& store, const std::string& db_path, bool full) {
  auto problems = store.check_integrity(full);
  if (!problems) {
    std::cerr << "baton serve: " << db_path << " cannot be checked: " << problems.error().cause
              << "\n";
    return false;
  }
  if (problems->empty()) {
    if (full) std::cerr << "baton serve: " << db_path << " is sound (integrity_check: ok)\n";
    return true;
  }
  std::cerr << "baton serve: " << db_path << " is damaged (" << problems->size()
            << (problems->size() >= 100 ? "+" : "") << " problems found):\n";
  for (const std::string& p : *problems) std::cerr << "  " << p << "\n";
  auto damaged = store.damaged_executions();
  if (damaged.empty()) {
    std::cerr << "No execution's record or history is on a damaged page (the damage is in an "
                 "index or in other resources).\n";
  } else {
    std::cerr << "Executions that cannot be read back (" << damaged.size() << "):\n";
    for (const auto& [arn, why] : damaged) std::cerr << "  " << arn << ": " << why << "\n";
  }
  std::cerr << "baton does not write to a damaged database. Restore " << db_path
            << " from a backup, or move it aside to start afresh.\n";
  return false;
}

int serve(const ServeOptions& options) {
  // Not dumpable: no process of baton's user (a function's, with --function-isolation none) can
  // read baton's memory, environment or descriptors through /proc, nor trace it.
  ::prctl(PR_SET_DUMPABLE, 0);
  api::LogLevel level = api::LogLevel::Info;
  if (options.log_level == "debug") level = api::LogLevel::Debug;
  if (options.log_level == "error") level = api::LogLevel::Error;

  service::ServiceOptions service_options;
  service_options.warn = [](const std::string& message) {
    std::cerr << "baton serve: " << message << "\n";
  };
  // Certificate and key before anything listens: a bad file stops the start.
  std::optional<net::TlsFiles> tls;
  if (!options.tls_cert.empty()) {
    tls = net::TlsFiles{options.tls_cert, options.tls_key};
    if (auto usable = net::check_tls_files(*tls); !usable) return serve_error(usable.error().cause);
  }
  const std::string scheme = tls ? "https" : "http";
  // Who may call: anyone on a loopback address; elsewhere, say so or ask for signatures.
  std::string auth = options.auth.empty() && !options.credentials.empty() ? "sigv4" : options.auth;
  if (auth.empty() && !is_loopback(options.host)) {
    return serve_error("--host " + options.host +
                       " takes requests from other machines: pass --auth sigv4 (with "
                       "--credentials FILE) to take only signed ones, or --auth none to take "
                       "any");
  }
  std::optional<std::map<std::string, std::string>> credentials;
  if (auth == "sigv4") {
    if (options.credentials.empty()) {
      credentials.emplace();
      (*credentials)["baton"] = "baton";  // what the README's examples export
    } else {
      auto keys = net::read_credentials(options.credentials);
      if (!keys) return serve_error(keys.error().cause);
      if (keys->empty()) return serve_error(options.credentials + " holds no access key");
      credentials = std::move(*keys);
    }
  } else if (auth == "none" && !is_loopback(options.host) && options.log_level != "error") {
    std::cerr << "baton serve: warning: --auth none on " << options.host
              << ": anyone who reaches this address can call every API without a key\n";
  }
  service_options.partition.region = options.region;
  if (const char* probes = std::getenv("BATON_TEST_SERVICES");
      probes && std::string(probes) == "1") {
    service_options.test_services = true;
  }
  service_options.partition.account = options.account;
  service_options.async_retry_delay_ms = options.async_retry_delay_ms;
  if (!options.mock_file.empty()) {
    auto text = read_text_file(options.mock_file);
    if (!text) return serve_error(text.error());
    auto mocks = service::states::MockConfig::parse(*text);
    if (!mocks) return serve_error(options.mock_file + ": " + mocks.error().cause);
    service_options.mocks = std::move(*mocks);
  }

  std::error_code ec;
  std::filesystem::create_directories(options.data, ec);
  if (ec) return serve_error("cannot create data folder " + options.data + ": " + ec.message());
  auto lock = DataLock::acquire(options.data);
  if (!lock) return serve_error(lock.error());
  std::string db_path = (std::filesystem::path(options.data) / "baton.db").string();
  store::SqliteOptions sqlite_options;
  sqlite_options.synchronous_full = options.synchronous_full;
  auto store = store::SqliteStore::open(db_path, sqlite_options);
  if (!store) return serve_error(db_path + ": " + store.error().cause);
  if (auto sound = check_store(**store, db_path, options.check); !sound || options.check) {
    return sound ? kExitOk : kExitFailed;
  }

  // The API's socket first: its port (free, with --port 0) is also where functions find the API
  // inside their sandboxes. Clients that connect before it is served wait in its backlog.
  auto api_socket = net::listen_socket(options.host, static_cast<std::uint16_t>(options.port));
  if (!api_socket) return serve_error(api_socket.error().cause);
  // The HTTP APIs' port too, before anything starts: ApiEndpoint names it.
  auto http_api_socket =
      net::listen_socket(options.host, static_cast<std::uint16_t>(options.api_port));
  if (!http_api_socket) {
    ::close(api_socket->fd);
    return serve_error(
        "the HTTP API port: " + http_api_socket.error().cause +
        (http_api_socket.error().name == "AddressInUse"
             ? " (another baton serve or sam local start-api? choose another with --api-port N, "
               "or --api-port 0 for any free port)"
             : ""));
  }
  sigset_t stop_signals = block_stop_signals();
  // Stopped first, destroyed last: the function host and the service keep the connections of
  // requests still awaiting their answer (long-polls, invocations) until they are destroyed, and a
  // connection must not outlive its server.
  std::optional<net::HttpServer> server;
  // Functions: their code under DATA/functions, their logs under DATA/logs.
  std::filesystem::path data = std::filesystem::absolute(options.data);
  runtime::HostOptions host_options;
  host_options.bootstrap_dir = (data / "runtime").string();
  host_options.log_dir = (data / "logs").string();
  host_options.region = options.region;
  host_options.default_concurrency = options.function_concurrency;
  if (credentials) {
    // Functions sign their calls with a key the API takes.
    host_options.access_key_id = credentials->begin()->first;
    host_options.secret_access_key = credentials->begin()->second;
  }
  if (auto applied = options.sandboxes.apply(host_options); !applied) {
    return serve_error(applied.error());
  }
  host_options.hidden_dir = data.string();
  // The API, for functions (AWS_ENDPOINT_URL). `api` is built below, before any function can run:
  // none runs before service.start().
  api::Gateway* gateway = nullptr;
  host_options.gateway = [&gateway](net::HttpRequest&& request, net::Responder respond) {
    gateway->handle(std::move(request), std::move(respond));
  };
  host_options.gateway_port = api_socket->port;
  host_options.endpoint = function_endpoint(options.host, api_socket->port, host_options);
  if (level != api::LogLevel::Error && host_options.sdk_dir.empty()) {
    std::cerr << "baton serve: no AWS SDK for Node.js functions (sdk/node, installed by "
                 "scripts/setup; --function-sdk): a handler that imports @aws-sdk/* cannot "
                 "find it\n";
  }
  if (level != api::LogLevel::Error && host_options.isolation == runtime::Isolation::None) {
    std::cerr << "baton serve: warning: --function-isolation none: functions run as plain "
                 "processes of this user; each can reach the others' Runtime API (take their "
                 "invocations, forge their answers) and read baton's data folder\n";
  } else if (level != api::LogLevel::Error &&
             host_options.network == runtime::FunctionNetwork::Host) {
    std::cerr << "baton serve: warning: --function-network host: each function's Runtime API "
                 "is a loopback port that any local process, other functions included, can "
                 "connect to (take its invocations, forge its answers)\n";
  }
  runtime::FunctionHost functions(host_options);
  if (auto started = functions.start(); !started) return serve_error(started.error().cause);
  service_options.functions = &functions;
  service_options.code_dir = (data / "functions").string();
  {
    bool any = options.host == "0.0.0.0" || options.host == "::" || options.host.empty();
    std::string host = any ? "127.0.0.1" : options.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    service_options.endpoint_url = scheme + "://" + host + ":" + std::to_string(api_socket->port);
  }
  service_options.http_api_port = http_api_socket->port;
  ShiftedClock clock;
  service::Service service(std::move(*store), service_options, clock);
  auto apis = api::served_apis(service);
  if (!apis) return serve_error(apis.error().cause);
  api::GatewayOptions gateway_options;
  gateway_options.level = level;
  gateway_options.version = BATON_VERSION;
  gateway_options.store = "sqlite:" + db_path;
  gateway_options.credentials = credentials;
  gateway_options.region = options.region;
  if (options.clock_control) gateway_options.clock = &clock;
  api::Gateway api(service, std::move(*apis), gateway_options);
  gateway = &api;
  if (auto started = service.start(); !started) {
    functions.stop();
    return serve_error("recovering " + db_path + ": " + started.error().cause);
  }
  net::HttpServerOptions http_options;
  http_options.threads = options.threads;
  http_options.max_connections = static_cast<std::size_t>(options.max_connections);
  http_options.idle_timeout = std::chrono::seconds(options.idle_timeout_seconds);
  http_options.request_timeout = std::chrono::seconds(options.request_timeout_seconds);
  http_options.tls = tls;
  http_options.listening_fd = api_socket->fd;  // the main handler's, TLS or not
  server.emplace(http_options, [&api](net::HttpRequest&& request, net::Responder respond) {
    api.handle(std::move(request), std::move(respond));
  });
  Expected<void, Error> serving = server->start();
  api::HttpApiPort http_apis(service, level, credentials, options.region);
  if (serving) {
    auto listening = server->adopt(
        http_api_socket->fd, [&http_apis](net::HttpRequest&& request, net::Responder respond) {
          http_apis.handle(std::move(request), std::move(respond));
        });
    if (!listening) serving = Unexpected<Error>(listening.error());
  } else {
    ::close(http_api_socket->fd);
  }
  if (!serving) {
    functions.stop();
    service.stop();
    return serve_error(serving.error().cause);
  }
  if (level != api::LogLevel::Error) {
    // One write: whoever reads the log as it grows sees both addresses at once.
    std::ostringstream started;
    started << "baton serve: listening on " << scheme << "://" << options.host << ":"
            << api_socket->port << ", data in " << db_path << "\n"
            << "  aws stepfunctions --endpoint-url " << scheme << "://" << options.host << ":"
            << api_socket->port << (tls ? " --ca-bundle " + options.tls_cert : std::string())
            << " list-state-machines\n"
            << "baton serve: HTTP APIs on http://" << options.host << ":" << http_api_socket->port
            << " (API_ID.execute-api.localhost:" << http_api_socket->port << " for one API)\n";
    std::cerr << started.str() << std::flush;
  }
  int signal = wait_for_stop_signal(stop_signals);
  if (level != api::LogLevel::Error) {
    std::cerr << "baton serve: " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
              << ", shutting down\n";
  }
  // In order: no new requests, then no function still running, then the service's last commit.
  server->stop();
  functions.stop();
  service.stop();
  return kExitOk;
}

}  // namespace

Run register_serve(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve",
                                         "Answer the AWS APIs baton emulates (Step Functions, "
                                         "Lambda, SQS, SNS) on one HTTP port, keeping "
                                         "everything in a SQLite database");
  command->add_option("--host", options->host, "Address to listen on")->capture_default_str();
  command->add_option("--port", options->port, "Port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command
      ->add_option("--api-port", options->api_port,
                   "Port of the HTTP APIs (API Gateway's routes in front of functions), as sam "
                   "local start-api's (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command->add_option("--data", options->data, "Folder for the database (baton.db)")
      ->capture_default_str();
  command
      ->add_option("--mock", options->mock_file,
                   "Step Functions Local mock file; start executions with "
                   "stateMachineArn#TestCase to use a test case")
      ->check(CLI::ExistingFile);
  command
      ->add_option("--log-level", options->log_level, "debug (one line per request), info, error")
      ->check(CLI::IsMember({"debug", "info", "error"}))
      ->capture_default_str();
  command->add_option("--region", options->region, "Region in the ARNs")->capture_default_str();
  command->add_option("--account", options->account, "Account id in the ARNs")
      ->check([](const std::string& s) {
        return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos
                   ? std::string()
                   : std::string("an account id is 12 digits");
      })
      ->capture_default_str();
  command->add_option("--threads", options->threads, "HTTP threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command
      ->add_option("--max-connections", options->max_connections,
                   "Open HTTP connections at most; more clients wait to be accepted")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  command
      ->add_option("--idle-timeout", options->idle_timeout_seconds,
                   "Seconds a connection may stay idle between requests (a request awaiting "
                   "its answer, such as a long-poll, is not idle)")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  command
      ->add_option("--request-timeout", options->request_timeout_seconds,
                   "Seconds a client may take to send a request once it began, and to read "
                   "its answer")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  command
      ->add_option("--function-concurrency", options->function_concurrency,
                   "Sandboxes a function may run at once, unless it reserves its own "
                   "concurrency")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command
      ->add_option("--async-retry-delay-ms", options->async_retry_delay_ms,
                   "Milliseconds before the first retry of a failed asynchronous (Event) "
                   "invocation; the second waits twice as long. Lambda waits one minute: a "
                   "shorter wait is for tests")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{3'600'000}))
      ->capture_default_str();
  command->add_flag("--check", options->check,
                    "Check the whole database for damage (SQLite's integrity_check), report, "
                    "and exit: 0 when it is sound. Start-up always runs a quicker check");
  add_sandbox_options(*command, options->sandboxes);
  command->add_flag("--clock-control", options->clock_control,
                    "Let POST /_baton/clock {\"advanceSeconds\": N} move baton's clock forward, "
                    "to reach schedules and timeouts without waiting (for tests)");
  command->add_flag("--fsync-full", options->synchronous_full,
                    "Make every commit survive power loss, not only a crash of baton (slower)");
  CLI::Option* tls_cert =
      command->add_option("--tls-cert", options->tls_cert,
                          "PEM certificate (chain) for HTTPS on --port; needs --tls-key");
  CLI::Option* tls_key = command->add_option("--tls-key", options->tls_key,
                                             "PEM private key (unencrypted) of --tls-cert");
  command
      ->add_option("--auth", options->auth,
                   "none: take unsigned requests (the default on a loopback --host); sigv4: "
                   "take only requests signed with a key of --credentials (AWS Signature "
                   "Version 4, as every AWS client signs)")
      ->check(CLI::IsMember({"none", "sigv4"}));
  command
      ->add_option("--credentials", options->credentials,
                   "Implies --auth sigv4: the keys to take, in the AWS CLI's credentials file "
                   "format (every profile's aws_access_key_id and aws_secret_access_key); "
                   "default: the one key baton / baton")
      ->check(CLI::ExistingFile);
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  return [command, options]() -> int {
    if (!command->parsed()) return -1;
    return serve(*options);
  };
}

}  // namespace baton::cli
