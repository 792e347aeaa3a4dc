#pragma once

// json::Value: an immutable JSON value whose copies share structure.
//
// Copying a Value, or keeping a sub-tree of one, costs a reference count, never a deep copy:
// every state of a workflow copies and merges payloads, so this is what keeps a transition
// cheap. Objects keep their keys in document order, as AWS writes them. Numbers keep their
// kind: an integer stays an integer (exact to 64 bits, signed or unsigned) and a double stays
// a double. Short strings (up to 14 bytes) live inside the Value itself.
//
// A Value is safe to share between threads: it is never modified after construction, and its
// reference counts are atomic.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.h"

namespace baton::json {

enum class Type : std::uint8_t { Null, Boolean, Number, String, Array, Object };

// The name ASL's messages use for a type: "null", "boolean", "number", "string", "array",
// "object".
std::string_view type_name(Type type);

struct Member;
struct Measure;

class Value {
 public:
  Value() noexcept { small_.kind = Kind::Null; }
  Value(const Value& other) noexcept : Value(other, Copy{}) {}
  Value(Value&& other) noexcept {
    std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
    other.small_.kind = Kind::Null;
  }
  Value& operator=(const Value& other) noexcept {
    if (this != &other) {
      other.retain();
      release();
      std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
    }
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      release();
      std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
      other.small_.kind = Kind::Null;
    }
    return *this;
  }
  ~Value() { release(); }

  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value integer(std::int64_t i);
  static Value unsigned_integer(std::uint64_t u);  // stored as a signed integer when it fits
  static Value number(double d);
  static Value string(std::string_view s) {
    if (s.size() > kSmallCapacity) return long_string(s);
    Value v;  // short strings live inline: no allocation
    v.small_.kind = Kind::SmallString;
    v.small_.length = static_cast<std::uint8_t>(s.size());
    if (!s.empty()) std::memcpy(v.small_.chars, s.data(), s.size());
    return v;
  }
  static Value array(std::vector<Value> items);
  // An object from members in order; a key given twice keeps the later value in the place of
  // the first, as Jackson (AWS's parser) does.
  static Value object(std::vector<Member> members);
  // An object from members whose keys the caller knows to be distinct (a compiled template,
  // a copy of an object with one key changed): no duplicate check. The members are moved.
  static Value object_of_distinct(std::span<Member> members);

  Type type() const;
  bool is_null() const { return small_.kind == Kind::Null; }
  bool is_bool() const { return small_.kind == Kind::False || small_.kind == Kind::True; }
  bool is_number() const {
    return small_.kind == Kind::Int || small_.kind == Kind::UInt || small_.kind == Kind::Double;
  }
  bool is_string() const { return small_.kind == Kind::SmallString || small_.kind == Kind::String; }
  bool is_array() const { return small_.kind == Kind::Array; }
  bool is_object() const { return small_.kind == Kind::Object; }
  // An integer held exactly (int64 or uint64), as opposed to a double.
  bool is_integer() const { return small_.kind == Kind::Int || small_.kind == Kind::UInt; }
  bool is_int64() const { return small_.kind == Kind::Int; }
  bool is_double() const { return small_.kind == Kind::Double; }

  // Accessors; each requires the matching type.
  bool as_bool() const;
  std::int64_t as_int64() const;
  std::uint64_t as_uint64() const;
  double as_double() const;  // any number, converted
  std::string_view as_string() const;
  std::span<const Value> as_array() const;
  std::span<const Member> members() const;

  // Number of items of an array or members of an object; 0 for anything else.
  std::size_t size() const;
  // The member named `key` of an object, or nullptr (also when this is not an object).
  const Value* find(std::string_view key) const;
  // Item `index` of an array; requires index < size().
  const Value& operator[](std::size_t index) const;

  // Structural equality: numbers compare by value (1 == 1.0), objects ignore key order.
  friend bool operator==(const Value& a, const Value& b);

 private:
  friend class DocumentBuilder;  // json_document.cc: builds a parsed document in one block
  friend Measure measure(const Value& value);  // json_write.cc: reads and fills its cache
  friend std::size_t small_literal_size(const Value& v);  // json_write.cc
  friend Measure measure_element(const Value& value);     // json_write.cc
  enum class Kind : std::uint8_t {
    Null,
    False,
    True,
    Int,
    UInt,
    Double,
    SmallString,
    String,  // from here on, the Value points at a shared node
    Array,
    Object
  };
  struct Node;
  struct StringNode;
  struct ArrayNode;
  struct ObjectNode;
  struct Copy {};
  static constexpr std::size_t kSmallCapacity = 14;

