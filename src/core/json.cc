#include "core/json.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <unordered_map>

#include "core/check.h"
#include "core/json_node.h"

namespace baton::json {

namespace {

template <class N>
N* allocate(std::size_t bytes) {
  void* memory = ::operator new(bytes);
  return new (memory) N();
}

}  // namespace

void Value::ObjectNode::build_order() {
  if (!indexed()) return;
  std::uint32_t* index = order();
  for (std::uint32_t i = 0; i < size; ++i) index[i] = i;
  Member* m = members();
  std::sort(index, index + size,
            [m](std::uint32_t a, std::uint32_t b) { return m[a].name() < m[b].name(); });
}

const Value* Value::ObjectNode::find(std::string_view key) {
  Member* m = members();
  if (!indexed()) {
    for (std::uint32_t i = 0; i < size; ++i) {
      if (m[i].name() == key) return &m[i].value;
    }
    return nullptr;
  }
  std::uint32_t* index = order();
  auto it = std::lower_bound(index, index + size, key,
                             [m](std::uint32_t i, std::string_view k) { return m[i].name() < k; });
  if (it == index + size || m[*it].name() != key) return nullptr;
  return &m[*it].value;
}

void Value::retain_node(Node* node) noexcept {
  if (node->block_offset != 0) {
    auto* block = reinterpret_cast<Block*>(reinterpret_cast<char*>(node) - node->block_offset);
    block->refs.fetch_add(1, std::memory_order_relaxed);
  } else {
    node->refs.fetch_add(1, std::memory_order_relaxed);
  }
}

void Value::release_node(Kind kind, Node* node) noexcept {
  if (node->block_offset != 0) {
    // One count for the whole block; the values inside it hold none of their own.
    auto* block = reinterpret_cast<Block*>(reinterpret_cast<char*>(node) - node->block_offset);
    if (block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      block->~Block();
      ::operator delete(block);
    }
    return;
  }
  if (node->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  switch (kind) {
    case Kind::String:
      static_cast<StringNode*>(node)->~StringNode();
      break;
    case Kind::Array: {
      auto* array = static_cast<ArrayNode*>(node);
      for (std::uint32_t i = 0; i < array->size; ++i) array->items()[i].~Value();
      array->~ArrayNode();
      break;
    }
    case Kind::Object: {
      auto* object = static_cast<ObjectNode*>(node);
      for (std::uint32_t i = 0; i < object->size; ++i) object->members()[i].~Member();
      object->~ObjectNode();
      break;
    }
    default:
      break;
  }
  ::operator delete(node);
}

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

Value Value::long_string(std::string_view s) {
  Value v;
  auto* node = allocate<StringNode>(StringNode::bytes_for(s.size()));
  node->size = static_cast<std::uint32_t>(s.size());
  std::memcpy(node->data(), s.data(), s.size());
  node->data()[s.size()] = '\0';
  v.big_.kind = Kind::String;
  v.big_.node = node;
  return v;
}

Value Value::array(std::vector<Value> items) {
  auto* node = allocate<ArrayNode>(ArrayNode::bytes_for(items.size()));
  node->size = static_cast<std::uint32_t>(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) new (&node->items()[i]) Value(std::move(items[i]));
  Value v;
  v.big_.kind = Kind::Array;
  v.big_.node = node;
  return v;
}

Value Value::object_of_distinct(std::span<Member> members) {
  auto* node = allocate<ObjectNode>(ObjectNode::bytes_for(members.size()));
  node->size = static_cast<std::uint32_t>(members.size());
  node->capacity = node->size;
  for (std::size_t i = 0; i < members.size(); ++i) {
    BATON_CHECK(members[i].key.is_string(), "object keys are strings");
    new (&node->members()[i]) Member(std::move(members[i]));
  }
  node->build_order();
  Value v;
  v.big_.kind = Kind::Object;
  v.big_.node = node;
  return v;
}

Value Value::object(std::vector<Member> members) {
  // Jackson keeps the later of two equal keys, in the place of the first.
  std::size_t kept = 0;
  if (members.size() < ObjectNode::kIndexFrom) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      std::size_t j = 0;
      while (j < kept && members[j].name() != members[i].name()) ++j;
      if (j < kept) {
        members[j].value = std::move(members[i].value);
      } else if (kept != i) {
        members[kept++] = std::move(members[i]);
      } else {
        ++kept;
      }
    }
  } else {
    std::unordered_map<std::string_view, std::size_t> seen;
    seen.reserve(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      auto [it, inserted] = seen.try_emplace(members[i].name(), kept);
      if (!inserted) {
        members[it->second].value = std::move(members[i].value);
      } else {
        if (kept != i) members[kept] = std::move(members[i]);
        // The map's key viewed the member's old place; point it at the new one.
        seen.erase(it);
        seen.emplace(members[kept].name(), kept);
        ++kept;
      }
    }
  }
  return object_of_distinct(std::span<Member>(members.data(), kept));
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
  auto* array = static_cast<ArrayNode*>(big_.node);
  return {array->items(), array->size};
}

std::span<const Member> Value::members() const {
  BATON_CHECK(small_.kind == Kind::Object, "members() of a non-object");
  auto* object = static_cast<ObjectNode*>(big_.node);
  return {object->members(), object->size};
}

std::size_t Value::size() const {
  if (small_.kind == Kind::Array) return static_cast<ArrayNode*>(big_.node)->size;
  if (small_.kind == Kind::Object) return static_cast<ObjectNode*>(big_.node)->size;
  return 0;
}

const Value* Value::find(std::string_view key) const {
  if (small_.kind != Kind::Object) return nullptr;
  return static_cast<ObjectNode*>(big_.node)->find(key);
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
  return Value::object_of_distinct(copy);
}

}  // namespace baton::json
