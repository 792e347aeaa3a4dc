// A document simdjson has parsed -> json::Value, built into one Block (json_node.h).
//
// The builder reads simdjson's tape directly (the format simdjson documents in its
// doc/tape.md): one 64-bit entry per value, its type character in the top byte; strings are an
// offset into the string buffer, where a 32-bit length precedes the bytes; numbers take a
// second entry holding their bits; `[` and `{` carry their element count (bits 32-55,
// saturated at 0xFFFFFF) and the index just past their closing entry. One linear pass sizes the
// block, a second fills it.

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "core/json.h"
#include "core/json_node.h"

namespace baton::json {

class DocumentBuilder {
 public:
  static Value build(const std::uint64_t* tape, const std::uint8_t* strings, std::size_t& depth) {
    // tape[0] is the root entry; its payload is the index of the closing root entry.
    std::size_t end = payload(tape[0]);
    std::size_t bytes = sizeof(Block) + block_bytes(tape, strings, 1, end, depth);
    DocumentBuilder builder(tape, strings);
    if (bytes > sizeof(Block)) {  // else a scalar: no block
      auto* block = new (::operator new(bytes)) Block();
      block->bytes = bytes;
      builder.block_ = reinterpret_cast<char*>(block);
      builder.cursor_ = builder.block_ + sizeof(Block);
    }
    // The root Value owns the block's one reference.
    std::size_t i = 1;
    return builder.place(i);
  }

 private:
  DocumentBuilder(const std::uint64_t* tape, const std::uint8_t* strings)
      : tape_(tape), strings_(strings) {}

  static char type(std::uint64_t entry) { return static_cast<char>(entry >> 56); }
  static std::uint64_t payload(std::uint64_t entry) { return entry & 0x00FFFFFFFFFFFFFFull; }
  // The index just past a container's closing entry.
  static std::size_t after(std::uint64_t entry) { return payload(entry) & 0xFFFFFFFFull; }

  static std::string_view string_at(const std::uint8_t* strings, std::uint64_t entry) {
    const std::uint8_t* at = strings + payload(entry);
    std::uint32_t length = 0;
    std::memcpy(&length, at, sizeof(length));
    return {reinterpret_cast<const char*>(at + sizeof(length)), length};
  }

  // The number of elements of the container at tape[i] (members, for an object).
  static std::size_t count(const std::uint64_t* tape, std::size_t i) {
    std::size_t n = (payload(tape[i]) >> 32) & 0xFFFFFF;
    if (n < 0xFFFFFF) return n;
    // Saturated: count by skipping over the elements.
    bool object = type(tape[i]) == '{';
    std::size_t end = after(tape[i]) - 1;
    n = 0;
    for (std::size_t j = i + 1; j < end; ++n) {
      if (object) ++j;  // the key
      j = skip(tape, j);
    }
    return n;
  }

  // The index after the value at tape[i].
  static std::size_t skip(const std::uint64_t* tape, std::size_t i) {
    switch (type(tape[i])) {
      case '[':
      case '{':
        return after(tape[i]);
      case 'l':
      case 'u':
      case 'd':
        return i + 2;
      default:
        return i + 1;
    }
  }

  static std::size_t string_bytes(std::size_t length) {
    return length <= Value::kSmallCapacity ? 0 : align8(Value::StringNode::bytes_for(length));
  }

  // The bytes the nodes of tape[begin, end) need, and (in `depth`) how deep they nest: one
  // pass, no recursion. Keys written twice are counted twice, which only leaves room unused.
  static std::size_t block_bytes(const std::uint64_t* tape, const std::uint8_t* strings,
                                 std::size_t begin, std::size_t end, std::size_t& depth) {
    std::size_t bytes = 0;
    std::size_t open = 0;
    depth = 0;
    for (std::size_t i = begin; i < end; ++i) {
      switch (type(tape[i])) {
        case '"':
          bytes += string_bytes(string_at(strings, tape[i]).size());
          break;
        case '[':
          bytes += align8(Value::ArrayNode::bytes_for(count(tape, i)));
          depth = std::max(depth, ++open);
          break;
        case '{':
          bytes += align8(Value::ObjectNode::bytes_for(count(tape, i)));
          depth = std::max(depth, ++open);
          break;
        case ']':
        case '}':
          --open;
          break;
        case 'l':
        case 'u':
        case 'd':
          ++i;
          break;
        default:
          break;
      }
    }
    return bytes;
  }

  template <class N>
  N* take(std::size_t bytes) {
    auto* node = new (cursor_) N();
    node->block_offset = static_cast<std::uint32_t>(cursor_ - block_);
    cursor_ += align8(bytes);
    return node;
  }

  // A Value pointing at a node of this block, holding no count of its own.
  static Value borrowed(Value::Kind kind, Value::Node* node) {
    Value v;
    v.big_.kind = kind;
    v.big_.node = node;
    return v;
  }

