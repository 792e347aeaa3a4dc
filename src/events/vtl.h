#pragma once

// API Gateway's mapping templates: Apache Velocity (VTL 1.7) with API Gateway's variables
// ($input, $util, $context, $stageVariables), as a REST API runs them on a request before its
// integration and on the integration's response. docs/mapping-templates.md lists what is
// supported and where baton follows AWS rather than plain Velocity.
//
// A Template is compiled once (when an integration's template is stored) and rendered per
// request. Pure: no I/O, no clock. A Template is immutable and safe to share between threads;
// render() keeps all its state on the call, so many threads may render one Template at once.
//
// Every loop, nesting, string and output is bounded (the constants below): no template and no
// input makes render() crash, hang or take unbounded memory; past a bound it returns an error.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

namespace baton::events::vtl {

// The error name of a template that does not compile, as API Gateway's control plane answers
// PutIntegration with it. The cause reads "Invalid mapping expression specified: <what> at line
// L, column C".
inline constexpr std::string_view kInvalidTemplate = "BadRequestException";
// The error name of a template that fails while it renders (a bad JSONPath, a body that is not
// JSON read with $input.json, a bound passed). API Gateway answers the client 500 "Internal
// server error" then; the cause says what failed and where.
inline constexpr std::string_view kRenderFailed = "InternalServerErrorException";

// Bounds. AWS documents none of these for mapping templates (its payload limit is 10 MB); they
// keep a hostile template from exhausting the process.
inline constexpr std::size_t kMaxTemplateBytes = 256 * 1024;
inline constexpr std::size_t kMaxOutputBytes = 10 * 1024 * 1024;  // also any one string
inline constexpr std::size_t kMaxNesting = 64;           // directives, expressions, parentheses
inline constexpr std::size_t kMaxIterations = 100'000;   // #foreach iterations, all loops
inline constexpr std::size_t kMaxRangeLength = 100'000;  // [a..b]
inline constexpr std::size_t kMaxSteps = 2'000'000;      // evaluations of nodes and expressions
inline constexpr std::size_t kMaxCells = 2'000'000;      // list items and map entries created
inline constexpr std::size_t kMaxStringBytes = 64 * 1024 * 1024;  // all strings built, summed
inline constexpr std::size_t kMaxCallDepth = 20;  // macros and #define blocks within each other

struct Program;  // vtl_ast.h

// A template compiled once.
class Template {
 public:
  // Errors: kInvalidTemplate "Invalid mapping expression specified: <what> at line L, column C".
  [[nodiscard]] static Result<Template> compile(std::string_view text);

  const Program& program() const { return *program_; }

 private:
  explicit Template(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

// What $input reads.
struct Input {
  std::string body;         // $input.body: the raw request (or integration response) body
  json::Value path;         // {name: value} path parameters   ($input.params().path)
  json::Value querystring;  // {name: value}                   ($input.params().querystring)
  json::Value header;       // {name: value}                   ($input.params().header)
};

struct Variables {
  Input input;
  json::Value context;          // $context: an object (requestId, stage, identity{...}, ...)
  json::Value stage_variables;  // $stageVariables: an object or null
};

struct Rendered {
  std::string text;     // the output
  json::Value context;  // $context after the template ran: #set($context.responseOverride.status
                        // = 400) and #set($context.requestOverride.header.X = "y") write into it
};

// How a null or undefined reference that is not quiet ($foo, not $!foo) renders. API Gateway
// renders it empty (a missing $input.path('$.x') inside quotes gives ""); plain Velocity 1.7
// renders the reference's own text ($foo stays "$foo").
enum class NullReference { Empty, SourceText };

struct RenderOptions {
  NullReference null_reference = NullReference::Empty;
};

// Errors: kRenderFailed, with what failed and its line and column.
[[nodiscard]] Result<Rendered> render(const Template& t, const Variables& v);
[[nodiscard]] Result<Rendered> render(const Template& t, const Variables& v,
                                      const RenderOptions& options);

}  // namespace baton::events::vtl
