// The engine on the shared workloads (../shared/bench/workloads, or BATON_WORKLOADS): each
// execution run to its end in process, history recorded as typed events.
// Run: build/bench/engine_bench

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "asl/parse.h"
#include "engine/step.h"

namespace {

using baton::json::Value;

std::string workload_dir() {
  if (const char* dir = std::getenv("BATON_WORKLOADS")) return dir;
  return std::string(BATON_SOURCE_DIR) + "/../shared/bench/workloads";
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Workload {
  std::shared_ptr<const baton::asl::Definition> definition;
  std::string input_text;
  Value input;
};

const Workload& workload(const std::string& name) {
  static std::map<std::string, Workload> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  Workload w;
  auto parsed = baton::asl::parse(read(workload_dir() + "/" + name + ".asl.json"));
  if (!parsed) {
    std::fprintf(stderr, "cannot load workload %s from %s\n", name.c_str(), workload_dir().c_str());
    std::exit(1);
  }
  w.definition = parsed->definition;
  w.input_text = read(workload_dir() + "/" + name + ".input.json");
  w.input = *baton::json::parse(w.input_text);
  return cache.emplace(name, std::move(w)).first->second;
}

// One execution to its end; returns the number of state transitions (Entered events).
std::int64_t run_once(const Workload& w, const Value& input, bool express) {
  baton::engine::events::ExecutionStarted start;
  start.identity.execution_arn = "arn:aws:states:us-east-1:123456789012:execution:bench:e";
  start.identity.name = "e";
  start.identity.state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:bench";
  start.identity.state_machine_name = "bench";
  start.input = input;
  start.seed = 1;
  start.max_history_events = express ? 0 : 25000;
  // map_10k's results pass AWS's 256 KiB quota: the workloads run with the quotas lifted.
  start.max_payload_bytes = 0;
  auto step = baton::engine::step(*w.definition, baton::engine::ExecutionState{}, std::move(start));
  if (!step || step->state.status != baton::engine::ExecutionStatus::SUCCEEDED) {
    std::fprintf(stderr, "the workload did not succeed\n");
    std::exit(1);
  }
  std::int64_t transitions = 0;
  for (const auto& e : step->history) {
    if (std::holds_alternative<baton::engine::details::StateEntered>(e.details)) ++transitions;
  }
  benchmark::DoNotOptimize(transitions);
  return transitions;
}

void BM_PassChain(benchmark::State& state) {
  const Workload& w = workload("pass_chain");
  std::int64_t transitions = 0;
  for (auto _ : state) transitions += run_once(w, w.input, false);
  state.counters["transitions/s"] =
      benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
}

void BM_ManySmall(benchmark::State& state) {
  const Workload& w = workload("many_small");
  for (auto _ : state) run_once(w, w.input, false);
  state.counters["executions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Map10k(benchmark::State& state) {
  const Workload& w = workload("map_10k");
  for (auto _ : state) run_once(w, w.input, true);
  state.counters["items/s"] = benchmark::Counter(static_cast<double>(state.iterations() * 10000),
                                                 benchmark::Counter::kIsRate);
}

void BM_ChoiceLoop(benchmark::State& state) {
  const Workload& w = workload("choice_loop");
  std::int64_t transitions = 0;
  for (auto _ : state) transitions += run_once(w, w.input, true);
  state.counters["transitions/s"] =
      benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
}

void BM_BigPayload(benchmark::State& state) {
  const Workload& w = workload("big_payload");
  for (auto _ : state) {
    auto input = baton::json::parse(w.input_text);
    run_once(w, *input, false);
  }
  state.counters["executions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_PassChain)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ManySmall)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Map10k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChoiceLoop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BigPayload)->Unit(benchmark::kMicrosecond);
