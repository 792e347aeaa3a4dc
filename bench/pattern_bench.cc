// EventBridge rule evaluation: one event against 100 rules with varied patterns (exact,
// prefix, suffix, equals-ignore-case, anything-but, numeric, exists, cidr, wildcard, $or,
// arrays), through a PatternIndex and by testing every pattern. The rate counted is rules
// decided per second (100 per event). Deterministic. Run: build/bench/pattern_bench

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "events/event_pattern.h"

namespace {

using baton::events::EventPattern;
using baton::events::PatternIndex;

constexpr int kRules = 100;

// The detail conditions rules combine with a source (and often a detail-type).
const char* const kConditions[] = {
    R"("detail": {"state": ["running"]})",
    R"("detail": {"amount": [{"numeric": [">", 100, "<=", 5000]}]})",
    R"("detail": {"customer": {"tier": [{"anything-but": ["bronze", "free"]}]}})",
    R"("detail": {"file": [{"suffix": {"equals-ignore-case": ".pdf"}}]})",
    R"("detail": {"file": [{"wildcard": "invoices/*/2024-*.pdf"}]})",
    R"("detail": {"ip": [{"cidr": "10.0.0.0/8"}], "retry": [{"exists": false}]})",
    R"("detail": {"$or": [{"state": ["failed"]}, {"amount": [{"numeric": [">=", 10000]}]}]})",
    R"("detail": {"lines": {"sku": [{"prefix": "SKU-1"}], "qty": [{"numeric": [">", 2]}]}})",
    R"("region": [{"equals-ignore-case": "US-EAST-1"}], "detail": {"state": [{"exists": true}]})",
    R"("resources": [{"prefix": "arn:aws:orders"}])",
};

std::string rule_text(int i) {
  std::string source = "\"source\": [\"app.service" + std::to_string(i % 20) + "\"]";
  std::string type = "\"detail-type\": [\"Event" + std::to_string(i % 7) + "\"]";
  std::string condition = kConditions[i % 10];
  switch (i % 5) {
    case 0:
      return "{" + source + ", " + condition + "}";
    case 1:
    case 2:
      return "{" + source + ", " + type + ", " + condition + "}";
    case 3:
      return "{" + type + ", " + condition + "}";
    default:
      // No exact source or detail-type: every event must test it.
      return i % 10 == 4 ? "{\"source\": [{\"prefix\": \"app.\"}], " + condition + "}"
                         : "{" + condition + "}";
  }
}

const std::vector<EventPattern>& rules() {
  static const std::vector<EventPattern> compiled = [] {
    std::vector<EventPattern> out;
    for (int i = 0; i < kRules; ++i) out.push_back(*EventPattern::parse(rule_text(i)));
    return out;
  }();
  return compiled;
}

const baton::json::Value& event() {
  static const baton::json::Value e = *baton::json::parse(R"({
    "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "Event3",
    "source": "app.service3", "account": "111122223333", "time": "2024-05-02T18:43:48Z",
    "region": "us-east-1", "resources": ["arn:aws:orders:us-east-1:111122223333:order/42"],
    "detail": {"state": "running", "amount": 250.5, "customer": {"id": "c-7", "tier": "gold"},
               "file": "invoices/c-7/2024-05.PDF", "ip": "10.1.2.3",
               "lines": [{"sku": "SKU-100", "qty": 1}, {"sku": "SKU-200", "qty": 5}]}})");
  return e;
}

void BM_PatternIndex(benchmark::State& state) {
  PatternIndex index;
  for (int i = 0; i < kRules; ++i)
    index.put("rule-" + std::to_string(i), rules()[static_cast<std::size_t>(i)]);
  int matched = 0;
  for (auto _ : state) {
    matched = 0;
    index.matching(event(), [&matched](const std::string&) { ++matched; });
    benchmark::DoNotOptimize(matched);
  }
  state.counters["rule_evals_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kRules, benchmark::Counter::kIsRate);
  state.SetLabel(std::to_string(matched) + " of 100 rules match");
}

void BM_EveryPattern(benchmark::State& state) {
  int matched = 0;
  for (auto _ : state) {
    matched = 0;
    for (const EventPattern& pattern : rules()) matched += pattern.matches(event());
    benchmark::DoNotOptimize(matched);
  }
  state.counters["rule_evals_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kRules, benchmark::Counter::kIsRate);
  state.SetLabel(std::to_string(matched) + " of 100 rules match");
}

void BM_Compile(benchmark::State& state) {
  int i = 0;
  for (auto _ : state) {
    auto pattern = EventPattern::parse(rule_text(i++ % kRules));
    benchmark::DoNotOptimize(pattern);
  }
}

}  // namespace

BENCHMARK(BM_PatternIndex);
BENCHMARK(BM_EveryPattern);
BENCHMARK(BM_Compile);
