// sqs_load: load for any SQS endpoint speaking the JSON protocol (baton serve, or a peer), as
// many clients on loopback would put it: threads with one keep-alive connection each.
//
//   sqs_load --port P --mode pipeline [--count 200000] [--batch 10] [--queues 4]
//            [--producers 8] [--consumers 8] [--body-bytes 100]
//       Producers send (SendMessageBatch of --batch, or SendMessage when 1) while consumers
//       receive (10 at a time, long-polling) and delete (DeleteMessageBatch, or DeleteMessage
//       each when --batch is 1) until every message was deleted: messages/s end to end.
//   sqs_load --port P --mode wake [--count 1000]
//       A consumer long-polls (WaitTimeSeconds 20) an empty queue; once it waits, one message is
//       sent: the time from the send's request to the consumer's answer, p50/p99.
//   sqs_load --port P --mode fill [--count 1000000] [--batch 10] [--queues 4] [--producers 8]
//       Sends --count messages and leaves them waiting (for the server's memory to be read).
//
// Prints its figures as JSON on the last line; exits 1 when a request failed or a message was
// lost or delivered twice.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "load_http.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 4566;
  std::string mode = "pipeline";
  long count = 200000;
  int batch = 10;
  int queues = 4;
  int producers = 8;
  int consumers = 8;
  int body_bytes = 100;
  std::string prefix = "bench";
};

std::atomic<long> failures{0};

void report_failure(const std::string& what, int status, const std::string& answer) {
  if (failures.fetch_add(1) < 5) {
    std::fprintf(stderr, "sqs_load: %s: HTTP %d %s\n", what.c_str(), status,
                 answer.substr(0, 300).c_str());
  }
}

// The raw (still JSON-escaped) text of every "key":"..." string in `json`, in order.
std::vector<std::string> string_fields(const std::string& json, const std::string& key) {
  std::vector<std::string> out;
  std::string needle = "\"" + key + "\":\"";
  for (std::size_t at = json.find(needle); at != std::string::npos; at = json.find(needle, at)) {
    at += needle.size();
    std::size_t end = at;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
    out.push_back(json.substr(at, end - at));
    at = end;
  }
  return out;
}

std::string quoted(const std::string& raw) { return "\"" + raw + "\""; }

std::vector<std::string> create_queues(const Options& o, const std::string& name, int n) {
  load::JsonConnection c(o.port);
  std::vector<std::string> urls;
  for (int i = 0; i < n; ++i) {
    std::string answer;
    std::string q = o.prefix + "-" + name + "-" + std::to_string(i);
    int status = c.call("AmazonSQS.CreateQueue", "{\"QueueName\":" + quoted(q) + "}", answer);
    auto url = string_fields(answer, "QueueUrl");
    if (status != 200 || url.empty()) {
      report_failure("CreateQueue " + q, status, answer);
      std::exit(1);
    }
    urls.push_back(url[0]);
  }
  return urls;
}

std::string body_of(long n, int bytes) {
  std::string body = "message " + std::to_string(n) + " ";
  body.resize(static_cast<std::size_t>(std::max<int>(bytes, static_cast<int>(body.size()))), 'x');
  return body;
}

// Sends messages [first, first + k) to `url`: one batch, or one SendMessage when k is 1.
void send(load::JsonConnection& c, const Options& o, const std::string& url, long first, long k) {
  std::string answer;
  if (o.batch == 1) {
    std::string request = "{\"QueueUrl\":" + quoted(url) +
                          ",\"MessageBody\":" + quoted(body_of(first, o.body_bytes)) + "}";
    int status = c.call("AmazonSQS.SendMessage", request, answer);
    if (status != 200) report_failure("SendMessage", status, answer);
    return;
  }
  std::string request = "{\"QueueUrl\":" + quoted(url) + ",\"Entries\":[";
  for (long i = 0; i < k; ++i) {
    if (i > 0) request += ",";
    request += "{\"Id\":\"m" + std::to_string(i) +
               "\",\"MessageBody\":" + quoted(body_of(first + i, o.body_bytes)) + "}";
  }
  request += "]}";
  int status = c.call("AmazonSQS.SendMessageBatch", request, answer);
  if (status != 200 || answer.find("\"Failed\":[{") != std::string::npos) {
    report_failure("SendMessageBatch", status, answer);
  }
}

