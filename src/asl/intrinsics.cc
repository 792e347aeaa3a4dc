// Intrinsic calls: the table of supported functions, the call compiler and evaluation.

#include "asl/intrinsics.h"

#include <charconv>
#include <cmath>

#include "asl/errors.h"
#include "asl/intrinsics/functions.h"

namespace baton::asl {

using json::Value;

namespace {

// Every supported intrinsic function, in one place: name, arity, the kinds of its first
// arguments (for lint), and its implementation.
constexpr IntrinsicFunction kFunctions[] = {
    {"States.Format", 1, -1, {ArgKind::String, ArgKind::Any, ArgKind::Any}, intrinsic_format},
    {"States.StringToJson", 1, 1, {ArgKind::String}, intrinsic_string_to_json},
    {"States.JsonToString", 1, 1, {ArgKind::Any}, intrinsic_json_to_string},
    {"States.Array", 0, -1, {ArgKind::Any}, intrinsic_array},
    {"States.ArrayPartition", 2, 2, {ArgKind::Array, ArgKind::Number}, intrinsic_array_partition},
    {"States.ArrayContains", 2, 2, {ArgKind::Array, ArgKind::Any}, intrinsic_array_contains},
    {"States.ArrayRange",
     3,
     3,
     {ArgKind::Number, ArgKind::Number, ArgKind::Number},
     intrinsic_array_range},
    {"States.ArrayGetItem", 2, 2, {ArgKind::Array, ArgKind::Number}, intrinsic_array_get_item},
    {"States.ArrayLength", 1, 1, {ArgKind::Array}, intrinsic_array_length},
    {"States.ArrayUnique", 1, 1, {ArgKind::Array}, intrinsic_array_unique},
    {"States.Base64Encode", 1, 1, {ArgKind::String}, intrinsic_base64_encode},
    {"States.Base64Decode", 1, 1, {ArgKind::String}, intrinsic_base64_decode},
    {"States.Hash", 2, 2, {ArgKind::Any, ArgKind::String}, intrinsic_hash},
    {"States.JsonMerge",
     3,
     3,
     {ArgKind::Object, ArgKind::Object, ArgKind::Boolean},
     intrinsic_json_merge},
    {"States.MathRandom",
     2,
     3,
     {ArgKind::Number, ArgKind::Number, ArgKind::Number},
     intrinsic_math_random},
    {"States.MathAdd", 2, 2, {ArgKind::Number, ArgKind::Number}, intrinsic_math_add},
    {"States.StringSplit", 2, 2, {ArgKind::String, ArgKind::String}, intrinsic_string_split},
    {"States.UUID", 0, 0, {ArgKind::Any}, intrinsic_uuid},
};

bool kind_matches(ArgKind kind, const Value& v) {
  switch (kind) {
    case ArgKind::Any:
      return true;
    case ArgKind::String:
      return v.is_string();
    case ArgKind::Number:
      return v.is_number();
    case ArgKind::Array:
      return v.is_array();
    case ArgKind::Object:
      return v.is_object();
    case ArgKind::Boolean:
      return v.is_bool();
  }
  return true;
}

std::string_view kind_name(ArgKind kind) {
  switch (kind) {
    case ArgKind::Any:
      return "any value";
    case ArgKind::String:
      return "a string";
    case ArgKind::Number:
      return "a number";
    case ArgKind::Array:
      return "an array";
    case ArgKind::Object:
      return "an object";
    case ArgKind::Boolean:
      return "a boolean";
  }
  return "a value";
}

std::string arity_text(const IntrinsicFunction& f) {
  if (f.max_args < 0) return "at least " + std::to_string(f.min_args);
  if (f.min_args == f.max_args) return std::to_string(f.min_args);
  return std::to_string(f.min_args) + " to " + std::to_string(f.max_args);
}

}  // namespace

const IntrinsicFunction* find_intrinsic(std::string_view name) {
  for (const IntrinsicFunction& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Unexpected<Error> invalid_arguments(const IntrinsicCall& call, std::string_view reason) {
  return fail(std::string(errors::kRuntime),
              "Invalid arguments in " + call.call.name() + ": " + std::string(reason));
}

bool truncated_integer(const Value& v, long long& out) {
  if (v.is_int64()) {
    out = v.as_int64();
    return true;
  }
  if (!v.is_double()) return false;
  double d = std::trunc(v.as_double());
  if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18) return false;
  out = static_cast<long long>(d);
  return true;
}

// The call compiler: `States.Name(arg, ...)` where an argument is a nested call, a path, a
// single-quoted string with the escapes \' \{ \} \\, a number, true, false or null.
class IntrinsicParser {
 public:
  explicit IntrinsicParser(std::string_view text) : text_(text) {}

  Expected<Intrinsic, std::string> parse_whole() {
    auto call = parse_call(1);
    if (!call) return call;
    if (pos_ != text_.size()) return error("unexpected text after the call");
    return call;
  }

 private:
  Unexpected<std::string> error(std::string_view what) const {
    return Unexpected<std::string>(std::string(what) + " at position " + std::to_string(pos_) +
                                   " of '" + std::string(text_) + "'");
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (peek() == ' ' || peek() == '\t' || peek() == '\n')) ++pos_;
  }

  Expected<Intrinsic, std::string> parse_call(int depth) {
    if (depth > kMaxIntrinsicNesting) {
      return error("intrinsic functions nest at most " + std::to_string(kMaxIntrinsicNesting) +
                   " deep");
    }
    std::size_t start = pos_;
    while (pos_ < text_.size() && peek() != '(') ++pos_;
    std::string name(text_.substr(start, pos_ - start));
    const IntrinsicFunction* function = find_intrinsic(name);
    if (function == nullptr) return error("unknown intrinsic function '" + name + "'");
    if (peek() != '(') return error("expected '(' after " + name);
    ++pos_;
    Intrinsic call;
    call.name_ = name;
    call.function_ = function;
    skip_space();
    if (peek() == ')') {
      ++pos_;
    } else {
      while (true) {
        skip_space();
        auto arg = parse_argument(depth);
        if (!arg) return Unexpected<std::string>(std::move(arg).error());
        call.arguments_.push_back(std::move(*arg));
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ')') {
          ++pos_;
          break;
        }
        return error("expected ',' or ')' in the arguments of " + name);
      }
    }
    call.text_ = std::string(text_.substr(start, pos_ - start));
    return call;
  }

