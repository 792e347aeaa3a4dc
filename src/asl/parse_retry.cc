// Retry and Catch: the error handlers of Task, Parallel and Map states.

#include "asl/errors.h"
#include "asl/parse_internal.h"

namespace baton::asl::parse_detail {

using json::Value;

namespace {

// ErrorEquals of one handler. `last` says whether this handler ends its list: States.ALL
// must appear alone, and only in the last handler.
std::vector<std::string> read_error_equals(ObjectReader& reader, bool last) {
  std::vector<std::string> names;
  const Value* list = reader.array("ErrorEquals");
  if (list == nullptr) return names;
  std::string location = reader.at("ErrorEquals");
  if (list->size() == 0) {
    reader.error(codes::kSchemaValidationFailed, "ErrorEquals must name at least one error",
                 location);
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Value& name = (*list)[i];
    std::string item_location = location + "[" + std::to_string(i) + "]";
    if (!name.is_string()) {
      reader.error(codes::kSchemaValidationFailed, "Expected value of type [STRING]",
                   item_location);
      continue;
    }
    if (name.as_string() == errors::kAll && (list->size() > 1 || !last)) {
      reader.error(codes::kSchemaValidationFailed,
                   "States.ALL must appear alone and at end of list", item_location);
    }
    names.emplace_back(name.as_string());
  }
  return names;
}

}  // namespace

std::vector<Retrier> build_retry(ObjectReader& reader) {
  std::vector<Retrier> retriers;
  const Value* list = reader.array("Retry");
  if (list == nullptr) return retriers;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string location = reader.at("Retry") + "[" + std::to_string(i) + "]";
    const Value& object = (*list)[i];
    if (!object.is_object()) {
      reader.error(codes::kSchemaValidationFailed, "Expected value of type [OBJECT]", location);
      continue;
    }
    ObjectReader r(reader.builder(), object, location);
    Retrier retrier;
    r.require({"ErrorEquals"});
    r.string("Comment");
    retrier.error_equals = read_error_equals(r, i + 1 == list->size());
    retrier.interval_seconds = r.integer("IntervalSeconds", 1, kMaxSeconds).value_or(1);
    retrier.max_attempts = r.integer("MaxAttempts", 0, kMaxSeconds).value_or(3);
    retrier.backoff_rate = r.number("BackoffRate", 1.0, std::nullopt).value_or(2.0);
    retrier.max_delay_seconds = r.integer("MaxDelaySeconds", 1, kMaxRetryDelaySeconds);
    if (auto jitter = r.string("JitterStrategy")) {
      if (*jitter == "FULL") {
        retrier.jitter = JitterStrategy::FULL;
      } else if (*jitter != "NONE") {
        r.error_at("JitterStrategy", "Value should be one of the following: [FULL, NONE]");
      }
    }
    r.finish();
    retriers.push_back(std::move(retrier));
  }
  return retriers;
}

std::vector<Catcher> build_catch(ObjectReader& reader, Builder& builder, const Graph& graph,
                                 GraphRefs& refs) {
  std::vector<Catcher> catchers;
  const Value* list = reader.array("Catch");
  if (list == nullptr) return catchers;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string location = reader.at("Catch") + "[" + std::to_string(i) + "]";
    const Value& object = (*list)[i];
    if (!object.is_object()) {
      reader.error(codes::kSchemaValidationFailed, "Expected value of type [OBJECT]", location);
      continue;
    }
    ObjectReader r(reader.builder(), object, location);
    Catcher catcher;
    r.require({"ErrorEquals", "Next"});
    r.string("Comment");
    catcher.error_equals = read_error_equals(r, i + 1 == list->size());
    auto next = builder.resolve(graph, refs, r.take("Next"), r.at("Next"));
    catcher.next = next.value_or(0);
    catcher.result_path = r.result_path("ResultPath");
    catcher.assign = r.assign("Assign");
    r.finish();
    catchers.push_back(std::move(catcher));
  }
  return catchers;
}

}  // namespace baton::asl::parse_detail
