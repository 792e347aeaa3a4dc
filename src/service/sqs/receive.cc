// ReceiveMessage: at once, or as a long poll answered the moment a message arrives; and the
// dead-letter queue of messages received too often.

#include <algorithm>

#include "service/sqs/digests.h"
#include "service/sqs/sqs_service.h"

namespace baton::service::sqs {

namespace {

using json::Value;

std::vector<std::string> strings_of(const Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const Value& s : v->as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

bool asked(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (n == "All" || n == name) return true;
  }
  return false;
}

// MessageAttributeNames: "All", ".*", a name, or a prefix "foo.*".
bool attribute_asked(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (n == "All" || n == ".*" || n == name) return true;
    if (n.ends_with(".*") && name.starts_with(std::string_view(n).substr(0, n.size() - 1))) {
      return true;
    }
  }
  return false;
}

const std::vector<std::string_view>& system_attribute_names() {
  static const std::vector<std::string_view> kNames = {
      "All",
      "SenderId",
      "SentTimestamp",
      "ApproximateReceiveCount",
      "ApproximateFirstReceiveTimestamp",
      "SequenceNumber",
      "MessageDeduplicationId",
      "MessageGroupId",
      "AWSTraceHeader",
      "DeadLetterQueueSourceArn",
  };
  return kNames;
}

Unexpected<Error> out_of_range(std::string_view name, const Value& v, std::string_view reason) {
  return fail("InvalidParameterValue", "Value " + json::to_string(v) + " for parameter " +
                                           std::string(name) +
                                           " is invalid. Reason: " + std::string(reason));
}

Result<ReceiveAsk> read_ask(const Request& r) {
  ReceiveAsk ask;
  if (const Value* n = r.field("MaxNumberOfMessages"); n != nullptr && !n->is_null()) {
    if (!n->is_int64() || n->as_int64() < 1 || n->as_int64() > 10) {
      return out_of_range("MaxNumberOfMessages", *n, "Must be between 1 and 10, if provided.");
    }
    ask.max_messages = n->as_int64();
  }
  if (const Value* v = r.field("VisibilityTimeout"); v != nullptr && !v->is_null()) {
    if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > kMaxVisibilityTimeout) {
      return out_of_range("VisibilityTimeout", *v, "Must be >= 0 and <= 43200, if provided.");
    }
    ask.visibility_timeout = v->as_int64();
  }
  ask.system_attribute_names = strings_of(r.field("AttributeNames"));
  for (std::string& n : strings_of(r.field("MessageSystemAttributeNames"))) {
    ask.system_attribute_names.push_back(std::move(n));
  }
  for (const std::string& n : ask.system_attribute_names) {
    if (std::find(system_attribute_names().begin(), system_attribute_names().end(), n) ==
        system_attribute_names().end()) {
      return fail("InvalidAttributeName", "Unknown Attribute " + n + ".");
    }
  }
  ask.message_attribute_names = strings_of(r.field("MessageAttributeNames"));
  if (const Value* a = r.field("ReceiveRequestAttemptId"); a != nullptr && a->is_string()) {
    ask.attempt_id = std::string(a->as_string());
  }
  return ask;
}

}  // namespace

