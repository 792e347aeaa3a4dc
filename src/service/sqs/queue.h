#pragma once

// A queue as the service holds it in memory: its settings, its messages and the indexes that
// make receiving O(log n): every message by the time it becomes receivable, FIFO's groups in
// the order of their oldest message, deduplication ids until they expire, and the receivers
// waiting on a long poll. Rebuilt from the store by recovery. Lives on the service thread.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/json.h"
#include "service/service.h"
#include "service/sqs/message.h"
#include "service/sqs/queue_attributes.h"

namespace baton::service::sqs {

// What a ReceiveMessage asked for, read once.
struct ReceiveAsk {
  std::int64_t max_messages = 1;
  std::optional<std::int64_t> visibility_timeout;
  std::vector<std::string> system_attribute_names;   // "All" or names
  std::vector<std::string> message_attribute_names;  // "All", ".*" suffixes or names
  std::string attempt_id;                            // ReceiveRequestAttemptId (FIFO)
};

// A receiver waiting on a long poll.
struct Waiter {
  std::uint64_t id = 0;
  ReceiveAsk ask;
  Reply reply;
  std::function<bool()> abandoned;
  std::string host;
  std::int64_t deadline_ms = 0;
};

// A FIFO message group: its messages' sequence numbers, oldest first.
struct Group {
  std::deque<std::uint64_t> sequences;
};

// What a FIFO queue remembers of a deduplication id.
struct Deduplicated {
  std::int64_t expires_ms = 0;
  std::string message_id;
  std::uint64_t sequence = 0;
};

// A ReceiveRequestAttemptId's answer, for the same receive asked again.
struct Attempt {
  std::int64_t expires_ms = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> received;  // (sequence, receipt)
};

struct Queue {
  std::string name;
  std::string arn;
  std::string space;  // the store's space of its messages
  Attributes attributes;
  QueueSettings settings;
  std::map<std::string, std::string> tags;
  std::int64_t created_ms = 0;
  std::int64_t modified_ms = 0;
  std::int64_t purged_ms = 0;  // the last PurgeQueue (AWS allows one a minute)
  std::uint64_t next_sequence = 1;

  std::map<std::uint64_t, Message> messages;  // by sequence: the order they were sent
  std::set<std::pair<std::int64_t, std::uint64_t>> by_visible;  // (visible_ms, sequence)
  std::unordered_map<std::string, Group> groups;                // FIFO
  std::set<std::pair<std::uint64_t, std::string>> group_heads;  // (oldest sequence, group)
  std::unordered_map<std::string, Deduplicated> deduplicated;   // FIFO, by dedup key
  std::deque<std::pair<std::int64_t, std::string>> dedup_expiry;
  std::unordered_map<std::string, Attempt> attempts;  // FIFO, by ReceiveRequestAttemptId
  std::deque<Waiter> waiters;
  std::int64_t wake_ms = 0;  // when a timer looks at the waiters again; 0 for none

  // Takes in a message (sent, moved, recovered).
  Message& add(Message m);
  // Forgets a message; nothing when there is none.
  void remove(std::uint64_t sequence);
  // Moves when a message can be received next.
  void set_visible(Message& m, std::int64_t visible_ms);
  Message* find(std::uint64_t sequence);

  // Up to `limit` messages receivable at `now`, in the order they are handed out: standard
  // queues by when they became visible, FIFO queues group by group, a group passed over while
  // one of its messages is in flight.
  std::vector<std::uint64_t> receivable(std::int64_t now_ms, std::size_t limit) const;
  // The earliest time after `now` a message becomes receivable (0: none will by itself).
  std::int64_t next_visible_after(std::int64_t now_ms) const;

  struct Counts {
    std::int64_t visible = 0, in_flight = 0, delayed = 0;
  };
  Counts counts(std::int64_t now_ms) const;

  // The key deduplication ids are remembered under (per queue, or per group with
  // DeduplicationScope messageGroup).
  std::string dedup_key(const std::string& group, const std::string& id) const;

 private:
  void update_head(const std::string& group_id, std::uint64_t old_head);
};

}  // namespace baton::service::sqs
