#include "events/wildcard.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

namespace baton::events {

namespace {

constexpr int kStar = -1;
constexpr int kOtherByte = 256;  // stands for every byte no literal transition names

// One state of the byte machine the rule engine builds for a field's wildcard patterns: the
// bytes before a pattern's first star are a trie the patterns share; from the first star on,
// each pattern has states of its own.
struct State {
  std::vector<std::pair<int, std::uint32_t>> literal;  // byte -> next state
  std::vector<std::uint32_t> any;                      // entered on every byte
  std::vector<std::pair<int, std::uint32_t>> child;    // the shared trie: byte -> next state
  std::uint32_t star = 0;                              // the shared star after a trie state
  std::size_t weight = 0;                              // patterns whose path passes here
};

// The bytes the rule engine walks for a pattern: its value in quotes, stars apart.
std::vector<int> tokens(const Wildcard& wildcard) {
  std::vector<int> out{'"'};
  bool first = true;
  for (const std::string& piece : wildcard.pieces()) {
    if (!first) out.push_back(kStar);
    first = false;
    for (char c : piece) out.push_back(static_cast<unsigned char>(c));
  }
  out.push_back('"');
  return out;
}

std::uint32_t find(const std::vector<std::pair<int, std::uint32_t>>& edges, int byte) {
  for (const auto& [b, next] : edges) {
    if (b == byte) return next;
  }
  return 0;
}

std::uint32_t add_state(std::vector<State>& states) {
  states.emplace_back();
  return static_cast<std::uint32_t>(states.size() - 1);
}

void add_pattern(std::vector<State>& states, const std::vector<int>& bytes) {
  std::uint32_t current = 0;
  std::uint32_t previous = 0;
  bool shared = true;  // still in the trie before the first star
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::uint32_t next = 0;
    if (bytes[i] == kStar) {
      next = shared ? states[current].star : 0;
      if (next == 0) {
        next = add_state(states);
        states[current].any.push_back(next);
        states[next].any.push_back(next);
        if (shared) states[current].star = next;
      }
      shared = false;
    } else if (shared) {
      next = find(states[current].child, bytes[i]);
      if (next == 0) {
        next = add_state(states);
        states[current].child.emplace_back(bytes[i], next);
        states[current].literal.emplace_back(bytes[i], next);
      }
    } else {
      next = add_state(states);
      states[current].literal.emplace_back(bytes[i], next);
      // A star may match nothing: the byte after it also leads on from the state before it.
      if (bytes[i - 1] == kStar) states[previous].literal.emplace_back(bytes[i], next);
    }
    ++states[next].weight;
    previous = current;
    current = next;
  }
}

}  // namespace

Expected<Wildcard, std::string> Wildcard::parse(std::string_view text) {
  Wildcard wildcard;
  wildcard.pieces_.emplace_back();
  for (std::size_t i = 0; i < text.size(); ++i) {
    // The rule engine counts positions in the value with its opening quote.
    std::size_t pos = i + 1;
    if (text[i] == '*') {
      if (i + 1 < text.size() && text[i + 1] == '*') {
        return Unexpected<std::string>("Consecutive wildcard characters at pos " +
                                       std::to_string(pos));
      }
      wildcard.pieces_.emplace_back();
    } else if (text[i] == '\\') {
      if (i + 1 >= text.size() || (text[i + 1] != '*' && text[i + 1] != '\\')) {
        return Unexpected<std::string>("Invalid escape character at pos " + std::to_string(pos));
      }
      wildcard.pieces_.back().push_back(text[++i]);
    } else {
      wildcard.pieces_.back().push_back(text[i]);
    }
  }
  return wildcard;
}

bool Wildcard::matches(std::string_view value) const {
  if (pieces_.size() == 1) return value == pieces_.front();
  const std::string& first = pieces_.front();
  const std::string& last = pieces_.back();
  if (value.size() < first.size() + last.size()) return false;
  if (!value.starts_with(first) || !value.ends_with(last)) return false;
  std::string_view middle = value.substr(first.size(), value.size() - first.size() - last.size());
  for (std::size_t i = 1; i + 1 < pieces_.size(); ++i) {
    std::size_t at = middle.find(pieces_[i]);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + pieces_[i].size());
  }
  return true;
}

std::size_t wildcard_complexity(std::span<const Wildcard* const> wildcards, std::size_t cap) {
  std::vector<State> states(1);
  std::set<std::vector<int>> distinct;  // the same pattern twice is one pattern
  for (const Wildcard* wildcard : wildcards) {
    std::vector<int> bytes = tokens(*wildcard);
    if (distinct.insert(bytes).second) add_pattern(states, bytes);
  }
  std::vector<int> alphabet{kOtherByte};
  for (const State& state : states) {
    for (const auto& [byte, next] : state.literal) alphabet.push_back(byte);
  }
  std::sort(alphabet.begin(), alphabet.end());
  alphabet.erase(std::unique(alphabet.begin(), alphabet.end()), alphabet.end());

  // Walk every set of states some value can leave the machine in; a set's measure is the
  // patterns its states lead to, and those of the star states they enter on any next byte.
  std::set<std::vector<std::uint32_t>> seen;
  std::vector<std::vector<std::uint32_t>> pending{{0}};
  std::size_t worst = 0;
  while (!pending.empty()) {
    std::vector<std::uint32_t> active = std::move(pending.back());
    pending.pop_back();
    for (int byte : alphabet) {
      std::vector<std::uint32_t> next;
      for (std::uint32_t id : active) {
        next.insert(next.end(), states[id].any.begin(), states[id].any.end());
        for (const auto& [b, to] : states[id].literal) {
          if (b == byte) next.push_back(to);
        }
      }
      if (next.empty()) continue;
      std::sort(next.begin(), next.end());
      next.erase(std::unique(next.begin(), next.end()), next.end());
      std::size_t measure = 0;
      for (std::uint32_t id : next) {
        measure += states[id].weight;
        for (std::uint32_t star : states[id].any) {
          if (!std::binary_search(next.begin(), next.end(), star)) measure += states[star].weight;
        }
      }
      if (measure > cap) return measure;
      worst = std::max(worst, measure);
      if (seen.insert(next).second) pending.push_back(std::move(next));
    }
  }
  return worst;
}

}  // namespace baton::events
