// PatternIndex (events/event_pattern.h): patterns filed under the exact values one required
// envelope field must take, so an event is tested only against the patterns its own values
// can satisfy.

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "events/event_pattern.h"
#include "events/flat_event.h"

namespace baton::events {

namespace {

// The fields a pattern may be filed under, in order of preference: nearly every pattern names
// its source, and the values are few and exact.
constexpr std::array<std::string_view, 2> kKeyFields = {"source", "detail-type"};
constexpr int kUnkeyed = -1;

struct Slot;

// Lets the value maps be searched with a string_view.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};
using ByValue =
    std::unordered_map<std::string, std::vector<const Slot*>, TextHash, std::equal_to<>>;

struct Slot {
  std::string id;
  EventPattern pattern;
  int key_field = kUnkeyed;         // index into kKeyFields
  std::vector<std::string> values;  // the exact values filed under
};

// The exact string values `path` must take in every branch of `rule`, or nullopt when some
// branch lets it take another value (or none).
std::optional<std::vector<std::string>> required_values(const Rule& rule, std::string_view path) {
  if (rule.branches().empty()) return std::nullopt;
  std::vector<std::string> values;
  for (const Branch& branch : rule.branches()) {
    auto field = std::find_if(branch.fields.begin(), branch.fields.end(),
                              [path](const FieldPattern& f) { return f.path == path; });
    if (field == branch.fields.end()) return std::nullopt;
    for (const ValuePattern& pattern : field->patterns) {
      const auto* exact = std::get_if<ExactPattern>(&pattern);
      // An address literal also matches other writings of the address: not one exact value.
      if (exact == nullptr || !exact->value.is_string() || exact->address) return std::nullopt;
      values.emplace_back(exact->value.as_string());
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

struct PatternIndex::Impl {
  std::unordered_map<std::string, std::unique_ptr<Slot>> slots;
  std::array<ByValue, kKeyFields.size()> keyed;
  std::vector<const Slot*> unkeyed;
  std::map<std::string, std::size_t, std::less<>> path_uses;  // every read path, with its users
  std::vector<std::string> read_paths;                        // path_uses' keys, sorted

  void file(const Slot& slot) {
    if (slot.key_field == kUnkeyed) {
      unkeyed.push_back(&slot);
    } else {
      for (const std::string& value : slot.values) {
        keyed[static_cast<std::size_t>(slot.key_field)][value].push_back(&slot);
      }
    }
    for (const std::string& path : slot.pattern.rule().read_paths()) ++path_uses[path];
    refresh_paths();
  }

  void unfile(const Slot& slot) {
    auto drop = [&slot](std::vector<const Slot*>& list) {
      list.erase(std::remove(list.begin(), list.end(), &slot), list.end());
    };
    if (slot.key_field == kUnkeyed) {
      drop(unkeyed);
    } else {
      auto& by_value = keyed[static_cast<std::size_t>(slot.key_field)];
      for (const std::string& value : slot.values) {
        auto found = by_value.find(value);
        drop(found->second);
        if (found->second.empty()) by_value.erase(found);
      }
    }
    for (const std::string& path : slot.pattern.rule().read_paths()) {
      auto found = path_uses.find(path);
      if (--found->second == 0) path_uses.erase(found);
    }
    refresh_paths();
  }

  void refresh_paths() {
    read_paths.clear();
    for (const auto& [path, uses] : path_uses) read_paths.push_back(path);
  }
};

PatternIndex::PatternIndex() : impl_(std::make_unique<Impl>()) {}
PatternIndex::~PatternIndex() = default;
PatternIndex::PatternIndex(PatternIndex&&) noexcept = default;
PatternIndex& PatternIndex::operator=(PatternIndex&&) noexcept = default;

void PatternIndex::put(const std::string& id, EventPattern pattern) {
  erase(id);
  auto slot = std::make_unique<Slot>(Slot{id, std::move(pattern), kUnkeyed, {}});
  for (std::size_t i = 0; i < kKeyFields.size(); ++i) {
    std::optional<std::vector<std::string>> values =
        required_values(slot->pattern.rule(), kKeyFields[i]);
    if (values) {
      slot->key_field = static_cast<int>(i);
      slot->values = std::move(*values);
      break;
    }
  }
  impl_->file(*slot);
  impl_->slots.emplace(id, std::move(slot));
}

void PatternIndex::erase(const std::string& id) {
  auto found = impl_->slots.find(id);
  if (found == impl_->slots.end()) return;
  impl_->unfile(*found->second);
  impl_->slots.erase(found);
}

std::size_t PatternIndex::size() const { return impl_->slots.size(); }

void PatternIndex::matching(const json::Value& event,
                            const std::function<void(const std::string& id)>& found) const {
  if (!event.is_object() || impl_->slots.empty()) return;
  FlatEvent flat = FlatEvent::of_object(event, impl_->read_paths);
  auto test = [&](const Slot* slot) {
    if (slot->pattern.matches(flat)) found(slot->id);
  };
  for (std::size_t i = 0; i < kKeyFields.size(); ++i) {
    const auto& by_value = impl_->keyed[i];
    if (by_value.empty()) continue;
    std::span<const FlatEvent::Leaf> leaves = flat.leaves(kKeyFields[i]);
    // An event whose key field is an array may reach one pattern through two of its values.
    std::vector<const Slot*> tested;
    for (const FlatEvent::Leaf& leaf : leaves) {
      if (!leaf.value.is_string()) continue;
      auto candidates = by_value.find(leaf.value.as_string());
      if (candidates == by_value.end()) continue;
      for (const Slot* slot : candidates->second) {
        if (leaves.size() > 1) {
          if (std::find(tested.begin(), tested.end(), slot) != tested.end()) continue;
          tested.push_back(slot);
        }
        test(slot);
      }
    }
  }
  for (const Slot* slot : impl_->unkeyed) test(slot);
}

}  // namespace baton::events