  Value(const Value& other, Copy) noexcept {
    std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
    retain();
  }
  bool shares_node() const { return small_.kind >= Kind::String; }
  void retain() const noexcept {
    if (shares_node()) retain_node(big_.node);
  }
  void release() noexcept {
    if (shares_node()) release_node(small_.kind, big_.node);
    small_.kind = Kind::Null;
  }
  static Value long_string(std::string_view s);
  static void retain_node(Node* node) noexcept;
  static void release_node(Kind kind, Node* node) noexcept;

  struct Small {
    Kind kind;
    std::uint8_t length;
    char chars[kSmallCapacity];
  };
  struct Big {
    Kind kind;
    union {
      std::int64_t i;
      std::uint64_t u;
      double d;
      Node* node;
    };
  };
  // Both alternatives start with `kind`, so it may be read through either.
  union {
    Small small_;
    Big big_;
  };
};

struct Member {
  Value key;  // always a string
  Value value;

  std::string_view name() const { return key.as_string(); }
};

// Builds an object member by member; `set` replaces the value of a key already present.
class ObjectBuilder {
 public:
  ObjectBuilder& add(std::string_view key, Value value);
  ObjectBuilder& add(Value key, Value value);
  Value build();  // leaves the builder empty

 private:
  std::vector<Member> members_;
};

// A copy of `object` with `key` set to `value` (replaced in place, or appended). Shares every
// other member with `object`. Requires an object.
Value with_member(const Value& object, std::string_view key, Value value);

// The deepest nesting of arrays and objects a document given to baton may have, and a value a
// workflow may build (a scalar is 0 deep, `[]` 1, `[[1]]` 2). Jackson, which AWS's services
// parse with, refuses documents nested deeper than 1,000 levels by default; so does baton, and
// it keeps every value it stores within this bound, so that reading back what it wrote (with
// the room kStoredDepth leaves for the record around a value) never fails and nothing recurses
// on the machine stack without a bound.
inline constexpr std::size_t kMaxDepth = 1000;
// The deepest nesting of a document baton wrote itself (an execution's state around values of
// up to kMaxDepth levels).
inline constexpr std::size_t kMaxStoredDepth = kMaxDepth + 64;

// How large a value is once written: the length of its compact text (as to_string writes it,
// the measure of AWS's payload limits) and the depth of its nesting. Computed once per array
// and object and cached in it, so measuring a value that shares most of its structure with one
// measured before costs only what is new. `bytes` saturates instead of overflowing.
struct Measure {
  std::uint64_t bytes = 0;
  std::uint32_t depth = 0;
};
Measure measure(const Value& value);

// Text -> Value.
struct ParseError {
  std::string message;     // what was wrong, in words
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based, in characters of the line
  std::size_t offset = 0;  // 0-based byte offset
  // For an array or object left open: where it began (0 otherwise).
  std::size_t marker_line = 0;
  std::size_t marker_column = 0;

  // "<message> at line L, column C".
  std::string describe() const;
};

// Refuses documents nested deeper than `max_depth` (kMaxDepth, or kMaxStoredDepth for what
// baton wrote itself).
[[nodiscard]] Expected<Value, ParseError> parse(std::string_view text,
                                                std::size_t max_depth = kMaxDepth);

// A key written twice in one object. `location` names the object: "/States", "/a[0]/b".
struct DuplicateKey {
  std::string location;
  std::string key;
};
// As parse(), also listing the keys written twice (the Value keeps the later value).
[[nodiscard]] Expected<Value, ParseError> parse(std::string_view text,
                                                std::vector<DuplicateKey>& duplicates);

// Value -> text, compact as AWS writes it: no spaces, keys in order, integers as integers,
// doubles in the shortest form that reads back the same.
std::string to_string(const Value& value);
void write(const Value& value, std::string& out);
// Indented with two spaces, for people.
std::string to_pretty_string(const Value& value);
// The length of to_string(value), without building it: measure(value).bytes.
std::size_t serialized_size(const Value& value);

// Writes `s` as a JSON string literal (quotes included).
void write_string_literal(std::string_view s, std::string& out);

}  // namespace baton::json