  Expected<IntrinsicArgument, std::string> parse_argument(int depth) {
    IntrinsicArgument arg;
    char c = peek();
    if (text_.substr(pos_, 7) == "States.") {
      auto nested = parse_call(depth + 1);
      if (!nested) return Unexpected<std::string>(std::move(nested).error());
      arg.value = std::make_shared<const Intrinsic>(std::move(*nested));
      return arg;
    }
    if (c == '$') {
      std::size_t start = pos_;
      skip_path();
      auto path = Path::compile(text_.substr(start, pos_ - start));
      if (!path) return Unexpected<std::string>(std::move(path).error());
      arg.value = std::move(*path);
      return arg;
    }
    if (c == '\'') return parse_string();
    for (auto [word, value] : {std::pair{std::string_view("true"), Value::boolean(true)},
                               std::pair{std::string_view("false"), Value::boolean(false)},
                               std::pair{std::string_view("null"), Value::null()}}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        arg.value = IntrinsicLiteral{value, "", false};
        return arg;
      }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t start = pos_;
      if (c == '-') ++pos_;
      while (pos_ < text_.size() &&
             ((peek() >= '0' && peek() <= '9') || peek() == '.' || peek() == 'e' || peek() == 'E' ||
              ((peek() == '+' || peek() == '-') &&
               (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
        ++pos_;
      }
      auto number = json::parse(text_.substr(start, pos_ - start));
      if (!number || !number->is_number()) return error("invalid number");
      arg.value = IntrinsicLiteral{*number, "", false};
      return arg;
    }
    return error("expected an argument");
  }

  // A path argument runs to the next ',' or ')' outside brackets, parentheses and quotes.
  void skip_path() {
    int depth = 0;
    char quote = '\0';
    while (pos_ < text_.size()) {
      char c = peek();
      if (quote != '\0') {
        if (c == '\\')
          ++pos_;
        else if (c == quote)
          quote = '\0';
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if (c == ']' || (c == ')' && depth > 0)) {
        --depth;
      } else if (depth == 0 && (c == ',' || c == ')' || c == ' ')) {
        return;
      }
      ++pos_;
    }
  }

  Expected<IntrinsicArgument, std::string> parse_string() {
    ++pos_;  // the opening quote
    std::size_t start = pos_;
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) return error("unterminated string literal");
      char c = peek();
      if (c == '\'') break;
      if (c == '\\') {
        char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
        // AWS's reserved characters are the only escapes; any other is refused.
        if (next != '\'' && next != '{' && next != '}' && next != '\\') {
          return error("invalid escape sequence in a string literal");
        }
        value.push_back(next);
        pos_ += 2;
        continue;
      }
      value.push_back(c);
      ++pos_;
    }
    std::string raw(text_.substr(start, pos_ - start));
    ++pos_;  // the closing quote
    IntrinsicArgument arg;
    arg.value = IntrinsicLiteral{Value::string(value), std::move(raw), true};
    return arg;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

bool Intrinsic::looks_like_call(std::string_view text) { return text.starts_with("States."); }

Expected<Intrinsic, std::string> Intrinsic::compile(std::string_view text) {
  return IntrinsicParser(text).parse_whole();
}

std::vector<std::string> Intrinsic::lint() const {
  std::vector<std::string> problems;
  auto count = static_cast<int>(arguments_.size());
  if (count < function_->min_args || (function_->max_args >= 0 && count > function_->max_args)) {
    bool one = function_->min_args == 1 && function_->max_args != 0 &&
               (function_->max_args == 1 || function_->max_args < 0);
    problems.push_back(name_ + " takes " + arity_text(*function_) + " argument" + (one ? "" : "s") +
                       " but is given " + std::to_string(count));
  }
  for (std::size_t i = 0; i < arguments_.size() && i < 3; ++i) {
    const auto* literal = std::get_if<IntrinsicLiteral>(&arguments_[i].value);
    ArgKind kind = function_->kinds[i];
    if (literal != nullptr && !kind_matches(kind, literal->value)) {
      problems.push_back("argument " + std::to_string(i + 1) + " of " + name_ + " must be " +
                         std::string(kind_name(kind)));
    }
  }
  for (const IntrinsicArgument& arg : arguments_) {
    if (const auto* nested = std::get_if<std::shared_ptr<const Intrinsic>>(&arg.value)) {
      for (std::string& p : (*nested)->lint()) problems.push_back(std::move(p));
    }
  }
  return problems;
}

bool Intrinsic::reads_context() const {
  for (const IntrinsicArgument& arg : arguments_) {
    if (const auto* path = std::get_if<Path>(&arg.value)) {
      if (path->root() == PathRoot::Context) return true;
    } else if (const auto* nested = std::get_if<std::shared_ptr<const Intrinsic>>(&arg.value)) {
      if ((*nested)->reads_context()) return true;
    }
  }
  return false;
}

Result<Value> Intrinsic::evaluate(const Scope& scope) const {
  // Arguments on the stack when there are few, as there mostly are.
  constexpr std::size_t kOnStack = 4;
  std::array<Value, kOnStack> small;
  std::vector<Value> large;
  bool on_stack = arguments_.size() <= kOnStack;
  if (!on_stack) large.reserve(arguments_.size());
  std::size_t count = 0;
  auto push = [&](Value v) {
    if (on_stack) {
      small[count++] = std::move(v);
    } else {
      large.push_back(std::move(v));
    }
  };
  for (const IntrinsicArgument& arg : arguments_) {
    if (const auto* literal = std::get_if<IntrinsicLiteral>(&arg.value)) {
      push(literal->value);
    } else if (const auto* path = std::get_if<Path>(&arg.value)) {
      auto v = path->evaluate(scope);
      if (!v) {
        return fail(std::string(errors::kRuntime),
                    "The function '" + text_ +
                        "' had the following error: The JsonPath argument for the field '" +
                        path->text() + "' could not be found in the input '" +
                        json::to_string(*scope.input) + "'");
      }
      push(std::move(*v));
    } else {
      auto v = std::get<std::shared_ptr<const Intrinsic>>(arg.value)->evaluate(scope);
      if (!v) return v;
      push(std::move(*v));
    }
  }
  std::span<const Value> values =
      on_stack ? std::span<const Value>(small.data(), count) : std::span<const Value>(large);
  IntrinsicCall call{values, *this, scope};
  auto arg_count = static_cast<int>(values.size());
  Result<Value> result = arg_count < function_->min_args ||
                                 (function_->max_args >= 0 && arg_count > function_->max_args)
                             ? Result<Value>(invalid_arguments(
                                   call, "expected " + arity_text(*function_) +
                                             " argument(s) but got " + std::to_string(arg_count)))
                             : function_->impl(call);
  if (!result) {
    Error e = std::move(result).error();
    return fail(std::move(e.name),
                "The function '" + text_ + "' had the following error: " + std::move(e.cause));
  }
  return result;
}

}  // namespace baton::asl
