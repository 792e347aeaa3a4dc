// The function host with real sandboxes: shell `bootstrap`s speaking the Runtime API through
// curl (the `provided` runtime), and baton's Node.js and Python bootstraps.

#include "runtime/function_host.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "core/json.h"
#include "runtime/sandbox_process.h"

namespace baton::runtime {
namespace {

namespace fs = std::filesystem;

// A provided-runtime loop in shell: HANDLE is a shell function reading the event from $EVENT
// and printing the result.
std::string shell_bootstrap(const std::string& handle) {
  return R"(#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
)" + handle +
         R"(
while true; do
  HEADERS=$(mktemp)
  EVENT=$(curl -sS -D "$HEADERS" "$API/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\r\n')
  rm -f "$HEADERS"
  if RESULT=$(handle); then
    curl -sS -X POST "$API/$ID/response" --data-binary "$RESULT" > /dev/null
  else
    curl -sS -X POST "$API/$ID/error" -H 'Lambda-Runtime-Function-Error-Type: Function.Failed' \
      --data-binary "{\"errorType\":\"Function.Failed\",\"errorMessage\":\"$RESULT\"}" > /dev/null
  fi
done
)";
}

class FunctionHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("baton-host-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "logs");
    HostOptions options;
    options.bootstrap_dir = (root_ / "bootstraps").string();
    options.log_dir = (root_ / "logs").string();
    options.idle_timeout = std::chrono::seconds(30);
    // As baton's data folder: sandboxes see their own code and the bootstraps, nothing else.
    options.hidden_dir = root_.string();
    host_ = std::make_unique<FunctionHost>(options);
    ASSERT_TRUE(host_->start());
  }
  void TearDown() override {
    host_->stop();
    fs::remove_all(root_);
  }

  FunctionConfig function(const std::string& name, const std::string& runtime,
                          const std::string& handler,
                          const std::map<std::string, std::string>& files) {
    fs::path code = root_ / "code" / name;
    fs::create_directories(code);
    for (const auto& [file, text] : files) {
      fs::create_directories((code / file).parent_path());
      std::ofstream(code / file) << text;
      ::chmod((code / file).c_str(), 0755);
    }
    FunctionConfig f;
    f.name = name;
    f.arn = "arn:aws:lambda:us-east-1:123456789012:function:" + name;
    f.runtime = runtime;
    f.handler = handler;
    f.code_dir = code.string();
    f.revision = "1";
    return f;
  }

  FunctionConfig shell(const std::string& name, const std::string& handle) {
    return function(name, "provided.al2023", "bootstrap", {{"bootstrap", shell_bootstrap(handle)}});
  }

  InvokeResult call(const FunctionConfig& f, const std::string& payload = "{}") {
    std::promise<InvokeResult> promise;
    InvokeRequest request;
    request.payload = payload;
    host_->invoke(f, request, [&](InvokeResult r) { promise.set_value(std::move(r)); });
    auto future = promise.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  }

  fs::path root_;
  std::unique_ptr<FunctionHost> host_;
};