// Sends o.count messages from o.producers threads, spread over `urls`.
void produce(const Options& o, const std::vector<std::string>& urls, std::atomic<long>& next) {
  std::vector<std::thread> threads;
  for (int p = 0; p < o.producers; ++p) {
    threads.emplace_back([&] {
      load::JsonConnection c(o.port);
      for (long first; (first = next.fetch_add(o.batch)) < o.count;) {
        long k = std::min<long>(o.batch, o.count - first);
        send(c, o, urls[static_cast<std::size_t>(first / o.batch) % urls.size()], first, k);
      }
    });
  }
  for (auto& t : threads) t.join();
}

int pipeline(const Options& o) {
  auto urls = create_queues(o, "pipeline", o.queues);
  std::atomic<long> next{0};
  std::atomic<long> deleted{0};
  std::vector<std::atomic<unsigned char>> seen(static_cast<std::size_t>(o.count));
  std::atomic<long> duplicates{0};
  auto started = Clock::now();
  std::thread producers([&] { produce(o, urls, next); });
  std::vector<std::thread> consumers;
  for (int k = 0; k < o.consumers; ++k) {
    consumers.emplace_back([&, k] {
      load::JsonConnection c(o.port);
      const std::string& url = urls[static_cast<std::size_t>(k) % urls.size()];
      std::string receive =
          "{\"QueueUrl\":" + quoted(url) + ",\"MaxNumberOfMessages\":10,\"WaitTimeSeconds\":1}";
      std::string answer;
      while (deleted.load() < o.count) {
        int status = c.call("AmazonSQS.ReceiveMessage", receive, answer);
        if (status != 200) {
          report_failure("ReceiveMessage", status, answer);
          continue;
        }
        auto handles = string_fields(answer, "ReceiptHandle");
        for (const std::string& body : string_fields(answer, "Body")) {
          long n = std::atol(body.c_str() + 8);
          if (n >= 0 && n < o.count && seen[static_cast<std::size_t>(n)].exchange(1) != 0) {
            duplicates.fetch_add(1);
          }
        }
        if (handles.empty()) continue;
        if (o.batch == 1) {
          for (const std::string& h : handles) {
            status = c.call(
                "AmazonSQS.DeleteMessage",
                "{\"QueueUrl\":" + quoted(url) + ",\"ReceiptHandle\":" + quoted(h) + "}", answer);
            if (status != 200) report_failure("DeleteMessage", status, answer);
          }
        } else {
          std::string request = "{\"QueueUrl\":" + quoted(url) + ",\"Entries\":[";
          for (std::size_t i = 0; i < handles.size(); ++i) {
            if (i > 0) request += ",";
            request += "{\"Id\":\"d" + std::to_string(i) +
                       "\",\"ReceiptHandle\":" + quoted(handles[i]) + "}";
          }
          request += "]}";
          status = c.call("AmazonSQS.DeleteMessageBatch", request, answer);
          if (status != 200) report_failure("DeleteMessageBatch", status, answer);
        }
        deleted.fetch_add(static_cast<long>(handles.size()));
      }
    });
  }
  producers.join();
  for (auto& t : consumers) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  long missing = 0;
  for (auto& s : seen) missing += s.load() == 0 ? 1 : 0;
  std::printf(
      "{\"mode\": \"pipeline\", \"messages\": %ld, \"batch\": %d, \"seconds\": %.3f, "
      "\"per_second\": %.0f, \"failures\": %ld, \"duplicates\": %ld, \"missing\": %ld}\n",
      o.count, o.batch, seconds, static_cast<double>(o.count) / seconds, failures.load(),
      duplicates.load(), missing);
  return failures.load() == 0 && duplicates.load() == 0 && missing == 0 ? 0 : 1;
}

