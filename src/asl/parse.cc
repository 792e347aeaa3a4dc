// asl::parse: the top level of a definition, its graphs, the fields every state shares, and
// the checks that need a whole graph (transition targets, reachability, a terminal state).

#include "asl/parse.h"

#include "asl/parse_internal.h"

namespace baton::asl {

using json::Value;
using parse_detail::Builder;
using parse_detail::GraphRefs;
using parse_detail::ObjectReader;

namespace {

struct TypeName {
  std::string_view name;
  StateType type;
};

constexpr TypeName kStateTypes[] = {
    {"Task", StateType::Task},         {"Pass", StateType::Pass},
    {"Choice", StateType::Choice},     {"Wait", StateType::Wait},
    {"Succeed", StateType::Succeed},   {"Fail", StateType::Fail},
    {"Parallel", StateType::Parallel}, {"Map", StateType::Map},
};

std::optional<QueryLanguage> read_query_language(ObjectReader& reader) {
  auto text = reader.string("QueryLanguage");
  if (!text) return std::nullopt;
  if (*text == "JSONPath") return QueryLanguage::JSONPath;
  if (*text == "JSONata") return QueryLanguage::JSONata;
  reader.error_at("QueryLanguage", "Value should be one of the following: [JSONPath, JSONata]");
  return std::nullopt;
}

void report_jsonata(ObjectReader& reader, std::string location) {
  reader.error(codes::kUnsupportedFeature,
               "JSONata (QueryLanguage 'JSONata') is not supported by baton yet; "
               "write this state machine with JSONPath",
               std::move(location));
}

bool is_terminal(const State& state) {
  return state.end || state.type == StateType::Succeed || state.type == StateType::Fail;
}

}  // namespace

std::string_view state_type_name(StateType type) {
  for (const TypeName& t : kStateTypes) {
    if (t.type == type) return t.name;
  }
  return "Unknown";
}

const State* Graph::find(std::string_view name) const {
  auto it = by_name.find(std::string(name));
  return it == by_name.end() ? nullptr : &states[it->second];
}

namespace parse_detail {

std::vector<const Graph*> Builder::graphs() const {
  std::vector<const Graph*> out;
  for (const auto& g : graphs_) out.push_back(g.get());
  return out;
}

std::optional<StateIndex> Builder::resolve(const Graph& graph, GraphRefs& refs, const Value* target,
                                           const std::string& location) {
  if (target == nullptr) return std::nullopt;
  if (!target->is_string()) {
    diagnostics_.push_back({Severity::Error, std::string(codes::kSchemaValidationFailed),
                            "Expected value of type [STRING]", location});
    return std::nullopt;
  }
  auto it = graph.by_name.find(std::string(target->as_string()));
  if (it == graph.by_name.end()) {
    diagnostics_.push_back({Severity::Error, std::string(codes::kMissingTransitionTarget),
                            "Missing 'Next' target: " + std::string(target->as_string()),
                            location});
    return std::nullopt;
  }
  refs.referenced.insert(it->second);
  return it->second;
}

std::shared_ptr<const Graph> Builder::build_graph(const Value& object, const std::string& location,
                                                  GraphKind kind) {
  auto graph = std::make_shared<Graph>();
  graph->id = static_cast<std::uint32_t>(graphs_.size());
  graph->location = location;
  graphs_.push_back(graph);

  ObjectReader reader(*this, object, location);
  reader.require({"States", "StartAt"});
  reader.string("Comment");
  if (kind == GraphKind::Top) {
    reader.take("QueryLanguage");  // read by parse()
    reader.string("Version");
    auto timeout = reader.integer("TimeoutSeconds", 0, kMaxSeconds);
    (void)timeout;  // read again by parse(); here only checked
  }
  if (kind == GraphKind::Processor) reader.object("ProcessorConfig");  // read by build_map
  const Value* states = reader.object("States");
  auto start_at = reader.string("StartAt");

  GraphRefs refs;
  if (states != nullptr) {
    // First the names, so transitions can be resolved while the states are built.
    for (const json::Member& m : states->members()) {
      auto index = static_cast<StateIndex>(graph->states.size());
      graph->states.emplace_back();
      graph->states.back().name = std::string(m.name());
      graph->states.back().name_value = json::Value::string(m.name());
      graph->by_name.emplace(std::string(m.name()), index);
    }
    StateIndex index = 0;
    for (const json::Member& m : states->members()) {
      std::string state_location = location + "/States/" + std::string(m.name());
      build_state(*graph, refs, graph->states[index], m.value, state_location);
      ++index;
    }
  }
  if (start_at) {
    auto it = graph->by_name.find(*start_at);
    if (it == graph->by_name.end()) {
      if (states != nullptr) {
        diagnostics_.push_back({Severity::Error, std::string(codes::kMissingTransitionTarget),
                                "Missing 'Next' target: " + *start_at, location + "/StartAt"});
      }
    } else {
      graph->start_at = it->second;
      refs.referenced.insert(it->second);
    }
  }
  reader.finish();
  // Without a StartAt, AWS reports only that; reachability means nothing yet.
  if (states != nullptr && start_at) {
    check_graph(*graph, refs, kind);
  }
  return graph;
}

void Builder::check_graph(const Graph& graph, const GraphRefs& refs, GraphKind kind) {
  bool terminal = false;
  for (const State& s : graph.states) terminal = terminal || is_terminal(s);
  if (!terminal) {
    diagnostics_.push_back({Severity::Error, std::string(codes::kMissingEndState),
                            "Workflow has no terminal state",
                            kind == GraphKind::Top ? "" : graph.location});
    return;  // AWS reports no unreachable states then
  }
  // AWS's reachability is about references: a state nothing transitions to, other than
  // StartAt, is unreachable.
  for (StateIndex i = 0; i < graph.states.size(); ++i) {
    if (refs.referenced.contains(i)) continue;
    diagnostics_.push_back({Severity::Error, std::string(codes::kMissingTransitionTarget),
                            "State \"" + graph.states[i].name + "\" is not reachable.",
                            graph.location + "/States/" + graph.states[i].name});
  }
}

void Builder::build_state(Graph& graph, GraphRefs& refs, State& state, const Value& object,
                          const std::string& location) {
  if (state.name.empty() || state.name.size() > kMaxStateNameLength) {
    diagnostics_.push_back(
        {Severity::Error, std::string(codes::kInvalidStateName),
         "State name must be between 1 and 80 characters long: '" + state.name + "'", location});
  }
  auto [it, inserted] = state_locations_.emplace(state.name, location);
  if (!inserted) {
    diagnostics_.push_back({Severity::Error, std::string(codes::kDuplicateStateName),
                            "Duplicate State name: " + state.name, location});
  }
  if (!object.is_object()) {
    diagnostics_.push_back({Severity::Error, std::string(codes::kSchemaValidationFailed),
                            "Expected value of type [OBJECT]", location});
    return;
  }
  ObjectReader reader(*this, object, location);
  reader.require({"Type"});
  auto type_text = reader.string("Type");
  state.comment = reader.string("Comment");
  std::optional<StateType> type;
  if (type_text) {
    for (const TypeName& t : kStateTypes) {
      if (t.name == *type_text) type = t.type;
    }
    if (!type) {
      reader.error_at("Type",
                      "Value should be one of the following: [Choice, Fail, Map, "
                      "Parallel, Pass, Succeed, Task, Wait]");
    }
  }
  auto language = read_query_language(reader).value_or(top_language_);
  // Next and End, for the states that have them.
  bool flows = !type || (*type != StateType::Choice && *type != StateType::Succeed &&
                         *type != StateType::Fail);
  if (flows) {
    auto end = reader.boolean("End");
    state.end = end.value_or(false);
    const Value* next = reader.take("Next");
    if (next != nullptr && state.end) {
      reader.error_at("Next", "There should only be one of the following fields: [Next, End]");
    } else if (next == nullptr && !state.end && type) {
      reader.error(codes::kSchemaValidationFailed,
                   "Exactly one of these fields is required: [Next, End]", location);
    }
    state.next = resolve(graph, refs, next, reader.at("Next"));
  }
  if (object.find("QueryLanguage") != nullptr && top_language_ == QueryLanguage::JSONata &&
      language == QueryLanguage::JSONPath) {
    reader.error(codes::kSchemaValidationFailed,
                 "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state "
                 "machine",
                 location);
    return;
  }
  if (language == QueryLanguage::JSONata) {
    // The state is not compiled; only its transitions count, so the graph checks stay right.
    if (top_language_ != QueryLanguage::JSONata) report_jsonata(reader, reader.at("QueryLanguage"));
    if (const Value* choices = object.find("Choices"); choices != nullptr && choices->is_array()) {
      for (const Value& rule : choices->as_array()) {
        if (rule.is_object()) resolve(graph, refs, rule.find("Next"), location);
      }
    }
    resolve(graph, refs, object.find("Default"), location);
    return;
  }
  if (!type) {
    reader.finish();
    return;
  }
  state.type = *type;
  if (*type != StateType::Fail) {
    state.input_path = reader.io_path("InputPath");
    state.output_path = reader.io_path("OutputPath");
  }
  if (*type != StateType::Fail && *type != StateType::Succeed)
    state.assign = reader.assign("Assign");
  switch (*type) {
    case StateType::Pass:
      parse_detail::build_pass(reader, state);
      break;
    case StateType::Task:
      parse_detail::build_task(reader, state, *this, graph, refs);
      break;
    case StateType::Choice:
      parse_detail::build_choice(reader, state, *this, graph, refs);
      break;
    case StateType::Wait:
      parse_detail::build_wait(reader, state);
      break;
    case StateType::Succeed:
      parse_detail::build_succeed(reader, state);
      break;
    case StateType::Fail:
      parse_detail::build_fail(reader, state);
      break;
    case StateType::Parallel:
      parse_detail::build_parallel(reader, state, *this, graph, refs);
      break;
    case StateType::Map:
      parse_detail::build_map(reader, state, *this, graph, refs);
      break;
  }
  reader.finish();
}

}  // namespace parse_detail

std::optional<Resource> resource_from_arn(std::string_view arn) {
  return parse_detail::classify_resource(arn);
}

Expected<Parsed, Diagnostics> parse(std::string_view text, const ParseOptions& options) {
  Diagnostics diagnostics;
  auto fail_with = [&](std::string code, std::string message, std::string location) {
    diagnostics.push_back(
        {Severity::Error, std::move(code), std::move(message), std::move(location)});
    return Unexpected<Diagnostics>(std::move(diagnostics));
  };
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return fail_with(std::string(codes::kSchemaValidationFailed),
                     "Definition must be a valid JSON object", "");
  }
  std::vector<json::DuplicateKey> duplicates;
  auto source = json::parse(text, duplicates);
  if (!source) {
    // Jackson's form, which AWS passes on: "<message>\n at [Source: (String)"..."; line: L,
    // column: C]".
    const json::ParseError& e = source.error();
    auto source_at = [&](std::size_t line, std::size_t column) {
      return "[Source: (String)\"" + std::string(text.substr(0, 500)) +
             "\"; line: " + std::to_string(line) + ", column: " + std::to_string(column) + "]";
    };
    std::string message = e.message;
    if (e.marker_line > 0) {
      message += " (start marker at " + source_at(e.marker_line, e.marker_column) + ")";
    }
    std::string where = source_at(e.line, e.column);
    diagnostics.push_back({Severity::Error, std::string(codes::kInvalidJsonDescription),
                           message + "\n at " + where, where, e.line, e.column});
    return Unexpected<Diagnostics>(std::move(diagnostics));
  }
  if (!source->is_object()) {
    return fail_with(std::string(codes::kSchemaValidationFailed),
                     "Definition must be a valid JSON object", "");
  }
  for (const json::DuplicateKey& d : duplicates) {
    // Keys written twice in a States object are states named twice.
    if (d.location == "/States" || d.location.ends_with("/States")) {
      diagnostics.push_back({Severity::Error, std::string(codes::kDuplicateStateName),
                             "Duplicate State name: " + d.key, d.location + "/" + d.key});
    }
  }

  Builder builder(options, diagnostics);
  ObjectReader top(builder, *source, "");
  auto language = read_query_language(top);
  if (language == QueryLanguage::JSONata) report_jsonata(top, "/QueryLanguage");
  builder.set_top_language(language.value_or(QueryLanguage::JSONPath));

  auto definition = std::make_shared<Definition>();
  definition->source = *source;
  definition->query_language = builder.top_language();
  if (const Value* v = source->find("Comment"); v != nullptr && v->is_string()) {
    definition->comment = std::string(v->as_string());
  }
  if (const Value* v = source->find("Version"); v != nullptr && v->is_string()) {
    definition->version = std::string(v->as_string());
  }
  if (const Value* v = source->find("TimeoutSeconds"); v != nullptr && v->is_int64()) {
    definition->timeout_seconds = v->as_int64();
  }
  definition->root = builder.build_graph(*source, "", Builder::GraphKind::Top);
  definition->graphs = builder.graphs();

  if (has_errors(diagnostics)) return Unexpected<Diagnostics>(std::move(diagnostics));
  return Parsed{std::move(definition), std::move(diagnostics)};
}

}  // namespace baton::asl
