#pragma once

// The SQS service's state and operations. Internal to sqs/; it lives on the service thread.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/random.h"
#include "service/core.h"
#include "service/request.h"
#include "service/sqs/queue.h"

namespace baton::service::sqs {

// A message move task (StartMessageMoveTask), kept in memory: a restart ends it.
struct MoveTask {
  std::string id;
  std::string handle;
  std::string status = "RUNNING";  // RUNNING, COMPLETED, CANCELLED, FAILED
  std::string source_arn;
  std::string destination_arn;  // "": each message back to the queue it came from
  std::int64_t rate = 0;        // MaxNumberOfMessagesPerSecond; 0 when not given
  std::int64_t moved = 0;
  std::int64_t to_move = 0;
  std::int64_t started_ms = 0;
  std::uint64_t last_sequence = 0;  // messages after it arrived after the start: not moved
  std::string failure;
};

struct Sqs final : EmulatedService {
  explicit Sqs(Core& c);

  std::string_view name() const override { return "sqs"; }
  std::string_view title() const override { return "SQS API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "ServiceUnavailable"; }
  Expected<void, Error> recover() override;
  void tick() override;
  void stop() override;

  // Queues (queues.cc).
  void create_queue(const Request& r, Reply reply);
  void delete_queue(const Request& r, Reply reply);
  void get_queue_url(const Request& r, Reply reply);
  void list_queues(const Request& r, Reply reply);
  void get_queue_attributes(const Request& r, Reply reply);
  void set_queue_attributes(const Request& r, Reply reply);
  void purge_queue(const Request& r, Reply reply);
  void tag_queue(const Request& r, Reply reply);
  void untag_queue(const Request& r, Reply reply);
  void list_queue_tags(const Request& r, Reply reply);
  void list_dead_letter_source_queues(const Request& r, Reply reply);
  void add_permission(const Request& r, Reply reply);
  void remove_permission(const Request& r, Reply reply);

  // Messages (send.cc, receive.cc, acknowledge.cc).
  void send_message(const Request& r, Reply reply);
  void send_message_batch(const Request& r, Reply reply);
  void receive_message(const Request& r, Reply reply);
  void delete_message(const Request& r, Reply reply);
  void delete_message_batch(const Request& r, Reply reply);
  void change_message_visibility(const Request& r, Reply reply);
  void change_message_visibility_batch(const Request& r, Reply reply);

  // Move tasks (move_tasks.cc).
  void start_message_move_task(const Request& r, Reply reply);
  void cancel_message_move_task(const Request& r, Reply reply);
  void list_message_move_tasks(const Request& r, Reply reply);
  // Moves the next second's share of a task's messages.
  void advance_move_task(const std::string& id);

  // --- shared by the files of sqs/ ---
  // The Host the request came to, which the gateway passes as the member "@host" ("" for calls
  // from within baton).
  static std::string host_of(const Request& r);
  std::string queue_arn(std::string_view name) const;
  std::string queue_url(const std::string& host, std::string_view name) const;
  // The queue a QueueUrl names. Errors: QueueDoesNotExist.
  Result<Queue*> queue_of_url(std::string_view url);
  Result<Queue*> requested_queue(const Request& r);
  Queue* queue_by_arn(std::string_view arn);
  Expected<void, Error> check_redrive(const QueueSettings& settings, const std::string& text,
                                      const std::string& source_arn);
  // Writes the queue's resource (attributes, tags, dates).
  void save_queue(const Queue& q);

  // One message sent to `q` (a SendMessage or a batch entry): staged, waiters served.
  Result<json::Value> send_one(Queue& q, const json::Value& entry);
  // Messages received now for `ask` (staging their new receive state).
  json::Value receive_now(Queue& q, const ReceiveAsk& ask);
  // Hands what has become receivable to the receivers waiting on `q`.
  void serve_waiters(Queue& q);
  void schedule_wake(Queue& q);
  // Moves a message received too often to the queue's dead-letter queue.
  bool dead_letter(Queue& q, Message& m);
  // Stages a message's entry as it now is.
  void stage_message(const Queue& q, const Message& m);
  void stage_delete(const Queue& q, std::uint64_t sequence);
  // Sends `m` (from another queue) into `to`, as a new message of `to` keeping its id, body,
  // attributes and sent time.
  void take_in(Queue& to, Message m);
  // ReceiptHandle <-> (sequence, receipt).
  std::string receipt_handle(const Queue& q, const Message& m) const;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> read_receipt_handle(
      const Queue& q, std::string_view handle) const;
  // Expired messages and deduplication ids; runs every second.
  void sweep();

  Core& core;
  const std::vector<Operation> table;
  std::map<std::string, std::unique_ptr<Queue>> queues;  // by name
  std::map<std::string, std::int64_t> deleted;           // name -> when (QueueDeletedRecently)
  std::vector<MoveTask> move_tasks;                      // oldest first
  Random random;
  std::uint64_t next_waiter = 1;
  bool sweeping = false;
};

}  // namespace baton::service::sqs
