// serve_load: load for `baton serve` through its HTTP API, as many clients on loopback would put
// it. Each client is a thread with one keep-alive connection sending one request after another.
//
//   serve_load --port P --target AWSStepFunctions.StartSyncExecution --body JSON
//   serve_load --port P --query sns --body 'Action=Publish&TopicArn=...&Message=m{n}'
//   serve_load --port P --get /hello/{n}        (an HTTP API's route, or any plain GET)
//              [--clients 32] [--count 100000] [--name-prefix run-]
//
// In --body, the text {n} becomes the request's sequence number (for unique execution names),
// and {n%K} that number modulo K (to spread requests over K event types, say).
// Prints requests/s, latency percentiles and the error count, as JSON on the last line.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "load_http.h"

namespace {

using load::connect_to;
using load::read_response;
using load::send_all;

struct Options {
  int port = 8083;
  std::string target;
  std::string query;  // a query-protocol service (sns): --body is then the form
  std::string get;    // a plain GET of this path
  std::string body = "{}";
  int clients = 32;
  long count = 10000;
};

using Clock = std::chrono::steady_clock;

std::string request_for(const Options& o, long n) {
  if (!o.get.empty()) {
    std::string path = o.get;
    if (auto at = path.find("{n}"); at != std::string::npos) path.replace(at, 3, std::to_string(n));
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }
  std::string body = o.body;
  for (std::size_t at; (at = body.find("{n}")) != std::string::npos;) {
    body.replace(at, 3, std::to_string(n));
  }
  for (std::size_t at; (at = body.find("{n%")) != std::string::npos;) {
    std::size_t end = body.find('}', at);
    long modulo = std::max(1L, std::atol(body.c_str() + at + 3));
    body.replace(at, end - at + 1, std::to_string(n % modulo));
  }
  std::string headers =
      o.query.empty()
          ? "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: " + o.target + "\r\n"
          // The query protocol: a form body, routed by the service its (unchecked, with --auth
          // none) credential scope names.
          : "Content-Type: application/x-www-form-urlencoded\r\nAuthorization: "
            "AWS4-HMAC-SHA256 Credential=baton/20260101/us-east-1/" +
                o.query + "/aws4_request, SignedHeaders=host, Signature=0\r\n";
  return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--port")
      o.port = std::atoi(value.c_str());
    else if (flag == "--target")
      o.target = value;
    else if (flag == "--query")
      o.query = value;
    else if (flag == "--get")
      o.get = value;
    else if (flag == "--body")
      o.body = value;
    else if (flag == "--clients")
      o.clients = std::atoi(value.c_str());
    else if (flag == "--count")
      o.count = std::atol(value.c_str());
    else {
      std::fprintf(stderr, "serve_load: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.target.empty() && o.query.empty() && o.get.empty()) {
    std::fprintf(stderr, "serve_load: --target, --query or --get is required\n");
    return 2;
  }
  std::atomic<long> next{0};
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(o.clients));
  std::map<std::string, long> error_samples;
  std::mutex samples_mutex;
  auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      int fd = connect_to(o.port);
      std::string buffer, body;
      for (long n; (n = next.fetch_add(1)) < o.count;) {
        auto t0 = Clock::now();
        int status = 0;
        if (fd >= 0 && send_all(fd, request_for(o, n))) status = read_response(fd, buffer, body);
        if (status == 0) {  // reconnect once
          if (fd >= 0) ::close(fd);
          fd = connect_to(o.port);
          buffer.clear();
          if (fd >= 0 && send_all(fd, request_for(o, n))) status = read_response(fd, buffer, body);
        }
        latencies[static_cast<std::size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (status != 200) {
          errors.fetch_add(1);
          std::lock_guard lock(samples_mutex);
          error_samples[std::to_string(status) + " " + body.substr(0, 200)]++;
        }
      }
      if (fd >= 0) ::close(fd);
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))];
  };
  for (auto& [sample, n] : error_samples)
    std::fprintf(stderr, "error x%ld: %s\n", n, sample.c_str());
  std::printf(
      "{\"requests\": %ld, \"seconds\": %.3f, \"per_second\": %.0f, \"errors\": %ld, "
      "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
      o.count, seconds, static_cast<double>(o.count) / seconds, errors.load(), pct(0.5), pct(0.99),
      all.empty() ? 0.0 : all.back());
  return errors.load() == 0 ? 0 : 1;
}