int wake(const Options& o) {
  std::string url = create_queues(o, "wake", 1)[0];
  std::mutex m;
  std::condition_variable cv;
  bool waiting = false;
  bool answered = false;
  Clock::time_point woke;
  std::thread consumer([&] {
    load::JsonConnection c(o.port);
    std::string receive =
        "{\"QueueUrl\":" + quoted(url) + ",\"MaxNumberOfMessages\":1,\"WaitTimeSeconds\":20}";
    std::string answer;
    for (long got = 0; got < o.count;) {
      {
        std::lock_guard lock(m);
        waiting = true;
      }
      cv.notify_all();
      int status = c.call("AmazonSQS.ReceiveMessage", receive, answer);
      auto now = Clock::now();
      auto handles = string_fields(answer, "ReceiptHandle");
      if (status != 200) report_failure("ReceiveMessage", status, answer);
      if (handles.empty()) continue;
      ++got;
      {
        std::lock_guard lock(m);
        woke = now;
        answered = true;
        waiting = false;
      }
      cv.notify_all();
      std::string ignored;
      c.call("AmazonSQS.DeleteMessage",
             "{\"QueueUrl\":" + quoted(url) + ",\"ReceiptHandle\":" + quoted(handles[0]) + "}",
             ignored);
    }
  });
  load::JsonConnection c(o.port);
  std::vector<double> latencies;
  for (long i = 0; i < o.count; ++i) {
    {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return waiting; });
      answered = false;
    }
    // Long enough for the receive to have reached the server and be parked there.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto sent = Clock::now();
    std::string answer;
    int status = c.call("AmazonSQS.SendMessage",
                        "{\"QueueUrl\":" + quoted(url) + ",\"MessageBody\":\"wake\"}", answer);
    if (status != 200) report_failure("SendMessage", status, answer);
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return answered; });
    latencies.push_back(std::chrono::duration<double, std::milli>(woke - sent).count());
  }
  consumer.join();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies[std::min(latencies.size() - 1,
                              static_cast<std::size_t>(p * latencies.size()))];
  };
  std::printf(
      "{\"mode\": \"wake\", \"wakes\": %ld, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, "
      "\"failures\": %ld}\n",
      o.count, pct(0.5), pct(0.99), latencies.back(), failures.load());
  return failures.load() == 0 ? 0 : 1;
}

int fill(const Options& o) {
  auto urls = create_queues(o, "fill", o.queues);
  std::atomic<long> next{0};
  auto started = Clock::now();
  produce(o, urls, next);
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf(
      "{\"mode\": \"fill\", \"messages\": %ld, \"seconds\": %.3f, \"per_second\": %.0f, "
      "\"failures\": %ld}\n",
      o.count, seconds, static_cast<double>(o.count) / seconds, failures.load());
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--port") {
      o.port = std::atoi(value.c_str());
    } else if (flag == "--mode") {
      o.mode = value;
    } else if (flag == "--count") {
      o.count = std::atol(value.c_str());
    } else if (flag == "--batch") {
      o.batch = std::clamp(std::atoi(value.c_str()), 1, 10);
    } else if (flag == "--queues") {
      o.queues = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--producers") {
      o.producers = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--consumers") {
      o.consumers = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--body-bytes") {
      o.body_bytes = std::atoi(value.c_str());
    } else if (flag == "--prefix") {
      o.prefix = value;
    } else {
      std::fprintf(stderr, "sqs_load: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.mode == "pipeline") return pipeline(o);
  if (o.mode == "wake") return wake(o);
  if (o.mode == "fill") return fill(o);
  std::fprintf(stderr, "sqs_load: --mode is pipeline, wake or fill\n");
  return 2;
}
