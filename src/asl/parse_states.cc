// The fields of Pass, Task, Wait, Succeed and Fail states.

#include "asl/parse_internal.h"

namespace baton::asl::parse_detail {

using json::Value;

namespace {

bool has_dollar_key(const Value& v) {
  if (v.is_object()) {
    for (const json::Member& m : v.members()) {
      if (m.name().ends_with(".$") || has_dollar_key(m.value)) return true;
    }
  } else if (v.is_array()) {
    for (const Value& item : v.as_array()) {
      if (has_dollar_key(item)) return true;
    }
  }
  return false;
}

std::optional<Expression> read_expression(ObjectReader& reader, std::string_view field) {
  const Value* v = reader.take(field);
  if (v == nullptr) return std::nullopt;
  std::optional<Expression> expression;
  if (v->is_string()) {
    auto compiled = Expression::compile(v->as_string());
    if (compiled) expression = std::move(*compiled);
  }
  if (!expression) {
    reader.error_at(field, "The value for the field '" + std::string(field) +
                               "' must be a valid JSONPath or a valid intrinsic function call");
  }
  return expression;
}

std::string_view pattern_suffix(IntegrationPattern pattern) {
  switch (pattern) {
    case IntegrationPattern::RequestResponse:
      return "";
    case IntegrationPattern::Sync:
      return ".sync";
    case IntegrationPattern::Sync2:
      return ".sync:2";
    case IntegrationPattern::WaitForTaskToken:
      return ".waitForTaskToken";
  }
  return "";
}

// Splits "a:b:c" at colons, keeping empty pieces.
std::vector<std::string_view> split_colons(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<Resource> classify_resource(std::string_view arn) {
  auto parts = split_colons(arn);
  if (parts.size() < 6 || parts[0] != "arn" || !parts[1].starts_with("aws")) return std::nullopt;
  Resource r;
  r.arn = std::string(arn);
  std::string_view service = parts[2];
  if (service == "lambda") {
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    if (parts.size() < 7 || parts.size() > 8 || parts[5] != "function" || !is_token(parts[6]) ||
        parts[3].empty() || parts[4].empty()) {
      return std::nullopt;
    }
    r.kind = ResourceKind::LambdaFunction;
    r.service = "lambda";
    r.action = "invoke";
    return r;
  }
  if (service != "states") return std::nullopt;
  if (parts[5] == "activity") {
    if (parts.size() != 7 || parts[6].empty() || parts[3].empty() || parts[4].empty()) {
      return std::nullopt;
    }
    r.kind = ResourceKind::Activity;
    r.service = "states";
    r.action = "activity";
    return r;
  }
  // arn:aws:states:::<service>:<action>[.pattern], or :::aws-sdk:<service>:<action>
  if (!parts[3].empty() || !parts[4].empty()) return std::nullopt;
  std::size_t action_index = 6;
  if (parts[5] == "aws-sdk") {
    if (parts.size() < 8 || !is_token(parts[6])) return std::nullopt;
    r.kind = ResourceKind::SdkIntegration;
    r.service = "aws-sdk:" + std::string(parts[6]);
    action_index = 7;
  } else {
    if (!is_token(parts[5])) return std::nullopt;
    r.kind = ResourceKind::Integration;
    r.service = std::string(parts[5]);
  }
  if (parts.size() <= action_index) return std::nullopt;
  std::string action(parts[action_index]);
  std::size_t rest = action_index + 1;
  // ".sync:2" splits across a colon.
  if (action.ends_with(".sync") && rest < parts.size() && parts[rest] == "2") {
    r.pattern = IntegrationPattern::Sync2;
    action.resize(action.size() - 5);
    ++rest;
  } else if (action.ends_with(".sync")) {
    r.pattern = IntegrationPattern::Sync;
    action.resize(action.size() - 5);
  } else if (action.ends_with(".waitForTaskToken")) {
    r.pattern = IntegrationPattern::WaitForTaskToken;
    action.resize(action.size() - 17);
  }
  if (rest != parts.size() || !is_token(action)) return std::nullopt;
  r.action = std::move(action);
  return r;
}

void build_pass(ObjectReader& reader, State& state) {
  PassState pass;
  if (const Value* result = reader.take("Result")) {
    pass.result = *result;
    // A warning, as AWS gives it: Result is copied as is, `.$` keys and all.
    if (has_dollar_key(*result)) {
      reader.warn(codes::kPassResultIsStatic, "Attempt to use a path in the result of a pass state",
                  reader.at("Result"));
    }
  }
  pass.parameters = reader.payload("Parameters");
  pass.result_path = reader.result_path("ResultPath");
  state.body = std::move(pass);
}

void build_task(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
                GraphRefs& refs) {
  TaskState task;
  reader.require({"Resource"});
  if (auto arn = reader.string("Resource")) {
    auto resource = classify_resource(*arn);
    if (!resource) {
      reader.error_at("Resource", "The resource provided " + *arn +
                                      " is not recognized. The value is not a valid resource "
                                      "ARN, or the resource is not available in this region.");
    } else {
      bool express = builder.options().type == StateMachineType::EXPRESS;
      if (express && (resource->pattern == IntegrationPattern::WaitForTaskToken ||
                      resource->pattern == IntegrationPattern::Sync ||
                      resource->pattern == IntegrationPattern::Sync2)) {
        // AWS's message, trailing space included.
        reader.error_at("Resource", "Express state machine does not support '" +
                                        std::string(pattern_suffix(resource->pattern)) +
                                        "' service integration ");
      } else if (express && resource->kind == ResourceKind::Activity) {
        reader.error_at("Resource", "Express state machine does not support Activity ARNs");
      }
      task.resource = std::move(*resource);
    }
  }
  task.parameters = reader.payload("Parameters");
  task.result_selector = reader.payload("ResultSelector");
  task.result_path = reader.result_path("ResultPath");
  reader.at_most_one_of({"TimeoutSeconds", "TimeoutSecondsPath"});
  reader.at_most_one_of({"HeartbeatSeconds", "HeartbeatSecondsPath"});
  task.timeout.value = reader.integer("TimeoutSeconds", 1, kMaxSeconds);
  task.timeout.path = reader.reference_path("TimeoutSecondsPath");
  task.heartbeat.value = reader.integer("HeartbeatSeconds", 1, kMaxSeconds);
  task.heartbeat.path = reader.reference_path("HeartbeatSecondsPath");
  if (task.timeout.value && task.heartbeat.value && *task.heartbeat.value >= *task.timeout.value) {
    reader.error_at("HeartbeatSeconds", "HeartbeatSeconds must be smaller than TimeoutSeconds (" +
                                            std::to_string(*task.timeout.value) + ")");
  }
  if (const Value* credentials = reader.object("Credentials")) {
    task.credentials = *credentials;
    reader.warn(codes::kUnsupportedFeature,
                "Credentials are ignored: baton runs the task with its own access, not an assumed "
                "role",
                reader.at("Credentials"));
  }
  task.retry = build_retry(reader);
  task.catch_ = build_catch(reader, builder, graph, refs);
  state.body = std::move(task);
}

void build_wait(ObjectReader& reader, State& state) {
  WaitState wait;
  bool one = reader.at_most_one_of({"Seconds", "Timestamp", "SecondsPath", "TimestampPath"});
  if (one && !reader.has("Seconds") && !reader.has("Timestamp") && !reader.has("SecondsPath") &&
      !reader.has("TimestampPath")) {
    reader.error(codes::kSchemaValidationFailed,
                 "Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, "
                 "TimestampPath]",
                 reader.location());
  }
  wait.seconds = reader.integer("Seconds", 0, kMaxSeconds);
  if (auto text = reader.string("Timestamp")) {
    wait.timestamp = parse_rfc3339(*text);
    if (!wait.timestamp) reader.error_at("Timestamp", "String does not match RFC3339 timestamp");
  }
  wait.seconds_path = reader.reference_path("SecondsPath");
  wait.timestamp_path = reader.reference_path("TimestampPath");
  state.body = wait;
}

void build_succeed(ObjectReader&, State& state) { state.body = SucceedState{}; }

void build_fail(ObjectReader& reader, State& state) {
  FailState fail;
  reader.at_most_one_of({"Error", "ErrorPath"});
  reader.at_most_one_of({"Cause", "CausePath"});
  fail.error = reader.string("Error");
  fail.cause = reader.string("Cause");
  fail.error_path = read_expression(reader, "ErrorPath");
  fail.cause_path = read_expression(reader, "CausePath");
  state.body = std::move(fail);
}

}  // namespace baton::asl::parse_detail
