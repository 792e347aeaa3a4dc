#pragma once

// The definition compiler's internals, shared by parse*.cc and nobody else. `Builder` walks
// the definition once, building the compiled graphs and reporting every problem it meets;
// `ObjectReader` reads the fields of one JSON object, checking their types, and in the end
// reports each field nobody asked for as unsupported.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asl/definition.h"
#include "asl/diagnostic.h"
#include "asl/parse.h"
#include "core/json.h"

namespace baton::asl::parse_detail {

// AWS limits on definition fields.
inline constexpr std::int64_t kMaxSeconds = 99999999;
inline constexpr std::int64_t kMaxRetryDelaySeconds = 31622400;
inline constexpr std::size_t kMaxStateNameLength = 80;

class Builder;

class ObjectReader {
 public:
  ObjectReader(Builder& builder, const json::Value& object, std::string location);

  const std::string& location() const { return location_; }
  Builder& builder() { return builder_; }
  std::string at(std::string_view field) const { return location_ + "/" + std::string(field); }
  bool has(std::string_view field) const { return object_.find(field) != nullptr; }

  // The field's value (nullptr when absent); it now counts as supported.
  const json::Value* take(std::string_view field);

  // Typed reads: absent -> nullopt; wrong type or out of range -> a diagnostic and nullopt.
  std::optional<std::string> string(std::string_view field);
  std::optional<std::int64_t> integer(std::string_view field, std::int64_t min, std::int64_t max);
  std::optional<double> number(std::string_view field, double min, std::optional<double> max);
  std::optional<bool> boolean(std::string_view field);
  const json::Value* object(std::string_view field);
  const json::Value* array(std::string_view field);

  // ASL reads.
  // InputPath/OutputPath: absent -> `$`; null -> nullopt (the value becomes {}).
  std::optional<Path> io_path(std::string_view field);
  // ResultPath (and a Catcher's): a reference path; absent -> `$`; null -> nullopt.
  std::optional<Path> result_path(std::string_view field);
  // Any JSONPath (ItemsPath, Choice Variable); absent -> nullopt.
  std::optional<Path> path(std::string_view field);
  // `...Path` fields that name one number or string in the input: reference paths.
  std::optional<Path> reference_path(std::string_view field);
  std::optional<PayloadTemplate> payload(std::string_view field);
  // JSONPath-mode Assign: an object of variable names.
  std::optional<PayloadTemplate> assign(std::string_view field);

  // "These fields are required: [A, B]" for those absent.
  void require(std::initializer_list<std::string_view> fields);
  // "There should only be one of the following fields: [A, B]" when more than one is present.
  bool at_most_one_of(std::initializer_list<std::string_view> fields);

  // Reports each field not taken: "Field 'X' is not supported" (or, for a JSONata field, that
  // it needs the other query language), at this object's location.
  void finish();

  void error(std::string_view code, std::string message, std::string location);
  void warn(std::string_view code, std::string message, std::string location);
  void error_at(std::string_view field, std::string message);

 private:
  Builder& builder_;
  const json::Value& object_;
  std::string location_;
  std::set<std::string, std::less<>> taken_;
};

// Which states of a graph something transitions to, for the reachability check.
struct GraphRefs {
  std::set<StateIndex> referenced;
};

class Builder {
 public:
  Builder(const ParseOptions& options, Diagnostics& diagnostics)
      : options_(options), diagnostics_(diagnostics) {}

  Diagnostics& diagnostics() { return diagnostics_; }
  const ParseOptions& options() const { return options_; }
  QueryLanguage top_language() const { return top_language_; }
  void set_top_language(QueryLanguage language) { top_language_ = language; }

  enum class GraphKind { Top, Branch, Processor };
  // Builds the graph of `object` (StartAt, States, ...), nested graphs included.
  std::shared_ptr<const Graph> build_graph(const json::Value& object, const std::string& location,
                                           GraphKind kind);

  // Every graph built, by id.
  std::vector<const Graph*> graphs() const;

  // A transition to `target` (a state name) from the field at `location`.
  std::optional<StateIndex> resolve(const Graph& graph, GraphRefs& refs, const json::Value* target,
                                    const std::string& location);

 private:
  void build_state(Graph& graph, GraphRefs& refs, State& state, const json::Value& object,
                   const std::string& location);
  void check_graph(const Graph& graph, const GraphRefs& refs, GraphKind kind);

  const ParseOptions& options_;
  Diagnostics& diagnostics_;
  QueryLanguage top_language_ = QueryLanguage::JSONPath;
  std::vector<std::shared_ptr<Graph>> graphs_;
  std::unordered_map<std::string, std::string> state_locations_;  // every state name, globally
};

// One function per state type (parse_states.cc, parse_choice.cc, parse_branching.cc); each
// reads its own fields from `reader` into the state's body.
void build_pass(ObjectReader& reader, State& state);
void build_task(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
                GraphRefs& refs);
void build_choice(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
                  GraphRefs& refs);
void build_wait(ObjectReader& reader, State& state);
void build_succeed(ObjectReader& reader, State& state);
void build_fail(ObjectReader& reader, State& state);
void build_parallel(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
                    GraphRefs& refs);
void build_map(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
               GraphRefs& refs);

// Retry and Catch (parse_retry.cc).
std::vector<Retrier> build_retry(ObjectReader& reader);
std::vector<Catcher> build_catch(ObjectReader& reader, Builder& builder, const Graph& graph,
                                 GraphRefs& refs);

// A Task's Resource ARN, classified; nullopt when it is not one baton recognises.
std::optional<Resource> classify_resource(std::string_view arn);

}  // namespace baton::asl::parse_detail
