#pragma once

// JSONPath as Step Functions evaluates it (the Jayway dialect): `$`, `.name`, `['a b']`,
// `[0]`, `[-1]`, `[0,2]`, `[1:3]`, `[*]`, `.*`, `..name`, `[?(@.price < 10)]` with
// == != < <= > >= =~ in nin && || ! and existence, and functions such as `.length()`.
// A path reads from the state input (`$`), the context object (`$$`) or a variable (`$name`).
//
// A Path is compiled once, when the definition is parsed; evaluation never reads text again.
// Immutable and safe to share between threads.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "asl/scope.h"
#include "core/expected.h"
#include "core/json.h"

namespace baton::asl {

enum class PathRoot { Input, Context, Variable };

// Why an evaluation found nothing, in Jayway's words: "No results for path: $['a']",
// "Missing property in path $['a']". Callers wrap it in the cause AWS gives for their field.
struct PathFailure {
  std::string message;
};

namespace path_detail {
struct Segment;
}

class Path {
 public:
  // Compiles any JSONPath. The error is a message for a diagnostic.
  [[nodiscard]] static Expected<Path, std::string> compile(std::string_view text);
  // Compiles a reference path: one that names a single node, written with `.name`,
  // `['name']` and `[index]` only (ResultPath and the like).
  [[nodiscard]] static Expected<Path, std::string> compile_reference(std::string_view text);

  Path();
  Path(const Path&);
  Path(Path&&) noexcept;
  Path& operator=(const Path&);
  Path& operator=(Path&&) noexcept;
  ~Path();

  const std::string& text() const { return text_; }
  PathRoot root() const { return root_; }
  const std::string& variable() const { return variable_; }  // for PathRoot::Variable
  // Names at most one node (no wildcard, scan, slice, filter or list): the result is that
  // node, not an array of matches.
  bool is_definite() const { return definite_; }
  // Just `$` (or `$$`, or `$name`): the whole root.
  bool is_root() const;
  // Jayway's canonical form, as its messages print it: $['a'][0]
  std::string canonical() const;

  // The node a definite path names, or an array of every match of an indefinite one.
  [[nodiscard]] Expected<json::Value, PathFailure> evaluate(const Scope& scope) const;
  // As above, from an explicit root value (for `$`-rooted paths evaluated on other documents).
  [[nodiscard]] Expected<json::Value, PathFailure> evaluate_on(const json::Value& root,
                                                               const Scope& scope) const;

  // For a reference path (compile_reference): the property names and indexes it walks, in
  // order. An index step
  // has an empty name and its index in `index`.
  struct Step {
    std::string name;
    long long index = -1;
    bool is_index() const { return index >= 0 && name.empty(); }
  };
  const std::vector<Step>& reference_steps() const { return reference_steps_; }

 private:
  friend class PathParser;
  std::string text_;
  PathRoot root_ = PathRoot::Input;
  std::string variable_;
  bool definite_ = true;
  std::vector<std::shared_ptr<const path_detail::Segment>> segments_;
  std::vector<Step> reference_steps_;  // computed by compile_reference
};

}  // namespace baton::asl
