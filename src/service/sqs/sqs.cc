// The SQS service's registration, recovery, and what every operation shares: queues by URL and
// ARN, receipt handles, the store's entries of messages, the periodic sweep.

#include "service/sqs/sqs.h"

#include "core/crypto.h"
#include "service/sqs/sqs_service.h"

namespace baton::service::sqs {

std::unique_ptr<EmulatedService> make(Core& core) { return std::make_unique<Sqs>(core); }

Sqs::Sqs(Core& c)
    : core(c),
      table{
          operation("CreateQueue", this, &Sqs::create_queue),
          operation("DeleteQueue", this, &Sqs::delete_queue),
          operation("GetQueueUrl", this, &Sqs::get_queue_url, true),
          operation("ListQueues", this, &Sqs::list_queues, true),
          operation("GetQueueAttributes", this, &Sqs::get_queue_attributes, true),
          operation("SetQueueAttributes", this, &Sqs::set_queue_attributes),
          operation("PurgeQueue", this, &Sqs::purge_queue),
          operation("TagQueue", this, &Sqs::tag_queue),
          operation("UntagQueue", this, &Sqs::untag_queue),
          operation("ListQueueTags", this, &Sqs::list_queue_tags, true),
          operation("ListDeadLetterSourceQueues", this, &Sqs::list_dead_letter_source_queues, true),
          operation("AddPermission", this, &Sqs::add_permission),
          operation("RemovePermission", this, &Sqs::remove_permission),
          operation("SendMessage", this, &Sqs::send_message),
          operation("SendMessageBatch", this, &Sqs::send_message_batch),
          operation("ReceiveMessage", this, &Sqs::receive_message),
          operation("DeleteMessage", this, &Sqs::delete_message),
          operation("DeleteMessageBatch", this, &Sqs::delete_message_batch),
          operation("ChangeMessageVisibility", this, &Sqs::change_message_visibility),
          operation("ChangeMessageVisibilityBatch", this, &Sqs::change_message_visibility_batch),
          operation("StartMessageMoveTask", this, &Sqs::start_message_move_task),
          operation("CancelMessageMoveTask", this, &Sqs::cancel_message_move_task),
          operation("ListMessageMoveTasks", this, &Sqs::list_message_move_tasks, true),
      },
      random(os_entropy()) {}

std::string Sqs::queue_arn(std::string_view name) const {
  const Partition& p = core.options.partition;
  return "arn:aws:sqs:" + p.region + ":" + p.account + ":" + std::string(name);
}

std::string Sqs::host_of(const Request& r) {
  const json::Value* host = r.field("@host");
  return host != nullptr && host->is_string() ? std::string(host->as_string()) : std::string();
}

std::string Sqs::queue_url(const std::string& host, std::string_view name) const {
  const Partition& p = core.options.partition;
  // A call from inside baton (a workflow's task) has no Host: its URL is the one clients use.
  std::string base = !host.empty() ? "http://" + host
                     : !core.options.endpoint_url.empty()
                         ? core.options.endpoint_url
                         : "https://sqs." + p.region + ".amazonaws.com";
  return base + "/" + p.account + "/" + std::string(name);
}

Result<Queue*> Sqs::queue_of_url(std::string_view url) {
  // Any host: only the path /ACCOUNT/NAME names the queue.
  std::string_view path = url;
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path.remove_prefix(scheme + 3);
    auto slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  if (path.starts_with('/')) path.remove_prefix(1);
  auto slash = path.find('/');
  if (slash != std::string_view::npos && path.substr(0, slash) == core.options.partition.account) {
    auto it = queues.find(std::string(path.substr(slash + 1)));
    if (it != queues.end()) return it->second.get();
  }
  return fail("QueueDoesNotExist", "The specified queue does not exist.");
}

Result<Queue*> Sqs::requested_queue(const Request& r) {
  const json::Value* url = r.field("QueueUrl");
  if (url == nullptr || !url->is_string() || url->as_string().empty()) {
    return fail("MissingParameter", "The request must contain the parameter QueueUrl.");
  }
  return queue_of_url(url->as_string());
}

Queue* Sqs::queue_by_arn(std::string_view arn) {
  std::string prefix = queue_arn("");
  if (!arn.starts_with(prefix)) return nullptr;
  auto it = queues.find(std::string(arn.substr(prefix.size())));
  return it == queues.end() ? nullptr : it->second.get();
}

void Sqs::save_queue(const Queue& q) {
  json::ObjectBuilder attributes;
  for (const auto& [k, v] : q.attributes) attributes.add(k, json::Value::string(v));
  json::ObjectBuilder tags;
  for (const auto& [k, v] : q.tags) tags.add(k, json::Value::string(v));
  store::Resource resource;
  resource.kind = store::Kind::Queue;
  resource.arn = q.arn;
  resource.name = q.name;
  resource.created_ms = q.created_ms;
  resource.record = json::ObjectBuilder()
                        .add("Attributes", attributes.build())
                        .add("Tags", tags.build())
                        .add("LastModified", json::Value::integer(q.modified_ms))
                        .build();
  core.stage(store::ops::PutResource{std::move(resource)});
}

void Sqs::stage_message(const Queue& q, const Message& m) {
  core.stage(store::ops::PutEntry{q.space, message_key(m.sequence), encode_message(m)});
}

void Sqs::stage_delete(const Queue& q, std::uint64_t sequence) {
  core.stage(store::ops::DeleteEntry{q.space, message_key(sequence)});
}

namespace {

// Ties a receipt handle to its queue, so one queue's handle is refused by another.
std::uint32_t queue_tag(std::string_view arn) {
  std::uint32_t h = 2166136261u;
  for (char c : arn) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

}  // namespace

std::string Sqs::receipt_handle(const Queue& q, const Message& m) const {
  std::string raw;
  put_u64(raw, m.sequence);
  put_u64(raw, m.receipt);
  put_u64(raw, queue_tag(q.arn));
  return crypto::base64_encode(raw);
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> Sqs::read_receipt_handle(
    const Queue& q, std::string_view handle) const {
  auto raw = crypto::base64_decode(handle);
  if (!raw || raw->size() != 24 || get_u64(std::string_view(*raw).substr(16)) != queue_tag(q.arn)) {
    return std::nullopt;
  }
  return std::make_pair(get_u64(*raw), get_u64(std::string_view(*raw).substr(8)));
}

Expected<void, Error> Sqs::recover() {
  std::string after;
  while (true) {
    std::string next;
    auto found =
        core.store->resources(store::Kind::Queue, "", store::PageRequest{after, 500}, next);
    if (!found) return Unexpected<Error>(found.error());
    for (const store::Resource& resource : *found) {
      auto q = std::make_unique<Queue>();
      q->name = resource.name;
      q->arn = resource.arn;
      q->space = "sqs/" + resource.arn;
      q->created_ms = resource.created_ms;
      if (const json::Value* a = resource.record.find("Attributes"); a && a->is_object()) {
        for (const json::Member& m : a->members()) {
          if (m.value.is_string()) q->attributes[std::string(m.name())] = m.value.as_string();
        }
      }
      if (const json::Value* t = resource.record.find("Tags"); t && t->is_object()) {
        for (const json::Member& m : t->members()) {
          if (m.value.is_string()) q->tags[std::string(m.name())] = m.value.as_string();
        }
      }
      if (const json::Value* m = resource.record.find("LastModified"); m && m->is_int64()) {
        q->modified_ms = m->as_int64();
      }
      q->settings = settings_of(q->attributes);
      queues[q->name] = std::move(q);
    }
    if (next.empty()) break;
    after = next;
  }
  std::int64_t now = core.now_ms();
  for (auto& [name, q] : queues) {
    std::string key;
    while (true) {
      auto entries = core.store->entries(q->space, key, 4096);
      if (!entries) return Unexpected<Error>(entries.error());
      for (store::Entry& e : *entries) {
        auto seq = sequence_of_key(e.key);
        auto m = seq ? decode_message(*seq, e.value) : std::nullopt;
        if (!m) {
          return fail("InvalidState", "SQS: an unreadable message in the store of queue " + name);
        }
        if (q->settings.fifo && !m->deduplication_id.empty()) {
          std::string k = q->dedup_key(m->group_id, m->deduplication_id);
          std::int64_t expires = m->sent_ms + 5 * 60 * 1000;
          if (expires > now) {
            q->deduplicated[k] = Deduplicated{expires, m->id, m->sequence};
            q->dedup_expiry.emplace_back(expires, k);
          }
        }
        q->add(std::move(*m));
      }
      if (entries->size() < 4096) break;
      key = entries->back().key;
    }
  }
  return {};
}

void Sqs::tick() {
  for (auto& [name, q] : queues) {
    if (q->waiters.empty()) continue;
    std::erase_if(q->waiters, [](const Waiter& w) { return w.abandoned && w.abandoned(); });
  }
  if (!sweeping) {
    sweeping = true;
    core.at(core.now_ms() + 1000, [this] {
      sweeping = false;
      sweep();
    });
  }
}

void Sqs::sweep() {
  std::int64_t now = core.now_ms();
  for (auto& [name, q] : queues) {
    std::int64_t retention_ms = q->settings.message_retention_period * 1000;
    while (!q->messages.empty()) {
      const Message& oldest = q->messages.begin()->second;
      if (oldest.sent_ms + retention_ms > now) break;
      std::uint64_t seq = oldest.sequence;
      stage_delete(*q, seq);
      q->remove(seq);
    }
    while (!q->dedup_expiry.empty() && q->dedup_expiry.front().first <= now) {
      auto it = q->deduplicated.find(q->dedup_expiry.front().second);
      if (it != q->deduplicated.end() && it->second.expires_ms <= now) q->deduplicated.erase(it);
      q->dedup_expiry.pop_front();
    }
    std::erase_if(q->attempts, [now](const auto& a) { return a.second.expires_ms <= now; });
  }
  for (auto it = deleted.begin(); it != deleted.end();) {
    it = it->second + 60000 <= now ? deleted.erase(it) : std::next(it);
  }
}

void Sqs::stop() {
  for (auto& [name, q] : queues) q->waiters.clear();
}

}  // namespace baton::service::sqs
