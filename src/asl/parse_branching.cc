// Parallel and Map: the states that hold graphs of their own.

#include "asl/parse_internal.h"

namespace baton::asl::parse_detail {

using json::Value;

namespace {

// AWS limits on a Distributed Map.
constexpr std::size_t kMaxLabelLength = 40;
constexpr std::int64_t kMaxBatchBytes = 262144;

std::optional<ItemBatcher> read_item_batcher(ObjectReader& reader) {
  const Value* object = reader.object("ItemBatcher");
  if (object == nullptr) return std::nullopt;
  ObjectReader r(reader.builder(), *object, reader.at("ItemBatcher"));
  ItemBatcher batcher;
  r.at_most_one_of({"MaxItemsPerBatch", "MaxItemsPerBatchPath"});
  r.at_most_one_of({"MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"});
  batcher.max_items_per_batch = r.integer("MaxItemsPerBatch", 1, INT32_MAX);
  batcher.max_items_per_batch_path = r.reference_path("MaxItemsPerBatchPath");
  batcher.max_input_bytes_per_batch = r.integer("MaxInputBytesPerBatch", 1, kMaxBatchBytes);
  batcher.max_input_bytes_per_batch_path = r.reference_path("MaxInputBytesPerBatchPath");
  batcher.batch_input = r.payload("BatchInput");
  if (!r.has("MaxItemsPerBatch") && !r.has("MaxItemsPerBatchPath") &&
      !r.has("MaxInputBytesPerBatch") && !r.has("MaxInputBytesPerBatchPath")) {
    r.error(codes::kSchemaValidationFailed,
            "At least one of these fields is required: [MaxItemsPerBatch, MaxItemsPerBatchPath, "
            "MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]",
            r.location());
  }
  r.finish();
  return batcher;
}

bool is_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) return false;
  for (unsigned char c : label) {
    if (c <= 0x20 || c == 0x7f ||
        std::string_view("<>{}[]?*\"#%\\^|~`$&,;:/").find(static_cast<char>(c)) !=
            std::string_view::npos) {
      return false;
    }
  }
  return true;
}

void read_distributed_fields(ObjectReader& reader, MapState& map);

}  // namespace

void build_parallel(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
                    GraphRefs& refs) {
  ParallelState parallel;
  reader.require({"Branches"});
  if (const Value* branches = reader.array("Branches")) {
    if (branches->size() == 0)
      reader.error_at("Branches", "Branches must have at least one branch");
    for (std::size_t i = 0; i < branches->size(); ++i) {
      std::string location = reader.at("Branches") + "[" + std::to_string(i) + "]";
      const Value& branch = (*branches)[i];
      if (!branch.is_object()) {
        reader.error(codes::kSchemaValidationFailed, "Expected value of type [OBJECT]", location);
        continue;
      }
      parallel.branches.push_back(
          builder.build_graph(branch, location, Builder::GraphKind::Branch));
    }
  }
  parallel.parameters = reader.payload("Parameters");
  parallel.result_selector = reader.payload("ResultSelector");
  parallel.result_path = reader.result_path("ResultPath");
  parallel.retry = build_retry(reader);
  parallel.catch_ = build_catch(reader, builder, graph, refs);
  state.body = std::move(parallel);
}

