#include "core/json.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <unordered_map>

#include "core/check.h"

namespace baton::json {

// Heap nodes carry an atomic reference count; the Value's kind says which node it is.
struct Value::Node {
  std::atomic<std::uint32_t> refs{1};
};

struct Value::StringNode : Node {
  std::size_t size = 0;
  char* data() { return reinterpret_cast<char*>(this + 1); }

  static StringNode* make(std::string_view s) {
    void* memory = ::operator new(sizeof(StringNode) + s.size() + 1);
    auto* node = new (memory) StringNode();
    node->size = s.size();
    std::memcpy(node->data(), s.data(), s.size());
    node->data()[s.size()] = '\0';
    return node;
  }
  static void destroy(StringNode* node) {
    node->~StringNode();
    ::operator delete(node);
  }
};

struct Value::ArrayNode : Node {
  std::vector<Value> items;
};

struct Value::ObjectNode : Node {
  // Objects this large get a hash index; smaller ones are searched in order, which is faster.
  static constexpr std::size_t kIndexFrom = 16;

  std::vector<Member> members;
  std::unique_ptr<std::unordered_map<std::string_view, std::uint32_t>> index;

  const Value* find(std::string_view key) const {
    if (index) {
      auto it = index->find(key);
      return it == index->end() ? nullptr : &members[it->second].value;
    }
    for (const Member& m : members) {
      if (m.key.as_string() == key) return &m.value;
    }
    return nullptr;
  }
};

std::string_view type_name(Type type) {
  switch (type) {
    case Type::Null:
      return "null";
    case Type::Boolean:
      return "boolean";
    case Type::Number:
      return "number";
    case Type::String:
      return "string";
    case Type::Array:
      return "array";
    case Type::Object:
      return "object";
  }
  return "unknown";
}

Value::Value(const Value& other) noexcept {
  std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
  retain();
}

Value::Value(Value&& other) noexcept {
  std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
  other.small_.kind = Kind::Null;
}

Value& Value::operator=(const Value& other) noexcept {
  if (this != &other) {
    other.retain();
    release();
    std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
  }
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    release();
    std::memcpy(static_cast<void*>(this), &other, sizeof(Value));
    other.small_.kind = Kind::Null;
  }
  return *this;
}

Value::~Value() { release(); }

void Value::retain() const noexcept {
  switch (small_.kind) {
    case Kind::String:
    case Kind::Array:
    case Kind::Object:
      big_.node->refs.fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      break;
  }
}

void Value::release() noexcept {
  switch (small_.kind) {
    case Kind::String:
      if (big_.node->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        StringNode::destroy(static_cast<StringNode*>(big_.node));
      }
      break;
    case Kind::Array:
      if (big_.node->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        delete static_cast<ArrayNode*>(big_.node);
      }
      break;
    case Kind::Object:
      if (big_.node->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        delete static_cast<ObjectNode*>(big_.node);
      }
      break;
    default:
      break;
  }
  small_.kind = Kind::Null;
}

Value Value::boolean(bool b) {
  Value v;
  v.small_.kind = b ? Kind::True : Kind::False;
  return v;
}

Value Value::integer(std::int64_t i) {
  Value v;
  v.big_.kind = Kind::Int;
  v.big_.i = i;
  return v;
}

Value Value::unsigned_integer(std::uint64_t u) {
  if (u <= static_cast<std::uint64_t>(INT64_MAX)) return integer(static_cast<std::int64_t>(u));
  Value v;
  v.big_.kind = Kind::UInt;
  v.big_.u = u;
  return v;
}

Value Value::number(double d) {
  Value v;
  v.big_.kind = Kind::Double;
  v.big_.d = d;
  return v;
}

Value Value::string(std::string_view s) {
  Value v;
  if (s.size() <= kSmallCapacity) {
    v.small_.kind = Kind::SmallString;
    v.small_.length = static_cast<std::uint8_t>(s.size());
    if (!s.empty()) std::memcpy(v.small_.chars, s.data(), s.size());
  } else {
    v.big_.kind = Kind::String;
    v.big_.node = StringNode::make(s);
  }
  return v;
}

Value Value::array(std::vector<Value> items) {
  auto node = std::make_unique<ArrayNode>();
  node->items = std::move(items);
  Value v;
  v.big_.kind = Kind::Array;
  v.big_.node = node.release();
  return v;
}

Value Value::object(std::vector<Member> members) {
  auto node = std::make_unique<ObjectNode>();
  // Jackson keeps the later of two equal keys, in the place of the first.
  if (members.size() >= ObjectNode::kIndexFrom) {
    auto index = std::make_unique<std::unordered_map<std::string_view, std::uint32_t>>();
    index->reserve(members.size());
    node->members.reserve(members.size());
    for (Member& m : members) {
      BATON_CHECK(m.key.is_string(), "object keys are strings");
      auto [it, inserted] = index->try_emplace(m.key.as_string(), 0);
      if (inserted) {
        it->second = static_cast<std::uint32_t>(node->members.size());
        node->members.push_back(std::move(m));
      } else {
        node->members[it->second].value = std::move(m.value);
      }
    }
    // The index's keys view into the members' storage, which moved when the vector grew;
    // build it again over the final vector.
    index->clear();
    for (std::uint32_t i = 0; i < node->members.size(); ++i) {
      index->emplace(node->members[i].key.as_string(), i);
    }
    node->index = std::move(index);
  } else {
    node->members.reserve(members.size());
    for (Member& m : members) {
      BATON_CHECK(m.key.is_string(), "object keys are strings");
      bool replaced = false;
      for (Member& existing : node->members) {
        if (existing.key.as_string() == m.key.as_string()) {
          existing.value = std::move(m.value);
          replaced = true;
          break;
        }
      }
      if (!replaced) node->members.push_back(std::move(m));
    }
  }
  Value v;
  v.big_.kind = Kind::Object;
  v.big_.node = node.release();
  return v;
}

