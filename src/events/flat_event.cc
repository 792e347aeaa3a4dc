#include "events/flat_event.h"

#include <algorithm>
#include <utility>

namespace baton::events {

bool FlatEvent::wanted(std::string_view path, std::span<const std::string> paths) const {
  return every_path_ || std::binary_search(paths.begin(), paths.end(), path, std::less<>());
}

FlatEvent FlatEvent::of_object(const json::Value& object, std::span<const std::string> paths) {
  FlatEvent event;
  for (const json::Member& member : object.members()) {
    // Most members are not wanted: decide before building a path.
    if (!event.wanted(member.name(), paths)) continue;
    std::string path(member.name());
    event.walk(path, member.value, paths);
  }
  return event;
}

FlatEvent FlatEvent::of_whole_object(const json::Value& object) {
  FlatEvent event;
  event.every_path_ = true;
  for (const json::Member& member : object.members()) {
    event.add(std::string(member.name()), member.value, {});
  }
  return event;
}

void FlatEvent::add(std::string path, const json::Value& value,
                    std::span<const std::string> paths) {
  if (!wanted(path, paths)) return;
  walk(path, value, paths);
}

void FlatEvent::walk(std::string& path, const json::Value& value,
                     std::span<const std::string> paths) {
  if (value.is_array()) {
    std::uint32_t array = arrays_++;
    std::uint32_t index = 0;
    for (const json::Value& item : value.as_array()) {
      trail_.push_back(Step{array, index++});
      walk(path, item, paths);
      trail_.pop_back();
    }
    return;
  }
  if (value.is_object()) {
    std::size_t length = path.size();
    for (const json::Member& member : value.members()) {
      path.append(".").append(member.name());
      if (wanted(path, paths)) walk(path, member.value, paths);
      path.resize(length);
    }
    return;
  }
  Leaf leaf{value, static_cast<std::uint32_t>(steps_.size()),
            static_cast<std::uint32_t>(trail_.size())};
  steps_.insert(steps_.end(), trail_.begin(), trail_.end());
  auto found = leaves_.find(path);
  if (found == leaves_.end()) found = leaves_.emplace(path, std::vector<Leaf>{}).first;
  found->second.push_back(std::move(leaf));
}

std::span<const FlatEvent::Leaf> FlatEvent::leaves(std::string_view path) const {
  auto found = leaves_.find(path);
  if (found == leaves_.end()) return {};
  return found->second;
}

bool FlatEvent::compatible(const Leaf& a, const Leaf& b) const {
  // Trails run from the outermost array in. Two leaves share an array only through a common
  // ancestor, so the arrays they share are the start of both trails.
  std::uint32_t shared = std::min(a.step_count, b.step_count);
  for (std::uint32_t i = 0; i < shared; ++i) {
    const Step& x = steps_[a.first_step + i];
    const Step& y = steps_[b.first_step + i];
    if (x.array != y.array) return true;
    if (x.index != y.index) return false;
  }
  return true;
}

}  // namespace baton::events
