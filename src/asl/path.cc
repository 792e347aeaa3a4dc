// JSONPath evaluation. A definite path walks one node at a time and fails as Jayway does
// ("No results for path", "Missing property in path"); an indefinite one collects every match
// and never fails for a missing node.

#include "asl/path.h"

#include <cmath>
#include <regex>

#include "asl/path_internal.h"

namespace baton::asl {

using json::Value;
using path_detail::Filter;
using path_detail::FilterOp;
using path_detail::Function;
using path_detail::Operand;
using path_detail::Segment;
using path_detail::SegmentKind;

Path::Path() = default;
Path::Path(const Path&) = default;
Path::Path(Path&&) noexcept = default;
Path& Path::operator=(const Path&) = default;
Path& Path::operator=(Path&&) noexcept = default;
Path::~Path() = default;

namespace {

void append_canonical(const Segment& s, std::string& out) {
  if (s.deep) out += "..";
  switch (s.kind) {
    case SegmentKind::Property:
      out += '[';
      for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (i > 0) out += ',';
        out += '\'' + s.names[i] + '\'';
      }
      out += ']';
      break;
    case SegmentKind::Index:
      out += '[';
      for (std::size_t i = 0; i < s.indexes.size(); ++i) {
        if (i > 0) out += ',';
        out += std::to_string(s.indexes[i]);
      }
      out += ']';
      break;
    case SegmentKind::Slice:
      out += '[';
      if (s.slice_start) out += std::to_string(*s.slice_start);
      out += ':';
      if (s.slice_end) out += std::to_string(*s.slice_end);
      out += ']';
      break;
    case SegmentKind::Wildcard:
      out += "[*]";
      break;
    case SegmentKind::Filter:
      out += "[?]";
      break;
    case SegmentKind::Function:
      out += ".function()";
      break;
  }
}

long long normalize_index(long long index, std::size_t size) {
  return index < 0 ? static_cast<long long>(size) + index : index;
}

Unexpected<PathFailure> failure(std::string message) {
  return Unexpected<PathFailure>(PathFailure{std::move(message)});
}

Expected<Value, PathFailure> apply_function(Function f, const Value& v) {
  auto numbers = [&]() {
    std::vector<double> out;
    if (v.is_array()) {
      for (const Value& item : v.as_array()) {
        if (item.is_number()) out.push_back(item.as_double());
      }
    }
    return out;
  };
  switch (f) {
    case Function::Length:
      if (v.is_array() || v.is_object()) return Value::integer(static_cast<std::int64_t>(v.size()));
      if (v.is_string()) {
        std::int64_t n = 0;
        for (unsigned char c : v.as_string()) n += (c & 0xC0) != 0x80;
        return Value::integer(n);
      }
      return failure("Invalid function length() on a " + std::string(json::type_name(v.type())));
    case Function::Min:
    case Function::Max:
    case Function::Avg:
    case Function::Sum:
    case Function::StdDev: {
      auto xs = numbers();
      if (xs.empty()) {
        return failure("Aggregation function attempted to calculate value using empty array");
      }
      double sum = 0;
      double lo = xs[0];
      double hi = xs[0];
      for (double x : xs) {
        sum += x;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      double mean = sum / static_cast<double>(xs.size());
      if (f == Function::Min) return Value::number(lo);
      if (f == Function::Max) return Value::number(hi);
      if (f == Function::Sum) return Value::number(sum);
      if (f == Function::Avg) return Value::number(mean);
      double squares = 0;
      for (double x : xs) squares += (x - mean) * (x - mean);
      return Value::number(std::sqrt(squares / static_cast<double>(xs.size())));
    }
    case Function::First:
    case Function::Last:
      if (!v.is_array() || v.size() == 0)
        return failure("Invalid function on an empty or non-array value");
      return f == Function::First ? v[0] : v[v.size() - 1];
    case Function::Keys: {
      if (!v.is_object()) return failure("Invalid function keys() on a non-object");
      std::vector<Value> keys;
      for (const json::Member& m : v.members()) keys.push_back(m.key);
      return Value::array(std::move(keys));
    }
  }
  return failure("unknown function");
}

class Evaluator {
 public:
  Evaluator(const Scope& scope) : scope_(scope) {}  // NOLINT: a helper, used in this file only

  // Definite paths: one node at a time, failing as Jayway does. Messages are built only on
  // failure: this is the hot path of every state's InputPath and ResultPath.
  Expected<Value, PathFailure> definite(const std::vector<std::shared_ptr<const Segment>>& segments,
                                        const Value& root) {
    const Value* current = &root;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const Segment& s = *segments[i];
      bool leaf = i + 1 == segments.size();
      switch (s.kind) {
        case SegmentKind::Property: {
          if (!current->is_object()) {
            return failure("Expected to find an object with property " + step_text(s) +
                           " in path " + prefix(segments, i) + " but found '" +
                           std::string(json::type_name(current->type())) +
                           "'. This is not a json object according to the JsonProvider.");
          }
          if (s.names.size() > 1) {
            // Jayway merges a list of properties at the end of a path into one object.
            json::ObjectBuilder merged;
            for (const std::string& name : s.names) {
              if (const Value* v = current->find(name)) merged.add(name, *v);
            }
            return merged.build();
          }
          const Value* next = current->find(s.names[0]);
          if (next == nullptr) {
            if (leaf) return failure("No results for path: " + canonical(segments));
            return failure("Missing property in path " + prefix(segments, i + 1));
          }
          current = next;
          break;
        }
        case SegmentKind::Index: {
          if (!current->is_array()) {
            return failure("Expected to find an array with index " + step_text(s) + " in path " +
                           prefix(segments, i) + " but found '" +
                           std::string(json::type_name(current->type())) + "'.");
          }
          long long index = normalize_index(s.indexes[0], current->size());
          if (index < 0 || index >= static_cast<long long>(current->size())) {
            return failure("No results for path: " + canonical(segments));
          }
          current = &(*current)[static_cast<std::size_t>(index)];
          break;
        }
        case SegmentKind::Function:
          return apply_function(s.function, *current);
        default:
          break;  // not reached: definite paths hold only the kinds above
      }
    }
    return *current;
  }

  // Indefinite paths: every match, in document order. A function at the end applies to the
  // array of matches.
  Expected<Value, PathFailure> indefinite(
      const std::vector<std::shared_ptr<const Segment>>& segments, const Value& root) {
    std::size_t count = segments.size();
    const Segment* function = nullptr;
    if (count > 0 && segments.back()->kind == SegmentKind::Function) {
      function = segments.back().get();
      --count;
    }
    std::vector<Value> matches;
    walk(segments, 0, count, root, matches);
    Value result = Value::array(std::move(matches));
    if (function != nullptr) return apply_function(function->function, result);
    return result;
  }

  static std::string canonical(const std::vector<std::shared_ptr<const Segment>>& segments) {
    return prefix(segments, segments.size());
  }

  // The canonical form of the first `count` segments.
  static std::string prefix(const std::vector<std::shared_ptr<const Segment>>& segments,
                            std::size_t count) {
    std::string out = "$";
    for (std::size_t i = 0; i < count; ++i) append_canonical(*segments[i], out);
    return out;
  }

  static std::string step_text(const Segment& s) {
    std::string out;
    append_canonical(s, out);
    return out;
  }

 private:
  void walk(const std::vector<std::shared_ptr<const Segment>>& segments, std::size_t i,
            std::size_t end, const Value& node, std::vector<Value>& out) {
    if (i == end) {
      out.push_back(node);
      return;
    }
    const Segment& s = *segments[i];
    if (s.deep) {
      scan(segments, i, end, node, out);
    } else {
      apply(segments, i, end, node, out);
    }
  }

  // `..`: the segment applies to the node and to every node below it, in document order.
  void scan(const std::vector<std::shared_ptr<const Segment>>& segments, std::size_t i,
            std::size_t end, const Value& node, std::vector<Value>& out) {
    apply(segments, i, end, node, out);
    if (node.is_object()) {
      for (const json::Member& m : node.members()) scan(segments, i, end, m.value, out);
    } else if (node.is_array()) {
      for (const Value& item : node.as_array()) scan(segments, i, end, item, out);
    }
  }

  void apply(const std::vector<std::shared_ptr<const Segment>>& segments, std::size_t i,
             std::size_t end, const Value& node, std::vector<Value>& out) {
    const Segment& s = *segments[i];
    auto next = [&](const Value& v) { walk(segments, i + 1, end, v, out); };
    switch (s.kind) {
      case SegmentKind::Property:
        if (!node.is_object()) return;
        if (s.names.size() > 1 && i + 1 == end) {
          json::ObjectBuilder merged;
          for (const std::string& name : s.names) {
            if (const Value* v = node.find(name)) merged.add(name, *v);
          }
          next(std::move(merged).build());
          return;
        }
        for (const std::string& name : s.names) {
          if (const Value* v = node.find(name)) next(*v);
        }
        return;
      case SegmentKind::Index:
        if (!node.is_array()) return;
        for (long long raw : s.indexes) {
          long long index = normalize_index(raw, node.size());
          if (index >= 0 && index < static_cast<long long>(node.size())) {
            next(node[static_cast<std::size_t>(index)]);
          }
        }
        return;
      case SegmentKind::Slice: {
        if (!node.is_array()) return;
        auto size = static_cast<long long>(node.size());
        long long from = s.slice_start ? normalize_index(*s.slice_start, node.size()) : 0;
        long long to = s.slice_end ? normalize_index(*s.slice_end, node.size()) : size;
        from = std::max(0LL, from);
        to = std::min(size, to);
        for (long long k = from; k < to; ++k) next(node[static_cast<std::size_t>(k)]);
        return;
      }
      case SegmentKind::Wildcard:
        if (node.is_object()) {
          for (const json::Member& m : node.members()) next(m.value);
        } else if (node.is_array()) {
          for (const Value& item : node.as_array()) next(item);
        }
        return;
      case SegmentKind::Filter:
        if (node.is_array()) {
          for (const Value& item : node.as_array()) {
            if (matches(*s.filter, item)) next(item);
          }
        } else if (node.is_object() && matches(*s.filter, node)) {
          next(node);
        }
        return;
      case SegmentKind::Function:
        return;  // handled by indefinite()
    }
  }

  std::optional<Value> operand(const Operand& o, const Value& current) {
    switch (o.kind) {
      case Operand::Kind::Literal:
        return o.literal;
      case Operand::Kind::Current: {
        auto v = o.path.evaluate_on(current, scope_);
        if (!v) return std::nullopt;
        return std::move(*v);
      }
      case Operand::Kind::Root: {
        auto v = o.path.evaluate(scope_);
        if (!v) return std::nullopt;
        return std::move(*v);
      }
      case Operand::Kind::Missing:
        return std::nullopt;
    }
    return std::nullopt;
  }

  static int compare_ordered(const Value& a, const Value& b, bool& comparable) {
    comparable = true;
    if (a.is_number() && b.is_number()) {
      double x = a.as_double();
      double y = b.as_double();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_string() && b.is_string()) {
      int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    comparable = false;
    return 0;
  }

  bool matches(const Filter& f, const Value& current) {
    switch (f.op) {
      case FilterOp::Exists:
        return operand(f.left, current).has_value();
      case FilterOp::Not:
        return !matches(*f.children[0], current);
      case FilterOp::And:
        return matches(*f.children[0], current) && matches(*f.children[1], current);
      case FilterOp::Or:
        return matches(*f.children[0], current) || matches(*f.children[1], current);
      default:
        break;
    }
    auto left = operand(f.left, current);
    auto right = f.op == FilterOp::Regex ? std::optional<Value>() : operand(f.right, current);
    switch (f.op) {
      case FilterOp::Eq:
        return left && right && *left == *right;
      case FilterOp::Ne:
        return !(left && right && *left == *right);
      case FilterOp::Lt:
      case FilterOp::Le:
      case FilterOp::Gt:
      case FilterOp::Ge: {
        if (!left || !right) return false;
        bool comparable = false;
        int c = compare_ordered(*left, *right, comparable);
        if (!comparable) return false;
        if (f.op == FilterOp::Lt) return c < 0;
        if (f.op == FilterOp::Le) return c <= 0;
        if (f.op == FilterOp::Gt) return c > 0;
        return c >= 0;
      }
      case FilterOp::Regex: {
        if (!left || !left->is_string()) return false;
        std::string subject(left->as_string());
        // std::regex reports a runaway match only by throwing; a filter that cannot be
        // decided does not match.
        try {
          return std::regex_match(subject, *f.regex);
        } catch (const std::regex_error&) {
          return false;
        }
      }
      case FilterOp::In:
      case FilterOp::Nin: {
        bool found = false;
        if (left && right && right->is_array()) {
          for (const Value& item : right->as_array()) {
            if (item == *left) {
              found = true;
              break;
            }
          }
        }
        return f.op == FilterOp::In ? found : !found;
      }
      default:
        return false;
    }
  }

  const Scope& scope_;
};

}  // namespace

bool Path::is_root() const { return segments_.empty(); }

std::string Path::canonical() const { return Evaluator::canonical(segments_); }

Expected<Value, PathFailure> Path::evaluate_on(const Value& root, const Scope& scope) const {
  Evaluator evaluator(scope);
  if (definite_) return evaluator.definite(segments_, root);
  return evaluator.indefinite(segments_, root);
}

Expected<Value, PathFailure> Path::evaluate(const Scope& scope) const {
  switch (root_) {
    case PathRoot::Input:
      return evaluate_on(*scope.input, scope);
    case PathRoot::Context: {
      static const Value kEmpty = Value::object({});
      return evaluate_on(scope.context != nullptr ? *scope.context : kEmpty, scope);
    }
    case PathRoot::Variable: {
      const Value* value = scope.variables != nullptr ? scope.variables->find(variable_) : nullptr;
      if (value == nullptr) {
        return failure("The variable '$" + variable_ + "' is not defined");
      }
      return evaluate_on(*value, scope);
    }
  }
  return failure("unknown path root");
}

}  // namespace baton::asl
