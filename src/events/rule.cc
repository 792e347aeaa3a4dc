#include "events/rule.h"

#include <algorithm>
#include <utility>

namespace baton::events {

namespace {

// The leaves one field may take in a branch: those matching one of its patterns.
using Candidates = std::vector<const FlatEvent::Leaf*>;

bool any_pattern_matches(const FieldPattern& field, const json::Value& value) {
  return std::any_of(field.patterns.begin(), field.patterns.end(),
                     [&value](const ValuePattern& p) { return matches(p, value); });
}

bool accepts_absence(const FieldPattern& field) {
  return std::any_of(field.patterns.begin(), field.patterns.end(), [](const ValuePattern& p) {
    const auto* exists = std::get_if<ExistsPattern>(&p);
    return exists != nullptr && !exists->present;
  });
}

// Picks one leaf per field, each compatible with those picked before it.
bool pick(const FlatEvent& event, std::span<const Candidates> fields,
          std::vector<const FlatEvent::Leaf*>& picked) {
  if (fields.empty()) return true;
  for (const FlatEvent::Leaf* leaf : fields.front()) {
    bool fits = std::all_of(picked.begin(), picked.end(), [&](const FlatEvent::Leaf* other) {
      return event.compatible(*leaf, *other);
    });
    if (!fits) continue;
    picked.push_back(leaf);
    if (pick(event, fields.subspan(1), picked)) return true;
    picked.pop_back();
  }
  return false;
}

bool branch_matches(const Branch& branch, const FlatEvent& event) {
  std::vector<Candidates> fields;  // the fields whose matching leaves all sit in arrays
  for (const FieldPattern& field : branch.fields) {
    std::span<const FlatEvent::Leaf> leaves = event.leaves(field.path);
    if (leaves.empty()) {
      if (accepts_absence(field)) continue;  // satisfied, and binds no array element
      return false;
    }
    Candidates candidates;
    bool outside_arrays = false;
    for (const FlatEvent::Leaf& leaf : leaves) {
      if (!any_pattern_matches(field, leaf.value)) continue;
      // A leaf in no array goes with any other: the field needs no search.
      if (leaf.step_count == 0) {
        outside_arrays = true;
        break;
      }
      candidates.push_back(&leaf);
    }
    if (outside_arrays) continue;
    if (candidates.empty()) return false;
    fields.push_back(std::move(candidates));
  }
  if (fields.empty()) return true;
  // Fewest choices first: the search narrows soonest.
  std::sort(fields.begin(), fields.end(),
            [](const Candidates& a, const Candidates& b) { return a.size() < b.size(); });
  std::vector<const FlatEvent::Leaf*> picked;
  return pick(event, fields, picked);
}

}  // namespace

Rule::Rule(std::vector<Branch> branches) : branches_(std::move(branches)) {
  for (const Branch& branch : branches_) {
    for (const FieldPattern& field : branch.fields) {
      for (std::size_t dot = field.path.find('.'); dot != std::string::npos;
           dot = field.path.find('.', dot + 1)) {
        read_paths_.push_back(field.path.substr(0, dot));
      }
      read_paths_.push_back(field.path);
    }
  }
  std::sort(read_paths_.begin(), read_paths_.end());
  read_paths_.erase(std::unique(read_paths_.begin(), read_paths_.end()), read_paths_.end());
}

bool Rule::matches(const FlatEvent& event) const {
  if (branches_.empty()) return true;
  return std::any_of(branches_.begin(), branches_.end(),
                     [&event](const Branch& branch) { return branch_matches(branch, event); });
}

}  // namespace baton::events