json::Value Sqs::receive_now(Queue& q, const ReceiveAsk& ask) {
  std::int64_t now = core.now_ms();
  std::int64_t visibility = ask.visibility_timeout.value_or(q.settings.visibility_timeout);
  std::vector<Message*> taken;
  // A FIFO receive asked again with its ReceiveRequestAttemptId gets the same messages and
  // handles while they are still in flight.
  if (!ask.attempt_id.empty() && q.settings.fifo) {
    if (auto it = q.attempts.find(ask.attempt_id); it != q.attempts.end()) {
      for (auto [seq, receipt] : it->second.received) {
        Message* m = q.find(seq);
        if (m != nullptr && m->receipt == receipt && m->in_flight(now)) taken.push_back(m);
      }
    }
  }
  bool repeated = !taken.empty();
  while (!repeated && taken.size() < static_cast<std::size_t>(ask.max_messages)) {
    std::vector<std::uint64_t> ready =
        q.receivable(now, static_cast<std::size_t>(ask.max_messages) - taken.size());
    if (ready.empty()) break;
    bool moved = false;
    for (std::uint64_t seq : ready) {
      Message* m = q.find(seq);
      if (m == nullptr) continue;
      if (q.settings.redrive &&
          m->receive_count >= static_cast<std::uint32_t>(q.settings.redrive->max_receive_count) &&
          dead_letter(q, *m)) {
        moved = true;
        continue;
      }
      ++m->receive_count;
      if (m->first_receive_ms == 0) m->first_receive_ms = now;
      m->receipt = random.next_u64() | 1;
      q.set_visible(*m, now + visibility * 1000);
      stage_message(q, *m);
      taken.push_back(m);
    }
    // Messages moved to the dead-letter queue leave room for others; otherwise all were taken.
    if (!moved) break;
  }
  if (!repeated && !ask.attempt_id.empty() && q.settings.fifo && !taken.empty()) {
    Attempt& a = q.attempts[ask.attempt_id];
    a.expires_ms = now + 5 * 60 * 1000;
    a.received.clear();
    for (Message* m : taken) a.received.emplace_back(m->sequence, m->receipt);
  }
  std::vector<Value> messages;
  messages.reserve(taken.size());
  for (Message* m : taken) {
    json::ObjectBuilder out;
    out.add("MessageId", Value::string(m->id));
    out.add("ReceiptHandle", Value::string(receipt_handle(q, *m)));
    out.add("MD5OfBody", Value::string(body_md5(m->body)));
    out.add("Body", Value::string(m->body));
    const auto& names = ask.system_attribute_names;
    if (!names.empty()) {
      json::ObjectBuilder attributes;
      auto add = [&](std::string_view name, std::string value) {
        if (asked(names, name)) attributes.add(name, Value::string(value));
      };
      add("SenderId", core.options.partition.account);
      add("ApproximateFirstReceiveTimestamp", std::to_string(m->first_receive_ms));
      add("ApproximateReceiveCount", std::to_string(m->receive_count));
      add("SentTimestamp", std::to_string(m->sent_ms));
      if (q.settings.fifo) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%020llu",
                      static_cast<unsigned long long>(10000000000000000000ull + m->sequence));
        add("SequenceNumber", buf);
        add("MessageDeduplicationId", m->deduplication_id);
      }
      if (!m->group_id.empty()) add("MessageGroupId", m->group_id);
      if (m->system_attributes.is_object()) {
        if (const Value* trace = m->system_attributes.find("AWSTraceHeader")) {
          if (const Value* v = trace->find("StringValue"); v != nullptr && v->is_string()) {
            add("AWSTraceHeader", std::string(v->as_string()));
          }
        }
      }
      if (!m->dead_letter_source.empty()) add("DeadLetterQueueSourceArn", m->dead_letter_source);
      Value built = attributes.build();
      if (!built.members().empty()) out.add("Attributes", built);
    }
    if (!ask.message_attribute_names.empty() && m->attributes.is_object()) {
      json::ObjectBuilder chosen;
      std::size_t n = 0;
      for (const json::Member& a : m->attributes.members()) {
        if (!attribute_asked(ask.message_attribute_names, a.name())) continue;
        chosen.add(a.name(), a.value);
        ++n;
      }
      if (n > 0) {
        Value built = chosen.build();
        out.add("MD5OfMessageAttributes", Value::string(attributes_md5(built)));
        out.add("MessageAttributes", built);
      }
    }
    messages.push_back(out.build());
  }
  json::ObjectBuilder answer;
  if (!messages.empty()) answer.add("Messages", Value::array(std::move(messages)));
  return answer.build();
}

