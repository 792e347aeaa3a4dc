// JSONPath and payload-template evaluation, in ns per operation, on a 1 KiB and a 200 KiB
// document (deterministic, generated here). Run: build/bench/asl_bench

#include <benchmark/benchmark.h>

#include <string>

#include "asl/diagnostic.h"
#include "asl/path.h"
#include "asl/payload_template.h"

namespace {

using baton::json::Value;

// An order document of `lines` order lines; 8 lines are about 1 KiB, 1,600 about 200 KiB.
Value order_document(int lines) {
  std::string text = R"({"order":{"id":"ord-123456","customer":{"name":"Ada Lovelace",)"
                     R"("email":"ada@example.com","tier":"gold"},"lines":[)";
  for (int i = 0; i < lines; ++i) {
    if (i > 0) text += ",";
    text += R"({"sku":"SKU-)" + std::to_string(100000 + i) + R"(","qty":)" +
            std::to_string(i % 7 + 1) + R"(,"price":)" + std::to_string(9.5 + i % 13) +
            R"(,"tags":["a","b"],"note":"line item number )" + std::to_string(i) + R"("})";
  }
  text += R"(]},"meta":{"source":"bench","version":3}})";
  return *baton::json::parse(text);
}

const Value& document(int lines) {
  static const Value small = order_document(8);
  static const Value large = order_document(1600);
  return lines == 8 ? small : large;
}

void run_path(benchmark::State& state, const char* path_text) {
  const Value& doc = document(static_cast<int>(state.range(0)));
  auto path = baton::asl::Path::compile(path_text);
  baton::asl::Scope scope{&doc};
  for (auto _ : state) {
    auto v = path->evaluate(scope);
    benchmark::DoNotOptimize(v);
  }
  state.SetLabel(std::to_string(baton::json::serialized_size(doc)) + " bytes");
}

void BM_PathDefinite(benchmark::State& state) { run_path(state, "$.order.customer.name"); }
void BM_PathIndex(benchmark::State& state) { run_path(state, "$.order.lines[5].sku"); }
void BM_PathWildcard(benchmark::State& state) { run_path(state, "$.order.lines[*].qty"); }
void BM_PathFilter(benchmark::State& state) { run_path(state, "$.order.lines[?(@.qty > 5)].sku"); }
void BM_PathScan(benchmark::State& state) { run_path(state, "$..sku"); }

void BM_PayloadTemplate(benchmark::State& state) {
  const Value& doc = document(static_cast<int>(state.range(0)));
  baton::asl::Diagnostics diagnostics;
  auto t = baton::asl::PayloadTemplate::compile(
      *baton::json::parse(R"j({"customer.$":"$.order.customer.name","id.$":"$.order.id",
        "first.$":"$.order.lines[0]","count.$":"States.ArrayLength($.order.lines)",
        "static":{"a":1,"b":[1,2,3]},"greeting.$":"States.Format('Hi {}', $.order.customer.name)"})j"),
      "/", diagnostics);
  baton::asl::Scope scope{&doc};
  for (auto _ : state) {
    auto v = t.evaluate(scope);
    benchmark::DoNotOptimize(v);
  }
}

void BM_ParseDocument(benchmark::State& state) {
  std::string text = baton::json::to_string(document(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    auto v = baton::json::parse(text);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

}  // namespace

BENCHMARK(BM_PathDefinite)->Arg(8)->Arg(1600);
BENCHMARK(BM_PathIndex)->Arg(8)->Arg(1600);
BENCHMARK(BM_PathWildcard)->Arg(8)->Arg(1600);
BENCHMARK(BM_PathFilter)->Arg(8)->Arg(1600);
BENCHMARK(BM_PathScan)->Arg(8)->Arg(1600);
BENCHMARK(BM_PayloadTemplate)->Arg(8)->Arg(1600);
BENCHMARK(BM_ParseDocument)->Arg(8)->Arg(1600);
