// function_bench: the function host in process.
//
//   function_bench EMPTY_RUNTIME [--calls 20000] [--cold 300] [--first-calls 5]
//
// warm: one invocation after another of a provided function whose bootstrap is EMPTY_RUNTIME
// (bench/empty_runtime.cc, an empty handler in C++): time from invoke() to its answer, as
// baton sees it (two Runtime API round trips on loopback and the host's bookkeeping).
// sandbox start: the same function started afresh for each call, with each isolation: time
// from the spawn to the runtime's first /invocation/next (the REPORT line's Init Duration).
// cold: the first invocation of a Node.js (CommonJS, ES module) and a Python function, and of
// one that creates a boto3 client as it is imported, next to the interpreter on its own.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/function_host.h"
#include "runtime/sandbox_process.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace baton::runtime;

// One call, waited for.
InvokeResult call(FunctionHost& host, const FunctionConfig& f, const std::string& payload) {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<InvokeResult> result;
  InvokeRequest request;
  request.payload = payload;
  host.invoke(f, request, [&](InvokeResult r) {
    std::lock_guard lock(mutex);
    result = std::move(r);
    done.notify_one();
  });
  std::unique_lock lock(mutex);
  done.wait(lock, [&] { return result.has_value(); });
  return std::move(*result);
}

