// The Java methods templates call on strings, lists, maps, numbers and booleans, and the
// properties they read ($map.key, $foreach.hasNext). A method baton does not have is an error
// that names it, rather than the silent null Velocity would give, so that a template relying
// on one is noticed. Indexes into strings count characters (code points; Java counts UTF-16
// units, which agree for text without characters past U+FFFF).

#include <algorithm>
#include <string>

#include "events/vtl_regex.h"
#include "events/vtl_render.h"

namespace baton::events::vtl {

namespace {

std::u32string decode(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + n > s.size()) n = 1;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += n;
  }
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

std::string ascii_case(std::string s, bool upper) {
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

bool arity(const std::vector<Value>& args, std::size_t n) { return args.size() == n; }

}  // namespace

Unexpected<Error> Renderer::unsupported(const Value& target, const Accessor& accessor,
                                        std::size_t n) {
  return error_at(accessor.position, "the method " + std::string(type_name(target)) + "." +
                                         accessor.name + " with " + std::to_string(n) +
                                         (n == 1 ? " argument" : " arguments") +
                                         " is not supported");
}

Result<std::string> Renderer::string_arg(const Accessor& accessor, std::vector<Value>& args,
                                         std::size_t i) {
  if (args[i].is_null()) {
    return error_at(accessor.position,
                    "argument " + std::to_string(i + 1) + " of " + accessor.name + " is null");
  }
  if (args[i].kind == Kind::String) return args[i].text();
  return text_of(args[i], accessor.position);
}

Result<std::int64_t> Renderer::int_arg(const Accessor& accessor, std::vector<Value>& args,
                                       std::size_t i) {
  if (args[i].kind != Kind::Integer) {
    return error_at(accessor.position, "argument " + std::to_string(i + 1) + " of " +
                                           accessor.name + " must be an integer, not " +
                                           std::string(type_name(args[i])));
  }
  return args[i].integer;
}

Result<Value> Renderer::as_string(const Value& target) {
  auto text = text_of(target, {});
  if (!text) return Unexpected(text.error());
  return heap_.new_string(std::move(*text));
}

Result<Value> Renderer::property(const Value& target, const Accessor& accessor) {
  const std::string& name = accessor.name;
  switch (target.kind) {
    case Kind::Map: {
      const Value* found = heap_.map(target).find(name);
      return found ? *found : Value();
    }
    case Kind::Input:
      if (name == "body") return heap_.new_string(variables_.input.body);
      return Value();
    case Kind::Foreach: {
      const ForeachScope& scope = heap_.scope(target);
      if (name == "hasNext") return Value::of_bool(scope.has_next);
      if (name == "index") return Value::of_int(scope.index);
      if (name == "count") return Value::of_int(scope.index + 1);
      if (name == "first") return Value::of_bool(scope.index == 0);
      if (name == "last") return Value::of_bool(!scope.has_next);
      if (name == "parent") {
        return scope.parent ? Value::of_kind(Kind::Foreach, *scope.parent) : Value();
      }
      return Value();
    }
    case Kind::String:
      if (name == "empty") return Value::of_bool(target.text().empty());
      return Value();
    case Kind::List:
      if (name == "empty") return Value::of_bool(heap_.list(target).items.empty());
      return Value();
    default:
      return Value();
  }
}

Result<Value> Renderer::call_method(const Value& target, const Accessor& accessor,
                                    std::vector<Value>& args) {
  const std::string& name = accessor.name;
  switch (target.kind) {
    case Kind::String:
      return string_method(target, accessor, args);
    case Kind::List:
      return list_method(target, accessor, args);
    case Kind::Map:
      return map_method(target, accessor, args);
    case Kind::Input:
      return input_method(accessor, args);
    case Kind::Util:
      return util_method(accessor, args);
    case Kind::Foreach:
      if (args.empty() && (name == "hasNext" || name == "getHasNext" || name == "isLast" ||
                           name == "getIndex" || name == "getCount" || name == "isFirst")) {
        Accessor as_property = accessor;
        as_property.name = name == "hasNext" || name == "getHasNext" ? "hasNext"
                           : name == "isLast"                        ? "last"
                           : name == "isFirst"                       ? "first"
                           : name == "getIndex"                      ? "index"
                                                                     : "count";
        return property(target, as_property);
      }
      return unsupported(target, accessor, args.size());
    default:
      break;
  }
  // Integer, Double, Boolean, and what every object has.
  if (name == "toString" && args.empty()) return as_string(target);
  if (name == "equals" && arity(args, 1)) return Value::of_bool(heap_.java_equals(target, args[0]));
  if (target.is_number() && args.empty()) {
    if (name == "intValue") {
      return Value::of_int(
          target.kind == Kind::Integer
              ? static_cast<std::int32_t>(target.integer)
              : static_cast<std::int32_t>(std::clamp(target.number, -2147483648.0, 2147483647.0)));
    }
    if (name == "longValue") {
      return Value::of_int(target.kind == Kind::Integer ? target.integer
                                                        : static_cast<std::int64_t>(std::clamp(
                                                              target.number, -9.2e18, 9.2e18)));
    }
    if (name == "doubleValue" || name == "floatValue") return Value::of_double(target.as_double());
  }
  if (target.kind == Kind::Boolean && name == "booleanValue" && args.empty()) return target;
  return unsupported(target, accessor, args.size());
}

Result<Value> Renderer::string_method(const Value& target, const Accessor& accessor,
                                      std::vector<Value>& args) {
  const std::string& s = target.text();
  const std::string& name = accessor.name;
  std::size_t n = args.size();
  auto text = [this](std::string out) { return heap_.new_string(std::move(out)); };
  if (n == 0) {
    if (name == "length") return Value::of_int(static_cast<std::int64_t>(decode(s).size()));
    if (name == "isEmpty") return Value::of_bool(s.empty());
    if (name == "toLowerCase") return text(ascii_case(s, false));
    if (name == "toUpperCase") return text(ascii_case(s, true));
    if (name == "toString") return target;
    if (name == "trim") {
      std::size_t first = 0;
      std::size_t last = s.size();
      while (first < last && static_cast<unsigned char>(s[first]) <= ' ') ++first;
      while (last > first && static_cast<unsigned char>(s[last - 1]) <= ' ') --last;
      return text(s.substr(first, last - first));
    }
    return unsupported(target, accessor, n);
  }
  if (name == "substring" || name == "charAt" || (name == "indexOf" && n == 2)) {
    std::u32string chars = decode(s);
    std::int64_t size = static_cast<std::int64_t>(chars.size());
    if (name == "indexOf") {
      auto needle = string_arg(accessor, args, 0);
      auto from = int_arg(accessor, args, 1);
      if (!needle) return Unexpected(needle.error());
      if (!from) return Unexpected(from.error());
      std::size_t at =
          chars.find(decode(*needle), static_cast<std::size_t>(std::max<std::int64_t>(0, *from)));
      return Value::of_int(at == std::u32string::npos ? -1 : static_cast<std::int64_t>(at));
    }
    auto begin = int_arg(accessor, args, 0);
    if (!begin) return Unexpected(begin.error());
    if (name == "charAt") {
      if (n != 1) return unsupported(target, accessor, n);
      if (*begin < 0 || *begin >= size) {
        return error_at(accessor.position, "charAt(" + std::to_string(*begin) +
                                               ") is out of range for a string of " +
                                               std::to_string(size) + " characters");
      }
      return text(encode(chars.substr(static_cast<std::size_t>(*begin), 1)));
    }
    std::int64_t end = size;
    if (n == 2) {
      auto given = int_arg(accessor, args, 1);
      if (!given) return Unexpected(given.error());
      end = *given;
    } else if (n != 1) {
      return unsupported(target, accessor, n);
    }
    if (*begin < 0 || end > size || *begin > end) {
      return error_at(accessor.position, "substring(" + std::to_string(*begin) + ", " +
                                             std::to_string(end) +
                                             ") is out of range for a string of " +
                                             std::to_string(size) + " characters");
    }
    return text(encode(
        chars.substr(static_cast<std::size_t>(*begin), static_cast<std::size_t>(end - *begin))));
  }
  if (n == 1) {
    if (name == "equals") {
      return Value::of_bool(args[0].kind == Kind::String && args[0].text() == s);
    }
    auto arg = string_arg(accessor, args, 0);
    if (!arg) return Unexpected(arg.error());
    const std::string& a = *arg;
    if (name == "contains") return Value::of_bool(s.find(a) != std::string::npos);
    if (name == "startsWith") return Value::of_bool(s.compare(0, a.size(), a) == 0);
    if (name == "endsWith") {
      return Value::of_bool(s.size() >= a.size() &&
                            s.compare(s.size() - a.size(), a.size(), a) == 0);
    }
    if (name == "equalsIgnoreCase")
      return Value::of_bool(ascii_case(s, false) == ascii_case(a, false));
    if (name == "concat") return text(s + a);
    if (name == "indexOf" || name == "lastIndexOf") {
      std::u32string chars = decode(s);
      std::u32string needle = decode(a);
      std::size_t at = name == "indexOf" ? chars.find(needle) : chars.rfind(needle);
      return Value::of_int(at == std::u32string::npos ? -1 : static_cast<std::int64_t>(at));
    }
    if (name == "matches") {
      auto matched = regex_matches(s, a);
      if (!matched) return error_at(accessor.position, matched.error());
      return Value::of_bool(*matched);
    }
    if (name == "split") {
      auto parts = regex_split(s, a);
      if (!parts) return error_at(accessor.position, parts.error());
      std::vector<Value> items;
      for (std::string& part : *parts) items.push_back(text(std::move(part)));
      return heap_.new_list(std::move(items));
    }
  }
  if (n == 2 && (name == "replace" || name == "replaceAll" || name == "replaceFirst")) {
    auto from = string_arg(accessor, args, 0);
    auto to = string_arg(accessor, args, 1);
    if (!from) return Unexpected(from.error());
    if (!to) return Unexpected(to.error());
    if (name == "replace") {  // every occurrence, literally
      if (from->empty()) return target;
      std::string out;
      std::size_t at = 0;
      for (std::size_t next; (next = s.find(*from, at)) != std::string::npos;
           at = next + from->size()) {
        out.append(s, at, next - at);
        out += *to;
        if (out.size() > kMaxOutputBytes) break;
      }
      out.append(s, std::min(at, s.size()));
      return text(std::move(out));
    }
    auto replaced = regex_replace(s, *from, *to, name == "replaceAll");
    if (!replaced) return error_at(accessor.position, replaced.error());
    return text(std::move(*replaced));
  }
  return unsupported(target, accessor, n);
}

Result<Value> Renderer::list_method(const Value& target, const Accessor& accessor,
                                    std::vector<Value>& args) {
  const std::string& name = accessor.name;
  std::size_t n = args.size();
  auto& items = heap_.list(target).items;
  std::int64_t size = static_cast<std::int64_t>(items.size());
  auto position = [&](std::size_t i, bool end_allowed) -> Result<std::size_t> {
    auto index = int_arg(accessor, args, i);
    if (!index) return Unexpected(index.error());
    if (*index < 0 || *index > size || (*index == size && !end_allowed)) {
      return error_at(accessor.position, name + "(" + std::to_string(*index) +
                                             ") is out of bounds for a list of " +
                                             std::to_string(size) + " items");
    }
    return static_cast<std::size_t>(*index);
  };
  auto find = [&](const Value& v) -> std::int64_t {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (heap_.java_equals(items[i], v)) return static_cast<std::int64_t>(i);
    }
    return -1;
  };
  if (n == 0 && name == "size") return Value::of_int(size);
  if (n == 0 && name == "isEmpty") return Value::of_bool(items.empty());
  if (n == 0 && name == "clear") {
    items.clear();
    return Value();
  }
  if (n == 1 && name == "get") {
    auto i = position(0, false);
    if (!i) return Unexpected(i.error());
    return items[*i];
  }
  if (n == 1 && name == "add") {
    heap_.add_cells(1);
    heap_.list(target).items.push_back(args[0]);
    return Value::of_bool(true);
  }
  if (n == 2 && (name == "add" || name == "set")) {
    auto i = position(0, name == "add");
    if (!i) return Unexpected(i.error());
    heap_.add_cells(1);
    if (name == "set") return std::exchange(items[*i], args[1]);
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(*i), args[1]);
    return Value();
  }
  if (n == 1 && name == "contains") return Value::of_bool(find(args[0]) >= 0);
  if (n == 1 && name == "indexOf") return Value::of_int(find(args[0]));
  if (n == 1 && name == "remove") {
    if (args[0].kind == Kind::Integer) {  // remove(int index), as Java picks for an int
      auto i = position(0, false);
      if (!i) return Unexpected(i.error());
      Value removed = items[*i];
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(*i));
      return removed;
    }
    std::int64_t at = find(args[0]);
    if (at >= 0) items.erase(items.begin() + at);
    return Value::of_bool(at >= 0);
  }
  if (n == 1 && name == "addAll" && args[0].kind == Kind::List) {
    std::vector<Value> more = heap_.list(args[0]).items;
    heap_.add_cells(more.size());
    auto& list = heap_.list(target).items;
    list.insert(list.end(), more.begin(), more.end());
    return Value::of_bool(!more.empty());
  }
  if (n == 0 && name == "toString") return as_string(target);
  if (n == 1 && name == "equals") return Value::of_bool(heap_.java_equals(target, args[0]));
  return unsupported(target, accessor, n);
}