  Value place_string(std::string_view s) {
    if (s.size() <= Value::kSmallCapacity) return Value::string(s);
    auto* node = take<Value::StringNode>(Value::StringNode::bytes_for(s.size()));
    node->size = static_cast<std::uint32_t>(s.size());
    std::memcpy(node->data(), s.data(), s.size());
    node->data()[s.size()] = '\0';
    return borrowed(Value::Kind::String, node);
  }

  // Replaces a value inside the block. The old one holds no count, so it is not released.
  static void overwrite(Value& slot, Value&& value) {
    std::memcpy(static_cast<void*>(&slot), &value, sizeof(Value));
    value.small_.kind = Value::Kind::Null;
  }

  // The value at tape[i]; leaves i just after it.
  Value place(std::size_t& i) {
    std::uint64_t entry = tape_[i];
    switch (type(entry)) {
      case '"':
        ++i;
        return place_string(string_at(strings_, entry));
      case 'l': {
        std::int64_t n = 0;
        std::memcpy(&n, &tape_[i + 1], sizeof(n));
        i += 2;
        return Value::integer(n);
      }
      case 'u': {
        i += 2;
        return Value::unsigned_integer(tape_[i - 1]);
      }
      case 'd': {
        double d = 0;
        std::memcpy(&d, &tape_[i + 1], sizeof(d));
        i += 2;
        return Value::number(d);
      }
      case 't':
        ++i;
        return Value::boolean(true);
      case 'f':
        ++i;
        return Value::boolean(false);
      case '[':
        return place_array(i);
      case '{':
        return place_object(i);
      default:
        ++i;
        return Value::null();
    }
  }

  Value place_array(std::size_t& i) {
    std::size_t end = after(tape_[i]) - 1;  // the closing entry
    auto* node = take<Value::ArrayNode>(Value::ArrayNode::bytes_for(count(tape_, i)));
    for (++i; i < end;) new (&node->items()[node->size++]) Value(place(i));
    i = end + 1;
    return borrowed(Value::Kind::Array, node);
  }

  static constexpr std::size_t kSearchLimit = 32;

  // One of 64 bits for a key, from its length and its first and last bytes.
  static std::uint64_t filter_bit(std::string_view key) {
    std::size_t h = key.size();
    if (!key.empty())
      h = h * 31 + static_cast<unsigned char>(key.front()) * 7 +
          static_cast<unsigned char>(key.back());
    return std::uint64_t{1} << (h & 63);
  }

  Value place_object(std::size_t& i) {
    std::size_t end = after(tape_[i]) - 1;
    std::size_t n = count(tape_, i);
    auto* node = take<Value::ObjectNode>(Value::ObjectNode::bytes_for(n));
    node->capacity = static_cast<std::uint32_t>(n);
    Member* members = node->members();
    // Jackson keeps the later of two equal keys, in the place of the first. Small objects
    // are searched, only when a 64-bit filter of the keys so far says the key may be there;
    // large ones hashed.
    bool hashed = n > kSearchLimit;
    struct Key {
      const char* data;
      std::size_t size;
    };
    Key keys[kSearchLimit];  // left uninitialised: only the first node->size are read
    std::uint64_t filter = 0;
    std::unordered_map<std::string_view, std::uint32_t> seen;
    for (++i; i < end;) {
      std::string_view key = string_at(strings_, tape_[i++]);
      Value value = place(i);
      Member* existing = nullptr;
      if (hashed) {
        auto it = seen.find(key);
        if (it != seen.end()) existing = &members[it->second];
      } else if (std::uint64_t bit = filter_bit(key); (filter & bit) == 0) {
        filter |= bit;
      } else {
        for (std::uint32_t k = 0; k < node->size; ++k) {
          if (keys[k].size == key.size() &&
              std::memcmp(keys[k].data, key.data(), key.size()) == 0) {
            existing = &members[k];
            break;
          }
        }
      }
      if (existing != nullptr) {
        overwrite(existing->value, std::move(value));
        continue;
      }
      if (hashed) {
        seen.emplace(key, node->size);
      } else {
        keys[node->size] = Key{key.data(), key.size()};
      }
      new (&members[node->size++]) Member{place_string(key), std::move(value)};
    }
    i = end + 1;
    node->build_order();
    return borrowed(Value::Kind::Object, node);
  }

  const std::uint64_t* tape_;
  const std::uint8_t* strings_;
  char* block_ = nullptr;
  char* cursor_ = nullptr;
};

Value build_parsed_document(const std::uint64_t* tape, const std::uint8_t* strings,
                            std::size_t& depth) {
  return DocumentBuilder::build(tape, strings, depth);
}

}  // namespace baton::json
