// DeleteMessage and ChangeMessageVisibility, one or a batch, by receipt handle.

#include "service/sqs/batch.h"
#include "service/sqs/sqs_service.h"

namespace baton::service::sqs {

namespace {

using json::Value;

std::string_view string_of(const Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

Unexpected<Error> invalid_handle(std::string_view handle) {
  return fail("ReceiptHandleIsInvalid", "The input receipt handle \"" + std::string(handle) +
                                            "\" is not a valid receipt handle.");
}

// One DeleteMessage: a handle of an earlier receive, or of a message already deleted, is
// accepted and changes nothing, as on AWS.
Result<Value> delete_one(Sqs& sqs, Queue& q, const Value& entry) {
  std::string_view handle = string_of(entry.find("ReceiptHandle"));
  if (handle.empty()) {
    return fail("MissingParameter", "The request must contain the parameter ReceiptHandle.");
  }
  auto read = sqs.read_receipt_handle(q, handle);
  if (!read) return invalid_handle(handle);
  Message* m = q.find(read->first);
  if (m != nullptr && m->receipt == read->second) {
    sqs.stage_delete(q, m->sequence);
    q.remove(m->sequence);
    // A FIFO group held by this message may have others to hand out now.
    if (q.settings.fifo && !q.waiters.empty()) sqs.serve_waiters(q);
  }
  return Value::object({});
}

Result<Value> change_one(Sqs& sqs, Queue& q, const Value& entry, std::int64_t now) {
  std::string_view handle = string_of(entry.find("ReceiptHandle"));
  if (handle.empty()) {
    return fail("MissingParameter", "The request must contain the parameter ReceiptHandle.");
  }
  const Value* timeout = entry.find("VisibilityTimeout");
  if (timeout == nullptr || timeout->is_null()) {
    return fail("MissingParameter", "The request must contain the parameter VisibilityTimeout.");
  }
  auto read = sqs.read_receipt_handle(q, handle);
  if (!read) return invalid_handle(handle);
  if (!timeout->is_int64() || timeout->as_int64() < 0 ||
      timeout->as_int64() > kMaxVisibilityTimeout) {
    return fail("InvalidParameterValue",
                "Value " + json::to_string(*timeout) +
                    " for parameter VisibilityTimeout is invalid. Reason: VisibilityTimeout must "
                    "be an integer between 0 and 43200.");
  }
  Message* m = q.find(read->first);
  if (m == nullptr || m->receipt != read->second || !m->in_flight(now)) {
    return fail("MessageNotInflight",
                "Message does not exist or is not available for visibility timeout change.");
  }
  // AWS counts the new timeout from now.
  q.set_visible(*m, now + timeout->as_int64() * 1000);
  sqs.stage_message(q, *m);
  // Visible again at once (timeout 0): a waiting receiver takes it.
  if (timeout->as_int64() == 0 && !q.waiters.empty()) {
    sqs.serve_waiters(q);
  } else if (!q.waiters.empty()) {
    sqs.schedule_wake(q);
  }
  return Value::object({});
}

}  // namespace

void Sqs::delete_message(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  core.answer(reply, delete_one(*this, **q, r.body()));
}

void Sqs::delete_message_batch(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  auto entries = batch_entries(r, "DeleteMessageBatchRequestEntry");
  if (!entries) return core.answer(reply, Unexpected<Error>(entries.error()));
  BatchAnswer answer;
  for (const Value* e : *entries) {
    std::string id(string_of(e->find("Id")));
    auto done = delete_one(*this, **q, *e);
    if (!done) {
      answer.failed(id, done.error());
    } else {
      answer.successful.push_back(json::ObjectBuilder().add("Id", Value::string(id)).build());
    }
  }
  core.answer(reply, answer.build());
}

void Sqs::change_message_visibility(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  core.answer(reply, change_one(*this, **q, r.body(), core.now_ms()));
}

void Sqs::change_message_visibility_batch(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  auto entries = batch_entries(r, "ChangeMessageVisibilityBatchRequestEntry");
  if (!entries) return core.answer(reply, Unexpected<Error>(entries.error()));
  BatchAnswer answer;
  std::int64_t now = core.now_ms();
  for (const Value* e : *entries) {
    std::string id(string_of(e->find("Id")));
    auto done = change_one(*this, **q, *e, now);
    if (!done) {
      answer.failed(id, done.error());
    } else {
      answer.successful.push_back(json::ObjectBuilder().add("Id", Value::string(id)).build());
    }
  }
  core.answer(reply, answer.build());
}

}  // namespace baton::service::sqs
