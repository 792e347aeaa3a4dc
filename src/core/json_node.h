#pragma once

// The shared nodes behind json::Value, internal to core/ (json.cc, json_parse.cc).
//
// A node is either allocated on its own, with its own reference count, or lies inside a
// Block: one allocation holding a whole parsed document, whose single count stands for all of
// its nodes. Values inside a block point at the block's other nodes without counting them, so
// a parsed document is made with one allocation and freed with one, however large it is.
// Arrays, objects and strings keep their contents inline, after the node's header.

#include <atomic>
#include <cstdint>

#include "core/json.h"

namespace baton::json {

struct Value::Node {
  std::atomic<std::uint32_t> refs{1};
  std::uint32_t block_offset = 0;  // 0: allocated on its own; else its distance into its Block
};

// The header of a block of nodes; its nodes follow it.
struct Block {
  std::atomic<std::uint32_t> refs{1};
  std::uint32_t unused = 0;
  std::uint64_t bytes = 0;
};
static_assert(sizeof(Block) == 16);

struct Value::StringNode : Node {
  std::uint32_t size = 0;
  std::uint32_t unused = 0;
  char* data() { return reinterpret_cast<char*>(this) + sizeof(StringNode); }
  static std::size_t bytes_for(std::size_t length) { return sizeof(StringNode) + length + 1; }
};

// What measure() found of an array or object, once it has looked: (depth << 48) | bytes, with
// bytes saturated at 2^48 - 1; 0 until measured (no container measures 0 bytes).
using MeasureCache = std::atomic<std::uint64_t>;

struct Value::ArrayNode : Node {
  std::uint32_t size = 0;
  std::uint32_t unused = 0;
  MeasureCache measured{0};
  Value* items() {
    return reinterpret_cast<Value*>(reinterpret_cast<char*>(this) + sizeof(ArrayNode));
  }
  static std::size_t bytes_for(std::size_t count) {
    return sizeof(ArrayNode) + count * sizeof(Value);
  }
};

// Members inline; objects of kIndexFrom members or more also keep `order`, their member
// indexes sorted by key, for a binary search.
struct Value::ObjectNode : Node {
  static constexpr std::size_t kIndexFrom = 16;
  std::uint32_t size = 0;
  std::uint32_t capacity = 0;  // member slots allocated (a block may hold more than size)
  MeasureCache measured{0};
  Member* members() {
    return reinterpret_cast<Member*>(reinterpret_cast<char*>(this) + sizeof(ObjectNode));
  }
  std::uint32_t* order() { return reinterpret_cast<std::uint32_t*>(members() + capacity); }
  bool indexed() const { return size >= kIndexFrom; }
  static std::size_t bytes_for(std::size_t count) {
    std::size_t bytes = sizeof(ObjectNode) + count * sizeof(Member);
    if (count >= kIndexFrom) bytes += count * sizeof(std::uint32_t);
    return bytes;
  }
  // Sorts `order` after the members are in place.
  void build_order();
  const Value* find(std::string_view key);
};

// The document simdjson has just parsed (its tape and string buffer), in one Block; `depth`
// is set to its nesting depth.
Value build_parsed_document(const std::uint64_t* tape, const std::uint8_t* strings,
                            std::size_t& depth);

inline std::size_t align8(std::size_t n) { return (n + 7) & ~std::size_t{7}; }

}  // namespace baton::json
