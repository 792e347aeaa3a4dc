#pragma once

// A message of a queue and how the store keeps it: one entry of the queue's space, its key the
// big-endian sequence number (so a space reads back in the order messages were sent), its value
// a compact binary encoding of the message and its receive state. Pure; no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"

namespace baton::service::sqs {

struct Message {
  std::uint64_t sequence = 0;  // the entry's key; FIFO's SequenceNumber is made from it
  std::string id;              // MessageId
  std::string body;
  json::Value attributes;          // MessageAttributes: name -> {DataType, StringValue|BinaryValue}
  json::Value system_attributes;   // MessageSystemAttributes (AWSTraceHeader)
  std::string group_id;            // MessageGroupId
  std::string deduplication_id;    // MessageDeduplicationId (FIFO)
  std::string dead_letter_source;  // DeadLetterQueueSourceArn, once moved to a dead-letter queue
  std::int64_t sent_ms = 0;        // SentTimestamp
  std::int64_t first_receive_ms = 0;  // ApproximateFirstReceiveTimestamp; 0 before
  std::int64_t visible_ms = 0;        // receivable from then (delay, visibility timeout)
  std::uint32_t receive_count = 0;    // ApproximateReceiveCount
  std::uint64_t receipt = 0;          // names the latest receive: a receipt handle must carry it
  std::uint32_t size = 0;             // body and attributes, as MaximumMessageSize counts them

  bool in_flight(std::int64_t now_ms) const { return receive_count > 0 && visible_ms > now_ms; }
};

// The store's key of a sequence number: 8 bytes, big-endian.
std::string message_key(std::uint64_t sequence);
std::optional<std::uint64_t> sequence_of_key(std::string_view key);

std::string encode_message(const Message& m);
// nullopt when `value` is no message this encoding wrote.
std::optional<Message> decode_message(std::uint64_t sequence, std::string_view value);

// Attributes (message or system) in the encoding: a count, then per attribute its name, data
// type, and value (raw bytes for Binary types).
void encode_attributes(std::string& out, const json::Value& attributes);

// The bytes MaximumMessageSize counts: the body, and each attribute's name, type and value.
std::uint32_t message_size(std::string_view body, const json::Value& attributes);

}  // namespace baton::service::sqs
