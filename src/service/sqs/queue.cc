// A queue's in-memory indexes.

#include "service/sqs/queue.h"

namespace baton::service::sqs {

Message& Queue::add(Message m) {
  std::uint64_t seq = m.sequence;
  if (seq >= next_sequence) next_sequence = seq + 1;
  by_visible.emplace(m.visible_ms, seq);
  if (settings.fifo) {
    Group& g = groups[m.group_id];
    std::uint64_t old_head = g.sequences.empty() ? 0 : g.sequences.front();
    // Recovery adds in sequence order, sending in increasing order: appending keeps the order.
    g.sequences.push_back(seq);
    if (old_head == 0) group_heads.emplace(seq, m.group_id);
  }
  return messages.insert_or_assign(seq, std::move(m)).first->second;
}

void Queue::update_head(const std::string& group_id, std::uint64_t old_head) {
  auto g = groups.find(group_id);
  group_heads.erase({old_head, group_id});
  if (g == groups.end()) return;
  if (g->second.sequences.empty()) {
    groups.erase(g);
    return;
  }
  group_heads.emplace(g->second.sequences.front(), group_id);
}

void Queue::remove(std::uint64_t sequence) {
  auto it = messages.find(sequence);
  if (it == messages.end()) return;
  Message& m = it->second;
  by_visible.erase({m.visible_ms, sequence});
  if (settings.fifo) {
    auto g = groups.find(m.group_id);
    if (g != groups.end()) {
      auto& seqs = g->second.sequences;
      std::uint64_t old_head = seqs.front();
      if (old_head == sequence) {
        seqs.pop_front();
      } else {
        for (auto s = seqs.begin(); s != seqs.end(); ++s) {
          if (*s == sequence) {
            seqs.erase(s);
            break;
          }
        }
      }
      if (old_head == sequence) update_head(m.group_id, old_head);
    }
  }
  messages.erase(it);
}

void Queue::set_visible(Message& m, std::int64_t visible_ms) {
  by_visible.erase({m.visible_ms, m.sequence});
  m.visible_ms = visible_ms;
  by_visible.emplace(visible_ms, m.sequence);
}

Message* Queue::find(std::uint64_t sequence) {
  auto it = messages.find(sequence);
  return it == messages.end() ? nullptr : &it->second;
}

std::vector<std::uint64_t> Queue::receivable(std::int64_t now_ms, std::size_t limit) const {
  std::vector<std::uint64_t> out;
  if (!settings.fifo) {
    for (auto it = by_visible.begin(); it != by_visible.end() && out.size() < limit; ++it) {
      if (it->first > now_ms) break;
      out.push_back(it->second);
    }
    return out;
  }
  // AWS hands out a FIFO group's messages in order, and none of a group while one is in flight.
  // In-flight messages are always among a group's first ten (a receive takes at most ten, and
  // none while some are in flight).
  for (const auto& [head, group_id] : group_heads) {
    if (out.size() >= limit) break;
    const Group& g = groups.at(group_id);
    bool held = false;
    std::size_t looked = 0;
    for (std::uint64_t s : g.sequences) {
      if (looked++ >= 10) break;
      if (messages.at(s).in_flight(now_ms)) {
        held = true;
        break;
      }
    }
    if (held) continue;
    for (std::uint64_t s : g.sequences) {
      if (out.size() >= limit || messages.at(s).visible_ms > now_ms) break;
      out.push_back(s);
    }
  }
  return out;
}

std::int64_t Queue::next_visible_after(std::int64_t now_ms) const {
  auto it = by_visible.upper_bound({now_ms, UINT64_MAX});
  return it == by_visible.end() ? 0 : it->first;
}

Queue::Counts Queue::counts(std::int64_t now_ms) const {
  Counts c;
  c.visible = static_cast<std::int64_t>(messages.size());
  for (auto it = by_visible.upper_bound({now_ms, UINT64_MAX}); it != by_visible.end(); ++it) {
    const Message& m = messages.at(it->second);
    if (m.receive_count > 0) {
      ++c.in_flight;
    } else {
      ++c.delayed;
    }
  }
  c.visible -= c.in_flight + c.delayed;
  return c;
}

std::string Queue::dedup_key(const std::string& group, const std::string& id) const {
  if (!settings.deduplication_scope_group) return id;
  return group + '\0' + id;
}

}  // namespace baton::service::sqs