TEST_F(FunctionHostTest, AProvidedBootstrapAnswersAndStaysWarm) {
  FunctionConfig f =
      shell("echo", R"(handle() { echo "log line for $EVENT" >&2; echo "$EVENT"; })");
  InvokeResult first = call(f, R"({"n":1})");
  EXPECT_FALSE(first.function_error) << first.payload;
  EXPECT_EQ(first.payload, R"({"n":1})");
  EXPECT_TRUE(first.cold_start);
  EXPECT_NE(first.log.find("START RequestId: " + first.request_id + " Version: $LATEST"),
            std::string::npos)
      << first.log;
  EXPECT_NE(first.log.find("log line for {\"n\":1}"), std::string::npos) << first.log;
  EXPECT_NE(first.log.find("END RequestId: " + first.request_id), std::string::npos);
  EXPECT_NE(first.log.find("REPORT RequestId: " + first.request_id), std::string::npos);
  EXPECT_NE(first.log.find("Init Duration:"), std::string::npos);
  InvokeResult second = call(f, R"({"n":2})");
  EXPECT_EQ(second.payload, R"({"n":2})");
  EXPECT_FALSE(second.cold_start);
  EXPECT_EQ(host_->stats("echo").cold_starts, 1);
  EXPECT_EQ(host_->stats("echo").invocations, 2);
  // The function's log file has both invocations.
  std::ifstream log(root_ / "logs" / "echo.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(first.request_id), std::string::npos);
  EXPECT_NE(text.find(second.request_id), std::string::npos);
}

TEST_F(FunctionHostTest, TheEnvironmentIsTheFunctionsOwn) {
  FunctionConfig f = shell("env", R"(handle() { env | sort | tr '\n' ';'; })");
  f.environment = {{"GREETING", "hello"}, {"AWS_LAMBDA_FUNCTION_NAME", "not-allowed"}};
  f.memory_mb = 256;
  ::setenv("BATON_TEST_SECRET", "leaked", 1);
  InvokeResult r = call(f);
  ::unsetenv("BATON_TEST_SECRET");
  ASSERT_FALSE(r.function_error) << r.payload;
  EXPECT_NE(r.payload.find("GREETING=hello;"), std::string::npos) << r.payload;
  EXPECT_NE(r.payload.find("AWS_LAMBDA_FUNCTION_NAME=env;"), std::string::npos);
  EXPECT_NE(r.payload.find("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256;"), std::string::npos);
  EXPECT_NE(r.payload.find("LAMBDA_TASK_ROOT=" + f.code_dir + ";"), std::string::npos);
  EXPECT_NE(r.payload.find("_HANDLER=bootstrap;"), std::string::npos);
  EXPECT_NE(r.payload.find("AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001;"), std::string::npos);
  EXPECT_EQ(r.payload.find("AWS_ENDPOINT_URL"), std::string::npos);  // no gateway given
  EXPECT_EQ(r.payload.find("BATON_TEST_SECRET"), std::string::npos) << r.payload;
  EXPECT_EQ(r.payload.find("HOME="), std::string::npos) << r.payload;
  EXPECT_EQ(r.payload.find("AWS_EXECUTION_ENV"), std::string::npos);  // not for provided
}

TEST_F(FunctionHostTest, AnErrorIsTheFunctionsErrorObject) {
  FunctionConfig f = shell("fails", R"(handle() { echo "no such order"; return 1; })");
  InvokeResult r = call(f);
  EXPECT_TRUE(r.function_error);
  EXPECT_EQ(r.error_type, "Function.Failed");
  EXPECT_EQ(r.payload, R"({"errorType":"Function.Failed","errorMessage":"no such order"})");
  // The sandbox carries on.
  EXPECT_TRUE(call(f).function_error);
  EXPECT_EQ(host_->stats("fails").cold_starts, 1);
}

TEST_F(FunctionHostTest, ATimeoutKillsTheSandboxAndFailsOnlyThatCall) {
  FunctionConfig f =
      shell("slow", R"(handle() { case "$EVENT" in *sleep*) sleep 30;; esac; echo ok; })");
  f.timeout_seconds = 1;
  auto started = std::chrono::steady_clock::now();
  InvokeResult r = call(f, R"({"sleep":true})");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(r.function_error);
  EXPECT_EQ(r.error_type, "Sandbox.Timedout");
  EXPECT_NE(r.log.find("Status: timeout\n"), std::string::npos) << r.log;
  EXPECT_EQ(r.payload, R"({"errorType":"Sandbox.Timedout","errorMessage":"RequestId: )" +
                           r.request_id + R"( Error: Task timed out after 1.00 seconds"})");
  InvokeResult next = call(f, "{}");
  EXPECT_FALSE(next.function_error) << next.payload;
  EXPECT_EQ(next.payload, "ok");
  EXPECT_TRUE(next.cold_start);
}

TEST_F(FunctionHostTest, ASandboxThatExitsMidCallFailsThatCallOnly) {
  FunctionConfig f =
      shell("crashy", R"(handle() { case "$EVENT" in *crash*) kill -9 $$;; esac; echo fine; })");
  InvokeResult crashed = call(f, R"({"crash":1})");
  EXPECT_TRUE(crashed.function_error);
  EXPECT_EQ(crashed.error_type, "Runtime.ExitError");
  EXPECT_NE(crashed.log.find("Status: error\tError Type: Runtime.ExitError\n"), std::string::npos)
      << crashed.log;
  EXPECT_NE(crashed.payload.find("Runtime exited with error: signal: killed"), std::string::npos)
      << crashed.payload;
  EXPECT_EQ(call(f, "{}").payload, "fine");
}