bool Sqs::dead_letter(Queue& q, Message& m) {
  Queue* dlq = queue_by_arn(q.settings.redrive->dead_letter_target_arn);
  if (dlq == nullptr || dlq == &q) return false;
  Message moved = m;
  moved.dead_letter_source = q.arn;
  std::uint64_t seq = m.sequence;
  stage_delete(q, seq);
  q.remove(seq);
  take_in(*dlq, std::move(moved));
  return true;
}

void Sqs::take_in(Queue& to, Message m) {
  std::int64_t now = core.now_ms();
  m.sequence = to.next_sequence++;
  m.visible_ms = now;
  m.receipt = 0;
  if (!to.settings.fifo) m.deduplication_id.clear();
  stage_message(to, m);
  to.add(std::move(m));
  if (!to.waiters.empty()) serve_waiters(to);
}

void Sqs::serve_waiters(Queue& q) {
  std::int64_t now = core.now_ms();
  while (!q.waiters.empty()) {
    Waiter& w = q.waiters.front();
    if (w.abandoned && w.abandoned()) {
      q.waiters.pop_front();
      continue;
    }
    if (q.receivable(now, 1).empty()) break;
    Value got = receive_now(q, w.ask);
    if (got.find("Messages") == nullptr) break;
    Reply reply = std::move(w.reply);
    q.waiters.pop_front();
    core.answer(reply, std::move(got));
  }
  if (!q.waiters.empty()) schedule_wake(q);
}

void Sqs::schedule_wake(Queue& q) {
  std::int64_t now = core.now_ms();
  std::int64_t next = q.next_visible_after(now);
  for (const Waiter& w : q.waiters) {
    if (next == 0 || w.deadline_ms < next) next = w.deadline_ms;
  }
  if (next == 0 || (q.wake_ms != 0 && q.wake_ms <= next && q.wake_ms > now)) return;
  q.wake_ms = next;
  std::string name = q.name;
  core.at(next, [this, name, next] {
    auto it = queues.find(name);
    if (it == queues.end()) return;
    Queue& queue = *it->second;
    if (queue.wake_ms == next) queue.wake_ms = 0;
    serve_waiters(queue);
    // Receivers whose wait is over are answered with what there is: nothing.
    std::int64_t at = core.now_ms();
    while (!queue.waiters.empty()) {
      auto expired = std::find_if(queue.waiters.begin(), queue.waiters.end(),
                                  [at](const Waiter& w) { return w.deadline_ms <= at; });
      if (expired == queue.waiters.end()) break;
      core.answer(expired->reply, json::Value::object({}));
      queue.waiters.erase(expired);
    }
    if (!queue.waiters.empty()) schedule_wake(queue);
  });
}

void Sqs::receive_message(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  auto ask = read_ask(r);
  if (!ask) return core.answer(reply, Unexpected<Error>(ask.error()));
  std::int64_t wait = queue.settings.receive_message_wait_time_seconds;
  if (const Value* w = r.field("WaitTimeSeconds"); w != nullptr && !w->is_null()) {
    if (!w->is_int64() || w->as_int64() < 0 || w->as_int64() > kMaxWaitTimeSeconds) {
      return core.answer(
          reply, out_of_range("WaitTimeSeconds", *w, "Must be >= 0 and <= 20, if provided."));
    }
    wait = w->as_int64();
  }
  Value got = receive_now(queue, *ask);
  // Calls from within baton have no caller to keep waiting.
  if (got.find("Messages") != nullptr || wait == 0 || !r.abandoned()) {
    return core.answer(reply, std::move(got));
  }
  Waiter w;
  w.id = next_waiter++;
  w.ask = std::move(*ask);
  w.reply = std::move(reply);
  w.abandoned = r.abandoned();
  w.host = host_of(r);
  w.deadline_ms = core.now_ms() + wait * 1000;
  queue.waiters.push_back(std::move(w));
  schedule_wake(queue);
}

}  // namespace baton::service::sqs