double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Spawn to first /next, `samples` times per host, each in a new sandbox. The hosts take turns, so
// that the machine's other load weighs on each alike.
bool sandbox_starts(const std::vector<std::pair<const char*, HostOptions>>& modes,
                    const FunctionConfig& f, long samples) {
  std::vector<std::unique_ptr<FunctionHost>> hosts;
  for (const auto& [label, options] : modes) {
    hosts.push_back(std::make_unique<FunctionHost>(options));
    if (auto started = hosts.back()->start(); !started) {
      std::fprintf(stderr, "%s: %s\n", label, started.error().cause.c_str());
      return false;
    }
  }
  std::vector<std::vector<double>> init(modes.size());
  std::vector<std::vector<double>> first_call(modes.size());
  for (long i = 0; i < samples; ++i) {
    for (std::size_t m = 0; m < modes.size(); ++m) {
      FunctionHost& host = *hosts[m];
      auto t0 = Clock::now();
      InvokeResult r = call(host, f, "{}");
      first_call[m].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      auto at = r.log.find("Init Duration: ");
      if (r.function_error || !r.cold_start || at == std::string::npos) {
        std::fprintf(stderr, "%s: not a cold start: %s\n", modes[m].first, r.payload.c_str());
        return false;
      }
      init[m].push_back(std::strtod(r.log.c_str() + at + 15, nullptr));
      host.retire(f.name);
      while (host.stats(f.name).sandboxes > 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
  }
  for (std::size_t m = 0; m < modes.size(); ++m) {
    std::printf(
        "sandbox start, %s: spawn to first /next p50 %.2f ms, p99 %.2f ms; first call p50 %.2f "
        "ms, p99 %.2f ms (%ld samples)\n",
        modes[m].first, percentile(init[m], 0.5), percentile(init[m], 0.99),
        percentile(first_call[m], 0.5), percentile(first_call[m], 0.99), samples);
  }
  for (auto& host : hosts) host->stop();
  return true;
}

// The first call of a function of each runtime (a new sandbox for each), next to the
// interpreter started on its own. Its code is in `root`.
bool first_calls(FunctionHost& host, const char* mode, const fs::path& root, int samples) {
  struct Cold {
    const char* label;
    const char* runtime;
    const char* handler;
    const char* file;
    const char* code;
    const char* bare;  // the interpreter alone, as a command
  };
  const Cold colds[] = {
      {"Node.js, CommonJS", "nodejs20.x", "index.handler", "index.js",
       "exports.handler = async (e) => ({ok: true});\n", "node -e \"\""},
      {"Node.js, ES module", "nodejs20.x", "index.handler", "index.mjs",
       "export const handler = async (e) => ({ok: true});\n", "node -e \"\""},
      {"Python", "python3.12", "app.handler", "app.py",
       "def handler(event, context):\n    return {'ok': True}\n", "/usr/bin/python3 -c \"\""},
      {"Python with a boto3 client", "python3.12", "app.handler", "app.py",
       "import boto3\nsfn = boto3.client('stepfunctions')\n"
       "def handler(event, context):\n    return {'ok': sfn.meta.endpoint_url}\n",
       "AWS_DEFAULT_REGION=us-east-1 /usr/bin/python3 -c \"import boto3; "
       "boto3.client('stepfunctions')\""},
  };
  int n = 0;
  for (const Cold& c : colds) {
    fs::path code = root / "functions" / (std::string(mode) + "-" + std::to_string(n++));
    fs::create_directories(code);
    std::ofstream(code / c.file) << c.code;
    std::vector<double> cold;
    std::vector<double> bare;
    for (int i = 0; i < samples; ++i) {
      FunctionConfig f;
      f.name = code.filename().string() + "-" + std::to_string(i);
      f.arn = "arn:aws:lambda:us-east-1:123456789012:function:" + f.name;
      f.runtime = c.runtime;
      f.handler = c.handler;
      f.code_dir = code.string();
      f.revision = "1";
      // As under `baton serve`, where the SDKs are pointed at its API.
      f.environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:8083";
      if (!host.check_runnable(f)) break;
      auto t0 = Clock::now();
      InvokeResult r = call(host, f, "{}");
      cold.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (r.function_error) {
        std::fprintf(stderr, "%s: call failed: %s\n", c.label, r.payload.c_str());
        return false;
      }
      host.retire(f.name);
      auto t1 = Clock::now();
      std::string command = std::string(c.bare) + " >/dev/null 2>&1";
      if (std::system(command.c_str()) != 0) return false;
      bare.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t1).count());
    }
    if (cold.empty()) continue;
    std::printf("cold, %s, %s: first call %.1f ms (median of %d); `%s` alone %.1f ms\n", c.label,
                mode, percentile(cold, 0.5), samples, c.bare, percentile(bare, 0.5));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: function_bench EMPTY_RUNTIME [--calls N]\n");
    return 2;
  }
  long calls = 20000;
  long starts = 300;
  int samples = 5;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--calls") calls = std::atol(argv[i + 1]);
    if (std::string(argv[i]) == "--cold") starts = std::atol(argv[i + 1]);
    if (std::string(argv[i]) == "--first-calls") samples = std::atoi(argv[i + 1]);
  }
  fs::path root = fs::temp_directory_path() / ("baton-function-bench-" + std::to_string(getpid()));
  fs::create_directories(root / "empty");
  fs::copy_file(argv[1], root / "empty" / "bootstrap", fs::copy_options::overwrite_existing);
  ::chmod((root / "empty" / "bootstrap").c_str(), 0755);
  HostOptions options;
  options.bootstrap_dir = (root / "bootstraps").string();
  FunctionHost host(options);
  if (!host.start()) return 1;

  FunctionConfig empty;
  empty.name = "empty";
  empty.arn = "arn:aws:lambda:us-east-1:123456789012:function:empty";
  empty.runtime = "provided.al2023";
  empty.handler = "bootstrap";
  empty.code_dir = (root / "empty").string();
  empty.revision = "1";
  for (int i = 0; i < 200; ++i) call(host, empty, "{}");  // warm
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(calls));
  auto started = Clock::now();
  for (long i = 0; i < calls; ++i) {
    auto t0 = Clock::now();
    InvokeResult r = call(host, empty, "{\"n\":1}");
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (r.function_error) {
      std::fprintf(stderr, "invocation failed: %s\n", r.payload.c_str());
      return 1;
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf(
      "warm: %ld calls of an empty C++ provided handler: p50 %.1f us, p99 %.1f us, "
      "%.0f calls/s on one caller\n",
      calls, percentile(micros, 0.5), percentile(micros, 0.99),
      static_cast<double>(calls) / seconds);

  HostOptions none = options;
  none.isolation = Isolation::None;
  HostOptions host_network = options;
  host_network.network = FunctionNetwork::Host;
  if (!sandbox_starts({{"no isolation", none},
                       {"namespaces, host network", host_network},
                       {"namespaces, isolated network", options}},
                      empty, starts)) {
    return 1;
  }

  // As `baton serve` has it: the code of functions in the folder sandboxes do not see, and the
  // SDK for Node.js functions (when BATON_FUNCTION_SDK names it).
  HostOptions cold = options;
  if (const char* sdk = std::getenv("BATON_FUNCTION_SDK")) cold.sdk_dir = sdk;
  cold.hidden_dir = root.string();
  HostOptions cold_none = cold;
  cold_none.isolation = Isolation::None;
  for (auto& [mode, cold_options] :
       {std::pair{"namespaces", cold}, std::pair{"no isolation", cold_none}}) {
    FunctionHost cold_host(cold_options);
    if (!cold_host.start() || !first_calls(cold_host, mode, root, samples)) return 1;
    cold_host.stop();
  }
  host.stop();
  fs::remove_all(root);
  return 0;
}
