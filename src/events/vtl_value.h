#pragma once

// The values a mapping template computes with (internal to events/vtl_*.cc), shaped as the Java
// objects Velocity holds: null, Boolean, Integer/Long, Double, String, List, Map, and API
// Gateway's $input/$util, a #foreach's $foreach and a #define's block. Lists and maps are
// mutable and shared, as Java references are ($a.add(1) changes every holder of $a): they live
// in a Heap owned by one render, and a Value names them by index. One render, one thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "events/vtl_ast.h"

namespace baton::events::vtl {

enum class Kind { Null, Boolean, Integer, Double, String, List, Map, Input, Util, Foreach, Block };

struct Value {
  Kind kind = Kind::Null;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::shared_ptr<const std::string> string;  // String: Java strings are immutable
  std::uint32_t ref = 0;                      // List, Map, Foreach, Block: the index in the Heap

  bool is_null() const { return kind == Kind::Null; }
  bool is_number() const { return kind == Kind::Integer || kind == Kind::Double; }
  double as_double() const { return kind == Kind::Integer ? static_cast<double>(integer) : number; }
  const std::string& text() const { return *string; }  // requires String

  static Value of_bool(bool b) {
    Value v;
    v.kind = Kind::Boolean;
    v.boolean = b;
    return v;
  }
  static Value of_int(std::int64_t i) {
    Value v;
    v.kind = Kind::Integer;
    v.integer = i;
    return v;
  }
  static Value of_double(double d) {
    Value v;
    v.kind = Kind::Double;
    v.number = d;
    return v;
  }
  static Value of_kind(Kind kind, std::uint32_t ref = 0) {
    Value v;
    v.kind = kind;
    v.ref = ref;
    return v;
  }
};

struct MapObject {
  std::vector<std::pair<std::string, Value>> entries;  // in insertion order (LinkedHashMap)

  Value* find(std::string_view key);
  const Value* find(std::string_view key) const;
};

struct ListObject {
  std::vector<Value> items;
};

struct ForeachScope {
  std::int64_t index = 0;  // 0-based
  bool has_next = false;
  std::optional<std::uint32_t> parent;
};

// Owns a render's lists, maps, $foreach scopes and blocks, and counts what the render built.
// Past a budget, `exhausted` names the bound; the renderer checks it and fails.
class Heap {
 public:
  Value new_string(std::string s);
  Value new_list(std::vector<Value> items = {});
  Value new_map();
  Value new_scope(ForeachScope scope);
  Value new_block(const NodeList* nodes);

  ListObject& list(const Value& v) { return lists_[v.ref]; }
  MapObject& map(const Value& v) { return maps_[v.ref]; }
  ForeachScope& scope(const Value& v) { return scopes_[v.ref]; }
  const NodeList& block(const Value& v) const { return *blocks_[v.ref]; }

  // Counts `n` list items or map entries about to be added.
  void add_cells(std::size_t n);
  // Puts into a map (replacing a key present) and returns the previous value or null.
  Value put(const Value& map, std::string key, Value value);

  // JSON -> Value, and back. A list or map nested past json::kMaxDepth (it can only be by
  // holding itself) is an error (exhausted).
  Value from_json(const json::Value& json);
  json::Value to_json(const Value& value, std::size_t depth = 0);

  // Java's toString(), appended; blocks render empty here (the renderer renders them).
  void append_text(const Value& value, std::string& out, std::size_t depth = 0);
  // Java's equals(): same type and value, lists and maps deeply.
  bool java_equals(const Value& a, const Value& b, std::size_t depth = 0);

  std::optional<std::string> exhausted;

 private:
  std::deque<ListObject> lists_;
  std::deque<MapObject> maps_;
  std::deque<ForeachScope> scopes_;
  std::deque<const NodeList*> blocks_;
  std::size_t cells_ = 0;
  std::size_t string_bytes_ = 0;
};

// Java's Double.toString: 1.5, 2.0, 1.0E10, 1.0E-4, NaN, Infinity.
std::string java_double(double d);
// The name of a value's type, for messages: "String", "List", "Map", "Integer" ...
std::string_view type_name(const Value& v);
// Velocity's truth: null and false are false; everything else is true.
inline bool truthy(const Value& v) { return v.kind == Kind::Boolean ? v.boolean : !v.is_null(); }

}  // namespace baton::events::vtl