Type Value::type() const {
  switch (small_.kind) {
    case Kind::Null:
      return Type::Null;
    case Kind::False:
    case Kind::True:
      return Type::Boolean;
    case Kind::Int:
    case Kind::UInt:
    case Kind::Double:
      return Type::Number;
    case Kind::SmallString:
    case Kind::String:
      return Type::String;
    case Kind::Array:
      return Type::Array;
    case Kind::Object:
      return Type::Object;
  }
  return Type::Null;
}

bool Value::as_bool() const {
  BATON_CHECK(is_bool(), "as_bool() of a non-boolean");
  return small_.kind == Kind::True;
}

std::int64_t Value::as_int64() const {
  BATON_CHECK(small_.kind == Kind::Int, "as_int64() of a value that is not an int64");
  return big_.i;
}

std::uint64_t Value::as_uint64() const {
  BATON_CHECK(small_.kind == Kind::UInt || (small_.kind == Kind::Int && big_.i >= 0),
              "as_uint64() of a value that is not a uint64");
  return small_.kind == Kind::UInt ? big_.u : static_cast<std::uint64_t>(big_.i);
}

double Value::as_double() const {
  switch (small_.kind) {
    case Kind::Int:
      return static_cast<double>(big_.i);
    case Kind::UInt:
      return static_cast<double>(big_.u);
    case Kind::Double:
      return big_.d;
    default:
      BATON_CHECK(false, "as_double() of a non-number");
  }
  return 0;
}

std::string_view Value::as_string() const {
  if (small_.kind == Kind::SmallString) return {small_.chars, small_.length};
  BATON_CHECK(small_.kind == Kind::String, "as_string() of a non-string");
  auto* s = static_cast<StringNode*>(big_.node);
  return {s->data(), s->size};
}

std::span<const Value> Value::as_array() const {
  BATON_CHECK(small_.kind == Kind::Array, "as_array() of a non-array");
  return static_cast<const ArrayNode*>(big_.node)->items;
}

std::span<const Member> Value::members() const {
  BATON_CHECK(small_.kind == Kind::Object, "members() of a non-object");
  return static_cast<const ObjectNode*>(big_.node)->members;
}

std::size_t Value::size() const {
  if (small_.kind == Kind::Array) return static_cast<const ArrayNode*>(big_.node)->items.size();
  if (small_.kind == Kind::Object) {
    return static_cast<const ObjectNode*>(big_.node)->members.size();
  }
  return 0;
}

const Value* Value::find(std::string_view key) const {
  if (small_.kind != Kind::Object) return nullptr;
  return static_cast<const ObjectNode*>(big_.node)->find(key);
}

const Value& Value::operator[](std::size_t index) const {
  auto items = as_array();
  BATON_CHECK(index < items.size(), "array index out of range");
  return items[index];
}

namespace {

bool numbers_equal(const Value& a, const Value& b) {
  if (a.is_int64() && b.is_int64()) return a.as_int64() == b.as_int64();
  if (a.is_integer() && b.is_integer()) {
    // One is beyond int64: equal only if both are the same uint64.
    return !a.is_int64() && !b.is_int64() && a.as_uint64() == b.as_uint64();
  }
  return a.as_double() == b.as_double();
}

}  // namespace

bool operator==(const Value& a, const Value& b) {
  Type type = a.type();
  if (type != b.type()) return false;
  switch (type) {
    case Type::Null:
      return true;
    case Type::Boolean:
      return a.as_bool() == b.as_bool();
    case Type::Number:
      return numbers_equal(a, b);
    case Type::String:
      return a.as_string() == b.as_string();
    case Type::Array: {
      if (a.big_.node == b.big_.node) return true;
      auto x = a.as_array();
      auto y = b.as_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!(x[i] == y[i])) return false;
      }
      return true;
    }
    case Type::Object: {
      if (a.big_.node == b.big_.node) return true;
      if (a.size() != b.size()) return false;
      for (const Member& m : a.members()) {
        const Value* other = b.find(m.name());
        if (other == nullptr || !(m.value == *other)) return false;
      }
      return true;
    }
  }
  return false;
}

ObjectBuilder& ObjectBuilder::add(std::string_view key, Value value) {
  members_.push_back(Member{Value::string(key), std::move(value)});
  return *this;
}

ObjectBuilder& ObjectBuilder::add(Value key, Value value) {
  members_.push_back(Member{std::move(key), std::move(value)});
  return *this;
}

Value ObjectBuilder::build() { return Value::object(std::move(members_)); }

Value with_member(const Value& object, std::string_view key, Value value) {
  auto members = object.members();
  std::vector<Member> copy;
  copy.reserve(members.size() + 1);
  bool replaced = false;
  for (const Member& m : members) {
    if (!replaced && m.name() == key) {
      copy.push_back(Member{m.key, std::move(value)});
      replaced = true;
    } else {
      copy.push_back(m);
    }
  }
  if (!replaced) copy.push_back(Member{Value::string(key), std::move(value)});
  return Value::object(std::move(copy));
}

}  // namespace baton::json
