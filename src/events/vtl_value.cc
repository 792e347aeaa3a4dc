#include "events/vtl_value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "events/vtl.h"

namespace baton::events::vtl {

Value* MapObject::find(std::string_view key) {
  for (auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

const Value* MapObject::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value Heap::new_string(std::string s) {
  string_bytes_ += s.size();
  if (s.size() > kMaxOutputBytes || string_bytes_ > kMaxStringBytes) {
    if (!exhausted) {
      exhausted = s.size() > kMaxOutputBytes
                      ? "a string longer than " + std::to_string(kMaxOutputBytes) + " bytes"
                      : "strings built adding up to more than " + std::to_string(kMaxStringBytes) +
                            " bytes";
    }
    s.clear();
  }
  Value v;
  v.kind = Kind::String;
  v.string = std::make_shared<const std::string>(std::move(s));
  return v;
}

Value Heap::new_list(std::vector<Value> items) {
  add_cells(items.size() + 1);
  lists_.push_back(ListObject{std::move(items)});
  return Value::of_kind(Kind::List, static_cast<std::uint32_t>(lists_.size() - 1));
}

Value Heap::new_map() {
  add_cells(1);
  maps_.emplace_back();
  return Value::of_kind(Kind::Map, static_cast<std::uint32_t>(maps_.size() - 1));
}

Value Heap::new_scope(ForeachScope scope) {
  add_cells(1);
  scopes_.push_back(scope);
  return Value::of_kind(Kind::Foreach, static_cast<std::uint32_t>(scopes_.size() - 1));
}

Value Heap::new_block(const NodeList* nodes) {
  add_cells(1);
  blocks_.push_back(nodes);
  return Value::of_kind(Kind::Block, static_cast<std::uint32_t>(blocks_.size() - 1));
}

void Heap::add_cells(std::size_t n) {
  cells_ += n;
  if (cells_ > kMaxCells && !exhausted) {
    exhausted = "more than " + std::to_string(kMaxCells) + " list items and map entries";
  }
}

Value Heap::put(const Value& map, std::string key, Value value) {
  MapObject& object = maps_[map.ref];
  if (Value* present = object.find(key)) return std::exchange(*present, std::move(value));
  add_cells(1);
  object.entries.emplace_back(std::move(key), std::move(value));
  return Value();
}

Value Heap::from_json(const json::Value& json) {
  switch (json.type()) {
    case json::Type::Null:
      return Value();
    case json::Type::Boolean:
      return Value::of_bool(json.as_bool());
    case json::Type::Number:
      if (json.is_int64()) return Value::of_int(json.as_int64());
      return Value::of_double(json.as_double());
    case json::Type::String:
      return new_string(std::string(json.as_string()));
    case json::Type::Array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const json::Value& item : json.as_array()) items.push_back(from_json(item));
      return new_list(std::move(items));
    }
    case json::Type::Object: {
      Value map = new_map();
      add_cells(json.size());
      std::vector<std::pair<std::string, Value>> entries;
      entries.reserve(json.size());
      for (const json::Member& member : json.members()) {
        entries.emplace_back(std::string(member.name()), from_json(member.value));
      }
      maps_[map.ref].entries = std::move(entries);
      return map;
    }
  }
  return Value();
}

json::Value Heap::to_json(const Value& value, std::size_t depth) {
  if (depth > json::kMaxDepth) {
    if (!exhausted)
      exhausted = "a list or map nested deeper than the JSON limit (does it hold itself?)";
    return json::Value();
  }
  switch (value.kind) {
    case Kind::Null:
      return json::Value();
    case Kind::Boolean:
      return json::Value::boolean(value.boolean);
    case Kind::Integer:
      return json::Value::integer(value.integer);
    case Kind::Double:
      return std::isfinite(value.number) ? json::Value::number(value.number)
                                         : json::Value::string(java_double(value.number));
    case Kind::String:
      return json::Value::string(value.text());
    case Kind::List: {
      std::vector<json::Value> items;
      for (std::size_t i = 0; i < lists_[value.ref].items.size(); ++i) {
        items.push_back(to_json(lists_[value.ref].items[i], depth + 1));
      }
      return json::Value::array(std::move(items));
    }
    case Kind::Map: {
      json::ObjectBuilder builder;
      for (std::size_t i = 0; i < maps_[value.ref].entries.size(); ++i) {
        const auto& [key, item] = maps_[value.ref].entries[i];
        builder.add(key, to_json(item, depth + 1));
      }
      return builder.build();
    }
    case Kind::Input:
    case Kind::Util:
    case Kind::Foreach:
    case Kind::Block: {
      std::string text;
      append_text(value, text, depth);
      return json::Value::string(text);
    }
  }
  return json::Value();
}

void Heap::append_text(const Value& value, std::string& out, std::size_t depth) {
  if (depth > json::kMaxDepth || out.size() > kMaxOutputBytes) {
    if (!exhausted) exhausted = "text longer than " + std::to_string(kMaxOutputBytes) + " bytes";
    return;
  }
  switch (value.kind) {
    case Kind::Null:
      out += "null";
      return;
    case Kind::Boolean:
      out += value.boolean ? "true" : "false";
      return;
    case Kind::Integer:
      out += std::to_string(value.integer);
      return;
    case Kind::Double:
      out += java_double(value.number);
      return;
    case Kind::String:
      out += value.text();
      return;
    case Kind::List: {
      out += '[';
      for (std::size_t i = 0; i < lists_[value.ref].items.size() && !exhausted; ++i) {
        if (i > 0) out += ", ";
        append_text(lists_[value.ref].items[i], out, depth + 1);
      }
      out += ']';
      return;
    }
    case Kind::Map: {
      out += '{';
      for (std::size_t i = 0; i < maps_[value.ref].entries.size() && !exhausted; ++i) {
        if (i > 0) out += ", ";
        out += maps_[value.ref].entries[i].first;
        out += '=';
        append_text(maps_[value.ref].entries[i].second, out, depth + 1);
      }
      out += '}';
      return;
    }
    case Kind::Input:
      out += "$input";
      return;
    case Kind::Util:
      out += "$util";
      return;
    case Kind::Foreach:
      out += "$foreach";
      return;
    case Kind::Block:
      return;
  }
}

bool Heap::java_equals(const Value& a, const Value& b, std::size_t depth) {
  if (depth > json::kMaxDepth) return false;
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::Null:
      return true;
    case Kind::Boolean:
      return a.boolean == b.boolean;
    case Kind::Integer:
      return a.integer == b.integer;
    case Kind::Double:
      return a.number == b.number;
    case Kind::String:
      return a.text() == b.text();
    case Kind::List: {
      if (a.ref == b.ref) return true;
      const auto& x = lists_[a.ref].items;
      const auto& y = lists_[b.ref].items;
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!java_equals(x[i], y[i], depth + 1)) return false;
      }
      return true;
    }
    case Kind::Map: {
      if (a.ref == b.ref) return true;
      const MapObject& x = maps_[a.ref];
      const MapObject& y = maps_[b.ref];
      if (x.entries.size() != y.entries.size()) return false;
      for (const auto& [key, item] : x.entries) {
        const Value* other = y.find(key);
        if (other == nullptr || !java_equals(item, *other, depth + 1)) return false;
      }
      return true;
    }
    case Kind::Input:
    case Kind::Util:
      return true;
    case Kind::Foreach:
    case Kind::Block:
      return a.ref == b.ref;
  }
  return false;
}

std::string java_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::scientific);
  std::string_view sci(buffer, static_cast<std::size_t>(end - buffer));  // -d.ddde+XX
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = negative ? "-" : "";
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      std::size_t whole = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() < whole) digits.append(whole - digits.size(), '0');
      out += digits.substr(0, whole);
      out += '.';
      out += digits.size() > whole ? digits.substr(whole) : "0";
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += 'E';
  out += std::to_string(exponent);
  return out;
}

std::string_view type_name(const Value& v) {
  switch (v.kind) {
    case Kind::Null:
      return "null";
    case Kind::Boolean:
      return "Boolean";
    case Kind::Integer:
      return "Integer";
    case Kind::Double:
      return "Double";
    case Kind::String:
      return "String";
    case Kind::List:
      return "List";
    case Kind::Map:
      return "Map";
    case Kind::Input:
      return "$input";
    case Kind::Util:
      return "$util";
    case Kind::Foreach:
      return "$foreach";
    case Kind::Block:
      return "#define block";
  }
  return "value";
}

}  // namespace baton::events::vtl
