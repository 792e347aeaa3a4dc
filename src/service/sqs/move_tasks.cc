// Message move tasks: a dead-letter queue's messages redriven back to the queues they came from
// (or to one destination), at a rate, in the background.

#include <algorithm>

#include "core/crypto.h"
#include "service/sqs/sqs_service.h"

namespace baton::service::sqs {

namespace {

using json::Value;

std::string_view string_of(const Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

// AWS's default when no rate is given: as fast as it can; here, this many a second.
constexpr std::int64_t kDefaultRate = 500;

Value describe(const MoveTask& t) {
  json::ObjectBuilder out;
  if (t.status == "RUNNING") out.add("TaskHandle", Value::string(t.handle));
  out.add("Status", Value::string(t.status));
  out.add("SourceArn", Value::string(t.source_arn));
  if (!t.destination_arn.empty()) out.add("DestinationArn", Value::string(t.destination_arn));
  if (t.rate > 0) out.add("MaxNumberOfMessagesPerSecond", Value::integer(t.rate));
  out.add("ApproximateNumberOfMessagesMoved", Value::integer(t.moved));
  out.add("ApproximateNumberOfMessagesToMove", Value::integer(t.to_move));
  if (!t.failure.empty()) out.add("FailureReason", Value::string(t.failure));
  out.add("StartedTimestamp", Value::integer(t.started_ms));
  return out.build();
}

}  // namespace

void Sqs::start_message_move_task(const Request& r, Reply reply) {
  std::string source(string_of(r.field("SourceArn")));
  std::string destination(string_of(r.field("DestinationArn")));
  Queue* from = queue_by_arn(source);
  if (from == nullptr) {
    return core.answer(reply, fail("ResourceNotFoundException",
                                   "The resource that you specified for the SourceArn parameter "
                                   "doesn't exist."));
  }
  bool is_dead_letter_queue = false;
  for (const auto& [name, q] : queues) {
    if (q->settings.redrive && q->settings.redrive->dead_letter_target_arn == source) {
      is_dead_letter_queue = true;
    }
  }
  if (!is_dead_letter_queue) {
    return core.answer(reply, fail("InvalidParameterValue",
                                   "Source queue must be configured as a Dead Letter Queue."));
  }
  if (!destination.empty() && queue_by_arn(destination) == nullptr) {
    return core.answer(reply, fail("ResourceNotFoundException",
                                   "The resource that you specified for the DestinationArn "
                                   "parameter doesn't exist."));
  }
  std::int64_t rate = 0;
  if (const Value* v = r.field("MaxNumberOfMessagesPerSecond"); v != nullptr && !v->is_null()) {
    if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > 500) {
      return core.answer(
          reply, fail("InvalidParameterValue", "Value " + json::to_string(*v) +
                                                   " for parameter MaxNumberOfMessagesPerSecond is "
                                                   "invalid. Reason: Must be between 1 and 500."));
    }
    rate = v->as_int64();
  }
  for (const MoveTask& t : move_tasks) {
    if (t.source_arn == source && t.status == "RUNNING") {
      return core.answer(reply, fail("UnsupportedOperation",
                                     "There is already a task running. Only one active task is "
                                     "allowed for a source queue arn at a given time."));
    }
  }
  MoveTask t;
  t.id = uuid_v4(random);
  t.handle = crypto::base64_encode(json::to_string(json::ObjectBuilder()
                                                       .add("taskId", Value::string(t.id))
                                                       .add("sourceArn", Value::string(source))
                                                       .build()));
  t.source_arn = source;
  t.destination_arn = destination;
  t.rate = rate;
  t.started_ms = core.now_ms();
  t.to_move = static_cast<std::int64_t>(from->messages.size());
  t.last_sequence = from->next_sequence - 1;
  move_tasks.push_back(t);
  std::string id = t.id;
  core.at(core.now_ms(), [this, id] { advance_move_task(id); });
  core.answer(reply, json::ObjectBuilder().add("TaskHandle", Value::string(t.handle)).build());
}

void Sqs::advance_move_task(const std::string& id) {
  auto t = std::find_if(move_tasks.begin(), move_tasks.end(),
                        [&](const MoveTask& m) { return m.id == id; });
  if (t == move_tasks.end() || t->status != "RUNNING") return;
  Queue* from = queue_by_arn(t->source_arn);
  if (from == nullptr) {
    t->status = "FAILED";
    t->failure = "AWS.SimpleQueueService.NonExistentQueue";
    return;
  }
  std::int64_t now = core.now_ms();
  std::int64_t budget = t->rate > 0 ? t->rate : kDefaultRate;
  std::vector<std::uint64_t> chosen;
  for (auto it = from->messages.begin();
       it != from->messages.end() && it->first <= t->last_sequence &&
       static_cast<std::int64_t>(chosen.size()) < budget;
       ++it) {
    if (!it->second.in_flight(now)) chosen.push_back(it->first);
  }
  for (std::uint64_t seq : chosen) {
    Message* m = from->find(seq);
    Queue* to =
        queue_by_arn(t->destination_arn.empty() ? m->dead_letter_source : t->destination_arn);
    if (to == nullptr || to == from) continue;
    Message moved = *m;
    moved.dead_letter_source.clear();
    moved.receive_count = 0;
    moved.first_receive_ms = 0;
    stage_delete(*from, seq);
    from->remove(seq);
    take_in(*to, std::move(moved));
    ++t->moved;
  }
  bool left = false;
  for (auto it = from->messages.begin();
       it != from->messages.end() && it->first <= t->last_sequence; ++it) {
    Queue* to = queue_by_arn(t->destination_arn.empty() ? it->second.dead_letter_source
                                                        : t->destination_arn);
    if (to != nullptr && to != from) {
      left = true;
      break;
    }
  }
  if (!left) {
    t->status = "COMPLETED";
    return;
  }
  core.at(now + 1000, [this, id] { advance_move_task(id); });
}

void Sqs::cancel_message_move_task(const Request& r, Reply reply) {
  std::string handle(string_of(r.field("TaskHandle")));
  auto t = std::find_if(move_tasks.begin(), move_tasks.end(),
                        [&](const MoveTask& m) { return m.handle == handle; });
  if (t == move_tasks.end() || t->status != "RUNNING") {
    return core.answer(reply, fail("ResourceNotFoundException",
                                   "Task does not exist or is not running: " + handle));
  }
  t->status = "CANCELLED";
  core.answer(reply, json::ObjectBuilder()
                         .add("ApproximateNumberOfMessagesMoved", Value::integer(t->moved))
                         .build());
}

void Sqs::list_message_move_tasks(const Request& r, Reply reply) {
  std::string source(string_of(r.field("SourceArn")));
  if (queue_by_arn(source) == nullptr) {
    return core.answer(reply, fail("ResourceNotFoundException",
                                   "The resource that you specified for the SourceArn parameter "
                                   "doesn't exist."));
  }
  std::int64_t max = 1;
  if (const Value* v = r.field("MaxResults"); v != nullptr && !v->is_null()) {
    if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > 10) {
      return core.answer(reply, fail("InvalidParameterValue",
                                     "Value " + json::to_string(*v) +
                                         " for parameter MaxResults is invalid. Reason: Must be "
                                         "between 1 and 10."));
    }
    max = v->as_int64();
  }
  std::vector<Value> results;
  for (auto it = move_tasks.rbegin();
       it != move_tasks.rend() && static_cast<std::int64_t>(results.size()) < max; ++it) {
    if (it->source_arn == source) results.push_back(describe(*it));
  }
  core.answer(reply,
              json::ObjectBuilder().add("Results", Value::array(std::move(results))).build());
}

}  // namespace baton::service::sqs