TEST_F(FunctionHostTest, ConcurrencyIsCappedAndEveryCallIsAnswered) {
  FunctionConfig f = shell("capped", R"(handle() { sleep 0.2; echo "$EVENT"; })");
  f.reserved_concurrency = 3;
  constexpr int kCalls = 24;
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<InvokeResult> results;
  for (int i = 0; i < kCalls; ++i) {
    InvokeRequest request;
    request.payload = std::to_string(i);
    host_->invoke(f, request, [&](InvokeResult r) {
      std::lock_guard lock(mutex);
      results.push_back(std::move(r));
      all_done.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(
      all_done.wait_for(lock, std::chrono::seconds(60), [&] { return results.size() == kCalls; }));
  std::set<std::string> payloads;
  for (const InvokeResult& r : results) {
    EXPECT_FALSE(r.function_error) << r.payload;
    payloads.insert(r.payload);
  }
  EXPECT_EQ(payloads.size(), static_cast<std::size_t>(kCalls));
  EXPECT_LE(host_->stats("capped").most_sandboxes, 3);
  EXPECT_EQ(host_->stats("capped").cold_starts, 3);
}

TEST_F(FunctionHostTest, ABootstrapThatCannotStartFailsTheCall) {
  FunctionConfig missing = function("missing", "provided", "bootstrap", {{"README", "no code"}});
  InvokeResult r = call(missing);
  EXPECT_TRUE(r.function_error);
  EXPECT_EQ(r.error_type, "Runtime.InvalidEntrypoint");
  FunctionConfig dies = function("dies", "provided", "bootstrap",
                                 {{"bootstrap", "#!/bin/sh\necho cannot start >&2\nexit 3\n"}});
  InvokeResult died = call(dies);
  EXPECT_TRUE(died.function_error);
  EXPECT_EQ(died.error_type, "Runtime.ExitError");
  EXPECT_NE(died.payload.find("exit status 3"), std::string::npos) << died.payload;
  EXPECT_NE(died.log.find("cannot start"), std::string::npos) << died.log;
}

// What a sandbox sees of the machine: its own processes, its own code read-only, nothing of the
// data folder, no descriptor of baton's, no network but loopback.
TEST_F(FunctionHostTest, ASandboxSeesOnlyItsOwn) {
  function("other", "provided", "bootstrap", {{"secret.txt", "other's"}});
  FunctionConfig f = shell("nosy", R"SH(handle() {
    sleep 0.1 &
    printf 'pid=%s;' "$$"
    printf 'processes=%s;' "$(ls /proc | grep -c '^[0-9]')"
    printf 'sockets=%s;' "$(ls -l /proc/$$/fd | grep -c socket)"
    printf 'root=%s;' "$(ls "$ROOT" | tr '\n' ,)"
    printf 'code=%s;' "$(ls "$ROOT/code" | tr '\n' ,)"
    printf 'other=%s;' "$(cat "$ROOT/code/other/secret.txt" 2>&1 | grep -c "other's")"
    printf 'write=%s;' "$(touch "$LAMBDA_TASK_ROOT/new" 2>&1 | grep -c 'Read-only')"
    printf 'uid=%s;' "$(id -u)"
  })SH");
  f.environment = {{"ROOT", root_.string()}};
  InvokeResult r = call(f);
  ASSERT_FALSE(r.function_error) << r.payload << r.log;
  // The runtime is PID 2: PID 1 is the sandbox's init. The others are the subshells, sleep, ls
  // and grep of the handler: nothing of the machine's.
  EXPECT_NE(r.payload.find("pid=2;"), std::string::npos) << r.payload;
  auto processes = r.payload.find("processes=");
  ASSERT_NE(processes, std::string::npos);
  EXPECT_LE(std::atoi(r.payload.c_str() + processes + 10), 8) << r.payload;
  EXPECT_NE(r.payload.find("sockets=0;"), std::string::npos) << r.payload;
  // Of the data folder (here the test's root): the mount points of its code and the bootstraps.
  EXPECT_NE(r.payload.find("root=bootstraps,code,;"), std::string::npos) << r.payload;
  EXPECT_NE(r.payload.find("code=nosy,;"), std::string::npos) << r.payload;
  EXPECT_NE(r.payload.find("other=0;"), std::string::npos) << r.payload;
  EXPECT_NE(r.payload.find("write=1;"), std::string::npos) << r.payload;
  EXPECT_NE(r.payload.find("uid=" + std::to_string(::geteuid()) + ";"), std::string::npos)
      << r.payload;
}

// The runtime's memory is watched through the sandbox's init.
TEST_F(FunctionHostTest, AFunctionOverItsMemorySizeIsStopped) {
  FunctionConfig f = function("hungry", "python3.12", "app.handler",
                              {{"app.py",
                                "import time\n"
                                "def handler(event, context):\n"
                                "    held = b'x' * (200 * 1024 * 1024)\n"
                                "    time.sleep(5)\n"
                                "    return len(held)\n"}});
  f.memory_mb = 128;
  f.timeout_seconds = 10;
  InvokeResult r = call(f);
  EXPECT_TRUE(r.function_error);
  EXPECT_EQ(r.error_type, "Runtime.OutOfMemory") << r.payload;
}

// The same function runs with every isolation; only the address of its Runtime API changes.
TEST_F(FunctionHostTest, EveryIsolationRunsTheSameFunction) {
  FunctionConfig f = shell("where", R"(handle() { echo "$AWS_LAMBDA_RUNTIME_API"; })");
  struct Case {
    Isolation isolation;
    FunctionNetwork network;
  };
  for (Case c : {Case{Isolation::None, FunctionNetwork::Host},
                 Case{Isolation::Namespaces, FunctionNetwork::Host},
                 Case{Isolation::Namespaces, FunctionNetwork::Isolated}}) {
    HostOptions options;
    options.bootstrap_dir = (root_ / "bootstraps").string();
    options.isolation = c.isolation;
    options.network = c.network;
    FunctionHost host(options);
    ASSERT_TRUE(host.start());
    std::promise<InvokeResult> answered;
    host.invoke(f, InvokeRequest{}, [&](InvokeResult r) { answered.set_value(std::move(r)); });
    auto future = answered.get_future();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    InvokeResult r = future.get();
    EXPECT_FALSE(r.function_error) << r.payload;
    bool isolated = c.network == FunctionNetwork::Isolated;
    EXPECT_EQ(r.payload == "127.0.0.1:9001", isolated) << r.payload;
    EXPECT_TRUE(r.payload.starts_with("127.0.0.1:")) << r.payload;
    host.stop();
  }
}

// Issue: stopping the host answered the running invocations, but left those queued for a busy
// sandbox waiting forever.
TEST_F(FunctionHostTest, StopAnswersRunningAndQueuedInvocationsOnce) {
  FunctionConfig f = shell("busy", R"(handle() { sleep 30; echo late; })");
  f.reserved_concurrency = 1;
  f.timeout_seconds = 60;
  std::mutex mutex;
  std::condition_variable answered;
  std::vector<InvokeResult> results;
  auto record = [&](InvokeResult r) {
    std::lock_guard lock(mutex);
    results.push_back(std::move(r));
    answered.notify_all();
  };
  host_->invoke(f, InvokeRequest{}, record);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (host_->stats("busy").busy == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(host_->stats("busy").busy, 1);
  host_->invoke(f, InvokeRequest{}, record);  // queued: the only sandbox is busy
  auto stopping = std::chrono::steady_clock::now();
  host_->stop();
  std::unique_lock lock(mutex);
  ASSERT_TRUE(
      answered.wait_for(lock, std::chrono::seconds(5), [&] { return results.size() == 2; }));
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
  std::set<std::string> ids;
  for (const InvokeResult& r : results) {
    ids.insert(r.request_id);
    EXPECT_TRUE(r.stopped);
    EXPECT_TRUE(r.function_error);
    EXPECT_EQ(r.error_type, "ServiceException");
    EXPECT_NE(r.payload.find("baton is shutting down"), std::string::npos) << r.payload;
  }
  EXPECT_EQ(ids.size(), 2u);
  // stop() has returned: no callback can come any more, so each came exactly once. A call now is
  // answered at once, the same way.
  lock.unlock();
  host_->invoke(f, InvokeRequest{}, record);
  lock.lock();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[2].stopped);
}

TEST_F(FunctionHostTest, NodeAndPythonHandlersRunThroughBatonsBootstraps) {
  if (find_on_path("node").empty()) GTEST_SKIP() << "node is not installed";
  FunctionConfig node = function("node-fn", "nodejs20.x", "index.handler",
                                 {{"index.js",
                                   "let calls = 0;\n"
                                   "exports.handler = async (event, context) => {\n"
                                   "  console.log('hello from node');\n"
                                   "  return {sum: event.a + event.b, calls: ++calls,\n"
                                   "          name: context.functionName};\n"
                                   "};\n"}});
  InvokeResult n = call(node, R"({"a":2,"b":3})");
  ASSERT_FALSE(n.function_error) << n.payload << n.log;
  EXPECT_EQ(n.payload, R"({"sum":5,"calls":1,"name":"node-fn"})");
  EXPECT_NE(n.log.find("hello from node"), std::string::npos) << n.log;
  EXPECT_EQ(call(node, R"({"a":1,"b":1})").payload, R"({"sum":2,"calls":2,"name":"node-fn"})");

  FunctionConfig python = function("py-fn", "python3.12", "app.handler",
                                   {{"app.py",
                                     "def handler(event, context):\n"
                                     "    print('hello from python')\n"
                                     "    if event.get('fail'):\n"
                                     "        raise ValueError('bad input')\n"
                                     "    return {'product': event['a'] * event['b']}\n"}});
  InvokeResult p = call(python, R"({"a":6,"b":7})");
  ASSERT_FALSE(p.function_error) << p.payload << p.log;
  EXPECT_EQ(json::to_string(*json::parse(p.payload)), R"({"product":42})");
  EXPECT_NE(p.log.find("hello from python"), std::string::npos) << p.log;
  InvokeResult failed = call(python, R"({"fail":true})");
  EXPECT_TRUE(failed.function_error);
  EXPECT_EQ(failed.error_type, "ValueError");
  EXPECT_NE(failed.payload.find("bad input"), std::string::npos) << failed.payload;
}

// The SDK folder's packages are found by require() and by import, with every isolation: from
// an ancestor of the code in the hidden folder (a mount when isolated, a link when not), or
// through NODE_PATH (with a resolution hook for ES modules) when the code is elsewhere.
TEST_F(FunctionHostTest, ANodeSdkIsFoundByRequireAndByImport) {
  if (find_on_path("node").empty()) GTEST_SKIP() << "node is not installed";
  fs::path package = root_ / "sdk" / "node_modules" / "baton-fake-sdk";
  fs::create_directories(package);
  std::ofstream(package / "package.json") << R"({"name": "baton-fake-sdk", "main": "index.js"})";
  std::ofstream(package / "index.js") << "exports.where = __filename;\n";
  const std::string report = "({where, nodePath: process.env.NODE_PATH})";
  FunctionConfig cjs = function("cjs", "nodejs20.x", "index.handler",
                                {{"index.js",
                                  "const { where } = require('baton-fake-sdk');\n"
                                  "exports.handler = async () => " +
                                      report + ";\n"}});
  FunctionConfig esm = function("esm", "nodejs20.x", "index.handler",
                                {{"index.mjs",
                                  "import { where } from 'baton-fake-sdk';\n"
                                  "export const handler = async () => " +
                                      report + ";\n"}});
  std::string sdk = fs::canonical(root_ / "sdk" / "node_modules").string();
  std::string data = fs::canonical(root_).string();
  struct Case {
    Isolation isolation;
    bool code_hidden;       // the code is in the hidden folder, as `baton serve` keeps it
    std::string node_path;  // what NODE_PATH is
    std::string seen_at;    // where the sandbox finds the package (its real path)
  };
  // Code outside the hidden folder first: no node_modules is in its ancestors yet.
  for (const Case& c :
       {Case{Isolation::Namespaces, false, sdk, sdk}, Case{Isolation::None, false, sdk, sdk},
        Case{Isolation::Namespaces, true, root_.string() + "/node_modules", data + "/node_modules"},
        Case{Isolation::None, true, root_.string() + "/node_modules", sdk}}) {
    HostOptions options;
    options.bootstrap_dir = (root_ / "bootstraps").string();
    options.isolation = c.isolation;
    options.network = FunctionNetwork::Host;
    options.sdk_dir = (root_ / "sdk").string();
    if (c.code_hidden) options.hidden_dir = root_.string();
    FunctionHost host(options);
    ASSERT_TRUE(host.start());
    for (const FunctionConfig& f : {cjs, esm}) {
      std::promise<InvokeResult> answered;
      host.invoke(f, InvokeRequest{}, [&](InvokeResult r) { answered.set_value(std::move(r)); });
      auto future = answered.get_future();
      ASSERT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
      InvokeResult r = future.get();
      SCOPED_TRACE(f.name + (c.isolation == Isolation::None ? ", no isolation" : ", isolated") +
                   (c.code_hidden ? ", code in the hidden folder" : ""));
      ASSERT_FALSE(r.function_error) << r.payload << r.log;
      auto result = json::parse(r.payload);
      ASSERT_TRUE(result) << r.payload;
      EXPECT_EQ(result->find("nodePath")->as_string(), c.node_path);
      EXPECT_EQ(result->find("where")->as_string(), c.seen_at + "/baton-fake-sdk/index.js");
    }
    host.stop();
  }
  // Without isolation, the link in the hidden folder goes once there is no SDK.
  ASSERT_TRUE(fs::is_symlink(root_ / "node_modules"));
  HostOptions without;
  without.bootstrap_dir = (root_ / "bootstraps").string();
  without.isolation = Isolation::None;
  without.hidden_dir = root_.string();
  FunctionHost host(without);
  ASSERT_TRUE(host.start());
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "node_modules")));
  host.stop();
}

}  // namespace
}  // namespace baton::runtime
