#pragma once

// Intrinsic function calls, such as `States.Format('Hello {}', $.name)`.
//
// A call is compiled once, when the definition is parsed: the function is looked up in the
// one table of supported functions (intrinsics.cc), its arguments are compiled (literals,
// paths, nested calls). Evaluation fails with States.Runtime, the name AWS reports for every
// intrinsic failure, and a cause of the form "The function '<call>' had the following error:
// <detail>". Immutable and safe to share between threads.

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "asl/path.h"
#include "asl/scope.h"
#include "core/error.h"
#include "core/json.h"

namespace baton::asl {

class Intrinsic;
struct IntrinsicFunction;

// AWS limit: intrinsic calls nest at most 10 deep.
inline constexpr int kMaxIntrinsicNesting = 10;

// A literal argument. A string literal keeps its raw text too, because States.Format tells
// an escaped `\{` from a placeholder's `{`.
struct IntrinsicLiteral {
  json::Value value;
  std::string raw;  // the text between the quotes, escapes intact (string literals only)
  bool is_string = false;
};

// One argument of a call: a literal, a path or a nested call.
struct IntrinsicArgument {
  std::variant<IntrinsicLiteral, Path, std::shared_ptr<const Intrinsic>> value;
};

class Intrinsic {
 public:
  // True when `text` is written as a call (starts with "States."), so a failure to compile it
  // is reported as a bad call rather than a bad path.
  static bool looks_like_call(std::string_view text);
  // Compiles a whole call. The error is a message for a diagnostic.
  [[nodiscard]] static Expected<Intrinsic, std::string> compile(std::string_view text);

  const std::string& text() const { return text_; }
  const std::string& name() const { return name_; }
  const std::vector<IntrinsicArgument>& arguments() const { return arguments_; }

  // Problems AWS only reports when the call runs (wrong number of arguments, a literal of the
  // wrong type); the validator shows them as warnings.
  std::vector<std::string> lint() const;
  // Whether an argument reads the context object ($$), at any depth.
  bool reads_context() const;

  [[nodiscard]] Result<json::Value> evaluate(const Scope& scope) const;

 private:
  friend class IntrinsicParser;
  std::string text_;
  std::string name_;
  const IntrinsicFunction* function_ = nullptr;
  std::vector<IntrinsicArgument> arguments_;
};

}  // namespace baton::asl