Result<Value> Renderer::map_method(const Value& target, const Accessor& accessor,
                                   std::vector<Value>& args) {
  const std::string& name = accessor.name;
  std::size_t n = args.size();
  auto key_of = [&](std::size_t i) { return text_of(args[i], accessor.position); };
  if (n == 0) {
    auto& entries = heap_.map(target).entries;
    if (name == "size") return Value::of_int(static_cast<std::int64_t>(entries.size()));
    if (name == "isEmpty") return Value::of_bool(entries.empty());
    if (name == "clear") {
      entries.clear();
      return Value();
    }
    if (name == "toString") return as_string(target);
    if (name == "keySet" || name == "values" || name == "entrySet") {
      std::vector<std::pair<std::string, Value>> copy = entries;
      std::vector<Value> items;
      for (auto& [key, value] : copy) {
        if (name == "values") {
          items.push_back(value);
        } else if (name == "keySet") {
          items.push_back(heap_.new_string(key));
        } else {  // entrySet: each entry as a map of key and value ($e.key, $e.value)
          Value entry = heap_.new_map();
          heap_.put(entry, "key", heap_.new_string(key));
          heap_.put(entry, "value", value);
          items.push_back(entry);
        }
      }
      return heap_.new_list(std::move(items));
    }
    return unsupported(target, accessor, n);
  }
  if (n == 1 && (name == "get" || name == "containsKey" || name == "remove")) {
    auto key = key_of(0);
    if (!key) return Unexpected(key.error());
    auto& entries = heap_.map(target).entries;
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const auto& entry) { return entry.first == *key; });
    if (name == "containsKey") return Value::of_bool(it != entries.end());
    if (it == entries.end()) return Value();
    Value found = it->second;
    if (name == "remove") entries.erase(it);
    return found;
  }
  if (n == 2 && name == "getOrDefault") {
    auto key = key_of(0);
    if (!key) return Unexpected(key.error());
    const Value* found = heap_.map(target).find(*key);
    return found ? *found : args[1];
  }
  if (n == 1 && name == "containsValue") {
    for (const auto& entry : heap_.map(target).entries) {
      if (heap_.java_equals(entry.second, args[0])) return Value::of_bool(true);
    }
    return Value::of_bool(false);
  }
  if (n == 2 && name == "put") {
    auto key = key_of(0);
    if (!key) return Unexpected(key.error());
    return heap_.put(target, std::move(*key), args[1]);
  }
  if (n == 1 && name == "putAll" && args[0].kind == Kind::Map) {
    std::vector<std::pair<std::string, Value>> more = heap_.map(args[0]).entries;
    for (auto& [key, value] : more) heap_.put(target, key, value);
    return Value();
  }
  if (n == 1 && name == "equals") return Value::of_bool(heap_.java_equals(target, args[0]));
  return unsupported(target, accessor, n);
}

}  // namespace baton::events::vtl