void build_map(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
               GraphRefs& refs) {
  MapState map;
  if (!reader.has("ItemProcessor") && !reader.has("Iterator")) {
    reader.error(codes::kSchemaValidationFailed, "These fields are required: [ItemProcessor]",
                 reader.location());
  }
  reader.at_most_one_of({"ItemProcessor", "Iterator"});
  std::string_view processor_field = reader.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
  if (const Value* processor = reader.object(processor_field)) {
    std::string location = reader.at(processor_field);
    if (const Value* config = processor->find("ProcessorConfig");
        config != nullptr && processor_field == "ItemProcessor") {
      if (!config->is_object()) {
        reader.error(codes::kSchemaValidationFailed, "Expected value of type [OBJECT]",
                     location + "/ProcessorConfig");
      } else {
        ObjectReader r(builder, *config, location + "/ProcessorConfig");
        if (auto mode = r.string("Mode")) {
          if (*mode == "DISTRIBUTED") {
            map.mode = ProcessorMode::DISTRIBUTED;
          } else if (*mode != "INLINE") {
            r.error_at("Mode", "Value should be one of the following: [INLINE, DISTRIBUTED]");
          }
        }
        if (auto type = r.string("ExecutionType")) {
          if (*type == "EXPRESS") {
            map.execution_type = ExecutionType::EXPRESS;
          } else if (*type != "STANDARD") {
            r.error_at("ExecutionType",
                       "Value should be one of the following: [STANDARD, EXPRESS]");
          }
        } else if (map.mode == ProcessorMode::DISTRIBUTED) {
          r.error(codes::kSchemaValidationFailed, "These fields are required: [ExecutionType]",
                  r.location());
        }
        r.finish();
      }
    }
    map.processor =
        builder.build_graph(*processor, location,
                            processor_field == "ItemProcessor" ? Builder::GraphKind::Processor
                                                               : Builder::GraphKind::Branch);
  }
  static const Path kRoot = *Path::compile("$");
  map.items_path = reader.path("ItemsPath").value_or(kRoot);
  reader.at_most_one_of({"ItemSelector", "Parameters"});
  map.item_selector =
      reader.has("ItemSelector") ? reader.payload("ItemSelector") : reader.payload("Parameters");
  reader.at_most_one_of({"MaxConcurrency", "MaxConcurrencyPath"});
  map.max_concurrency = reader.integer("MaxConcurrency", 0, INT64_MAX).value_or(0);
  map.max_concurrency_path = reader.reference_path("MaxConcurrencyPath");
  map.result_selector = reader.payload("ResultSelector");
  map.result_path = reader.result_path("ResultPath");
  map.retry = build_retry(reader);
  map.catch_ = build_catch(reader, builder, graph, refs);

  // The rest belongs to a Distributed Map; an inline Map reports each as unsupported.
  if (map.mode == ProcessorMode::DISTRIBUTED) read_distributed_fields(reader, map);
  state.body = std::move(map);
}

namespace {

void read_distributed_fields(ObjectReader& reader, MapState& map) {
  reader.at_most_one_of({"ToleratedFailureCount", "ToleratedFailureCountPath"});
  reader.at_most_one_of({"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"});
  map.tolerated_failure_count = reader.integer("ToleratedFailureCount", 0, INT64_MAX);
  map.tolerated_failure_count_path = reader.reference_path("ToleratedFailureCountPath");
  map.tolerated_failure_percentage = reader.number("ToleratedFailurePercentage", 0.0, 100.0);
  map.tolerated_failure_percentage_path = reader.reference_path("ToleratedFailurePercentagePath");
  map.item_batcher = read_item_batcher(reader);
  if (auto label = reader.string("Label")) {
    if (!is_label(*label)) {
      reader.error_at("Label",
                      "A Label has at most 40 characters and none of whitespace, brackets, "
                      "wildcards or the characters \" # % \\ ^ | ~ ` $ & , ; : /");
    }
    map.label = std::move(label);
  }
  if (const Value* reader_config = reader.object("ItemReader")) {
    map.item_reader = *reader_config;
    reader.warn(codes::kUnsupportedFeature,
                "ItemReader is not supported by baton yet; this Map will fail when it runs",
                reader.at("ItemReader"));
  }
  if (const Value* writer = reader.object("ResultWriter")) {
    map.result_writer = *writer;
    reader.warn(codes::kUnsupportedFeature,
                "ResultWriter is not supported by baton yet; this Map will fail when it runs",
                reader.at("ResultWriter"));
  }
}

}  // namespace

}  // namespace baton::asl::parse_detail
