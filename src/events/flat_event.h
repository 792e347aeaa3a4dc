#pragma once

// An event as rules read it: its leaf values (strings, numbers, booleans, null) keyed by dotted
// path, each with the array elements it sits in. {"a": {"b": [1, {"c": 2}]}} has the leaf 1 at
// "a.b" and the leaf 2 at "a.b.c"; a key written with a dot ({"a.b": 1}) reaches the same path
// as nesting does, as AWS reads it. An event is flattened once per rule that reads it, keeping
// only the paths that rule names; one thread builds and reads it.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace baton::events {

class FlatEvent {
 public:
  struct Leaf {
    json::Value value;
    std::uint32_t first_step = 0;  // the array elements holding the leaf, outermost first
    std::uint32_t step_count = 0;
  };

  // The leaves of `object`'s members whose paths are in `paths` (sorted) or lead to one.
  static FlatEvent of_object(const json::Value& object, std::span<const std::string> paths);

  // The leaves of all of `object`'s members, at every path: an event flattened once for many
  // rules (events/event_pattern.h's PatternIndex).
  static FlatEvent of_whole_object(const json::Value& object);

  // Adds `value` under `path`: a scalar is one leaf; each item of an array is a leaf (or more)
  // of the same path, in its own element; an object's members extend the path. Only paths in
  // `paths` (sorted), or leading to one, are kept.
  void add(std::string path, const json::Value& value, std::span<const std::string> paths);

  // The leaves at `path`, in document order; empty when the path is absent.
  std::span<const Leaf> leaves(std::string_view path) const;

  // Whether two leaves can be matched together: wherever both sit in one array, they sit in
  // the same element of it.
  bool compatible(const Leaf& a, const Leaf& b) const;

 private:
  struct Step {
    std::uint32_t array;  // which array of the event
    std::uint32_t index;  // which of its elements
  };

  void walk(std::string& path, const json::Value& value, std::span<const std::string> paths);
  bool wanted(std::string_view path, std::span<const std::string> paths) const;

  std::map<std::string, std::vector<Leaf>, std::less<>> leaves_;
  std::vector<Step> steps_;  // the trails of all leaves, back to back
  std::vector<Step> trail_;  // while walking: the elements above the current value
  std::uint32_t arrays_ = 0;
  bool every_path_ = false;  // keep every path, whatever `paths` says
};

}  // namespace baton::events
