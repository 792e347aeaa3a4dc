// The queue operations: create, delete, find, list, attributes, purge, tags, permissions.

#include <algorithm>

#include "core/crypto.h"
#include "service/sqs/sqs_service.h"

namespace baton::service::sqs {

namespace {

using json::Value;

bool valid_queue_name(std::string_view name, bool fifo) {
  std::string_view base = name;
  if (fifo) {
    if (!base.ends_with(".fifo")) return false;
    base.remove_suffix(5);
  }
  if (name.empty() || name.size() > 80 || base.empty()) return false;
  return std::all_of(base.begin(), base.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

std::string_view string_of(const Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

// Names of a list member given as strings (AttributeNames, TagKeys ...).
std::vector<std::string> strings_of(const Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const Value& s : v->as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

// AWS limits on tags: 50 per queue, keys up to 128 characters, values up to 256.
Expected<void, Error> check_tags(const std::map<std::string, std::string>& tags) {
  if (tags.size() > 50) {
    return fail("InvalidParameterValue", "Too many tags added for queue. Maximum is 50.");
  }
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) {
      return fail("InvalidParameterValue", "Tag keys must be between 1 and 128 characters.");
    }
    if (v.size() > 256) {
      return fail("InvalidParameterValue", "Tag values must be at most 256 characters.");
    }
  }
  return {};
}

Value page_of_urls(std::vector<std::string> urls, std::string_view list, std::string next) {
  std::vector<Value> items;
  items.reserve(urls.size());
  for (std::string& u : urls) items.push_back(Value::string(u));
  json::ObjectBuilder out;
  if (!items.empty() || list == "queueUrls") out.add(list, Value::array(std::move(items)));
  if (!next.empty()) out.add("NextToken", Value::string(crypto::base64_encode(next)));
  return out.build();
}

}  // namespace

// A RedrivePolicy's dead-letter queue must exist, be of the source's type, and let the source
// (`source_arn`) use it by its RedriveAllowPolicy.
Expected<void, Error> Sqs::check_redrive(const QueueSettings& settings, const std::string& text,
                                         const std::string& source_arn) {
  if (!settings.redrive) return {};
  auto invalid = [&](const std::string& reason) {
    return fail("InvalidParameterValue",
                "Value " + text + " for parameter RedrivePolicy is invalid. Reason: " + reason);
  };
  Queue* dlq = queue_by_arn(settings.redrive->dead_letter_target_arn);
  if (dlq == nullptr) return invalid("Dead-letter target does not exist.");
  if (dlq->settings.fifo != settings.fifo) {
    return invalid("Dead-letter queue must be same type of queue as the source.");
  }
  const RedriveAllowPolicy& allow = dlq->settings.redrive_allow;
  bool allowed = allow.permission == "allowAll" ||
                 (allow.permission == "byQueue" &&
                  std::find(allow.source_queue_arns.begin(), allow.source_queue_arns.end(),
                            source_arn) != allow.source_queue_arns.end());
  if (!allowed) {
    return invalid("Queue " + source_arn + " is not allowed to use the dead-letter queue " +
                   dlq->arn + " by its RedriveAllowPolicy.");
  }
  return {};
}

void Sqs::create_queue(const Request& r, Reply reply) {
  std::string name(string_of(r.field("QueueName")));
  const Value* given = r.field("Attributes");
  bool fifo = given != nullptr && string_of(given->find("FifoQueue")) == "true";
  if (!valid_queue_name(name, fifo)) {
    return core.answer(
        reply, fail("InvalidParameterValue",
                    fifo || name.ends_with(".fifo")
                        ? "The name of a FIFO queue can only include alphanumeric characters, "
                          "hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in "
                          "length."
                        : "Can only include alphanumeric characters, hyphens, or underscores. 1 "
                          "to 80 in length"));
  }
  auto attributes =
      apply_attributes(default_attributes(fifo), given ? *given : Value(), fifo, true);
  if (!attributes) return core.answer(reply, Unexpected<Error>(attributes.error()));
  QueueSettings settings = settings_of(*attributes);
  if (auto ok = check_redrive(settings, (*attributes)["RedrivePolicy"], queue_arn(name)); !ok) {
    return core.answer(reply, Unexpected<Error>(ok.error()));
  }
  std::map<std::string, std::string> tags;
  if (const Value* t = r.field("tags"); t != nullptr && t->is_object()) {
    for (const json::Member& m : t->members()) tags[std::string(m.name())] = string_of(&m.value);
  }
  if (auto ok = check_tags(tags); !ok) return core.answer(reply, Unexpected<Error>(ok.error()));
  if (auto it = queues.find(name); it != queues.end()) {
    // The same name and the same values of the attributes given: the queue there is the
    // answer (tags are not compared).
    const Queue& q = *it->second;
    if (given != nullptr && given->is_object()) {
      for (const json::Member& m : given->members()) {
        std::string k(m.name());
        auto mine = attributes->find(k);
        auto found = q.attributes.find(k);
        bool same = mine == attributes->end()
                        ? found == q.attributes.end()
                        : found != q.attributes.end() && found->second == mine->second;
        if (!same) {
          return core.answer(reply, fail("QueueNameExists",
                                         "A queue already exists with the same name and a "
                                         "different value for attribute " +
                                             k));
        }
      }
    }
    return core.answer(
        reply,
        json::ObjectBuilder().add("QueueUrl", Value::string(queue_url(host_of(r), name))).build());
  }
  std::int64_t now = core.now_ms();
  if (auto d = deleted.find(name); d != deleted.end() && d->second + 60000 > now) {
    return core.answer(reply, fail("QueueDeletedRecently",
                                   "You must wait 60 seconds after deleting a queue before you "
                                   "can create another with the same name."));
  }
  auto q = std::make_unique<Queue>();
  q->name = name;
  q->arn = queue_arn(name);
  q->space = "sqs/" + q->arn;
  q->attributes = std::move(*attributes);
  q->settings = settings;
  q->tags = std::move(tags);
  q->created_ms = now;
  q->modified_ms = now;
  save_queue(*q);
  queues[name] = std::move(q);
  core.answer(
      reply,
      json::ObjectBuilder().add("QueueUrl", Value::string(queue_url(host_of(r), name))).build());
}

void Sqs::delete_queue(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  for (Waiter& w : queue.waiters) {
    core.answer(w.reply, json::ObjectBuilder().add("Messages", Value::array({})).build());
  }
  queue.waiters.clear();
  core.stage(store::ops::DeleteSpace{queue.space});
  core.stage(store::ops::DeleteResource{store::Kind::Queue, queue.arn});
  deleted[queue.name] = core.now_ms();
  queues.erase(queue.name);
  core.answer(reply, Value::object({}));
}

void Sqs::get_queue_url(const Request& r, Reply reply) {
  std::string name(string_of(r.field("QueueName")));
  std::string_view owner = string_of(r.field("QueueOwnerAWSAccountId"));
  auto it = queues.find(name);
  if (it == queues.end() || (!owner.empty() && owner != core.options.partition.account)) {
    return core.answer(reply, fail("QueueDoesNotExist", "The specified queue does not exist."));
  }
  core.answer(
      reply,
      json::ObjectBuilder().add("QueueUrl", Value::string(queue_url(host_of(r), name))).build());
}

void Sqs::list_queues(const Request& r, Reply reply) {
  std::string prefix(string_of(r.field("QueueNamePrefix")));
  const Value* max = r.field("MaxResults");
  std::string after;
  if (std::string_view token = string_of(r.field("NextToken")); !token.empty()) {
    auto key = crypto::base64_decode(token);
    if (!key) {
      return core.answer(reply, fail("InvalidParameterValue", "Invalid NextToken value."));
    }
    after = std::move(*key);
  }
  if (max != nullptr && (!max->is_int64() || max->as_int64() < 1 || max->as_int64() > 1000)) {
    return core.answer(reply, fail("InvalidParameterValue",
                                   "Value for parameter MaxResults is invalid. Reason: MaxResults "
                                   "must be an integer between 1 and 1000."));
  }
  // Without MaxResults AWS answers up to 1,000 queues and no token.
  std::size_t limit = max != nullptr ? static_cast<std::size_t>(max->as_int64()) : 1000;
  std::vector<std::string> urls;
  std::string next;
  for (auto it = after.empty() ? queues.lower_bound(prefix) : queues.upper_bound(after);
       it != queues.end() && it->first.starts_with(prefix); ++it) {
    if (urls.size() == limit) {
      if (max != nullptr) next = urls.empty() ? "" : std::prev(it)->first;
      break;
    }
    urls.push_back(queue_url(host_of(r), it->first));
  }
  core.answer(reply, page_of_urls(std::move(urls), "QueueUrls", next));
}

void Sqs::get_queue_attributes(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  const Queue& queue = **q;
  std::vector<std::string> names = strings_of(r.field("AttributeNames"));
  bool all = std::find(names.begin(), names.end(), "All") != names.end();
  for (const std::string& n : names) {
    if (n != "All" && !known_attribute(n)) {
      return core.answer(reply, fail("InvalidAttributeName", "Unknown Attribute " + n + "."));
    }
  }
  Queue::Counts counts = queue.counts(core.now_ms());
  json::ObjectBuilder out;
  std::size_t given = 0;
  for (std::string_view n : all_attribute_names()) {
    if (!all && std::find(names.begin(), names.end(), n) == names.end()) continue;
    std::string value;
    if (n == "QueueArn") {
      value = queue.arn;
    } else if (n == "ApproximateNumberOfMessages") {
      value = std::to_string(counts.visible);
    } else if (n == "ApproximateNumberOfMessagesNotVisible") {
      value = std::to_string(counts.in_flight);
    } else if (n == "ApproximateNumberOfMessagesDelayed") {
      value = std::to_string(counts.delayed);
    } else if (n == "CreatedTimestamp") {
      value = std::to_string(queue.created_ms / 1000);
    } else if (n == "LastModifiedTimestamp") {
      value = std::to_string(queue.modified_ms / 1000);
    } else if (auto it = queue.attributes.find(std::string(n)); it != queue.attributes.end()) {
      value = it->second;
    } else {
      continue;
    }
    out.add(n, Value::string(value));
    ++given;
  }
  json::ObjectBuilder answer;
  if (given > 0) answer.add("Attributes", out.build());
  core.answer(reply, answer.build());
}

void Sqs::set_queue_attributes(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  const Value* given = r.field("Attributes");
  auto attributes =
      apply_attributes(queue.attributes, given ? *given : Value(), queue.settings.fifo, false);
  if (!attributes) return core.answer(reply, Unexpected<Error>(attributes.error()));
  QueueSettings settings = settings_of(*attributes);
  if (auto ok = check_redrive(settings, (*attributes)["RedrivePolicy"], queue.arn); !ok) {
    return core.answer(reply, Unexpected<Error>(ok.error()));
  }
  queue.attributes = std::move(*attributes);
  queue.settings = settings;
  queue.modified_ms = core.now_ms();
  save_queue(queue);
  core.answer(reply, Value::object({}));
}

void Sqs::purge_queue(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  std::int64_t now = core.now_ms();
  if (queue.purged_ms != 0 && queue.purged_ms + 60000 > now) {
    return core.answer(
        reply, fail("PurgeQueueInProgress", "Only one PurgeQueue operation on " + queue.name +
                                                " is allowed every 60 seconds."));
  }
  queue.purged_ms = now;
  core.stage(store::ops::DeleteSpace{queue.space});
  queue.messages.clear();
  queue.by_visible.clear();
  queue.groups.clear();
  queue.group_heads.clear();
  core.answer(reply, Value::object({}));
}

void Sqs::tag_queue(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  std::map<std::string, std::string> tags = queue.tags;
  if (const Value* t = r.field("Tags"); t != nullptr && t->is_object()) {
    for (const json::Member& m : t->members()) tags[std::string(m.name())] = string_of(&m.value);
  }
  if (auto ok = check_tags(tags); !ok) return core.answer(reply, Unexpected<Error>(ok.error()));
  queue.tags = std::move(tags);
  save_queue(queue);
  core.answer(reply, Value::object({}));
}

void Sqs::untag_queue(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  for (const std::string& key : strings_of(r.field("TagKeys"))) queue.tags.erase(key);
  save_queue(queue);
  core.answer(reply, Value::object({}));
}

void Sqs::list_queue_tags(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  json::ObjectBuilder tags;
  for (const auto& [k, v] : (*q)->tags) tags.add(k, Value::string(v));
  json::ObjectBuilder out;
  if (!(*q)->tags.empty()) out.add("Tags", tags.build());
  core.answer(reply, out.build());
}

void Sqs::list_dead_letter_source_queues(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  const Value* max = r.field("MaxResults");
  if (max != nullptr && (!max->is_int64() || max->as_int64() < 1 || max->as_int64() > 1000)) {
    return core.answer(reply, fail("InvalidParameterValue",
                                   "Value for parameter MaxResults is invalid. Reason: MaxResults "
                                   "must be an integer between 1 and 1000."));
  }
  std::string after;
  if (std::string_view token = string_of(r.field("NextToken")); !token.empty()) {
    auto key = crypto::base64_decode(token);
    if (!key) return core.answer(reply, fail("InvalidParameterValue", "Invalid NextToken value."));
    after = std::move(*key);
  }
  std::size_t limit = max != nullptr ? static_cast<std::size_t>(max->as_int64()) : 1000;
  std::vector<std::string> urls;
  std::string next;
  for (auto it = after.empty() ? queues.begin() : queues.upper_bound(after); it != queues.end();
       ++it) {
    const auto& redrive = it->second->settings.redrive;
    if (!redrive || redrive->dead_letter_target_arn != (*q)->arn) continue;
    if (urls.size() == limit) {
      if (max != nullptr) next = std::string(urls.back().substr(urls.back().rfind('/') + 1));
      break;
    }
    urls.push_back(queue_url(host_of(r), it->first));
  }
  core.answer(reply, page_of_urls(std::move(urls), "queueUrls", next));
}

void Sqs::add_permission(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  std::string label(string_of(r.field("Label")));
  std::vector<std::string> accounts = strings_of(r.field("AWSAccountIds"));
  std::vector<std::string> actions = strings_of(r.field("Actions"));
  if (accounts.empty() || actions.empty()) {
    return core.answer(reply,
                       fail("MissingParameter",
                            "The request must contain the parameter " +
                                std::string(accounts.empty() ? "AWSAccountIds" : "Actions") + "."));
  }
  std::vector<Value> statements;
  if (auto it = queue.attributes.find("Policy"); it != queue.attributes.end()) {
    if (auto policy = json::parse(it->second); policy && policy->is_object()) {
      if (const Value* s = policy->find("Statement"); s != nullptr && s->is_array()) {
        for (const Value& st : s->as_array()) {
          if (st.is_object() && string_of(st.find("Sid")) == label) {
            return core.answer(reply, fail("InvalidParameterValue",
                                           "Value " + label +
                                               " for parameter Label is invalid. Reason: Already "
                                               "exists."));
          }
          statements.push_back(st);
        }
      }
    }
  }
  std::vector<Value> principals;
  for (const std::string& a : accounts) {
    principals.push_back(Value::string("arn:aws:iam::" + a + ":root"));
  }
  std::vector<Value> action_values;
  for (const std::string& a : actions) action_values.push_back(Value::string("SQS:" + a));
  statements.push_back(
      json::ObjectBuilder()
          .add("Sid", Value::string(label))
          .add("Effect", Value::string("Allow"))
          .add("Principal",
               json::ObjectBuilder()
                   .add("AWS", principals.size() == 1 ? principals[0] : Value::array(principals))
                   .build())
          .add("Action", action_values.size() == 1 ? action_values[0] : Value::array(action_values))
          .add("Resource", Value::string(queue.arn))
          .build());
  queue.attributes["Policy"] =
      json::to_string(json::ObjectBuilder()
                          .add("Version", Value::string("2012-10-17"))
                          .add("Id", Value::string(queue.arn + "/SQSDefaultPolicy"))
                          .add("Statement", Value::array(std::move(statements)))
                          .build());
  queue.modified_ms = core.now_ms();
  save_queue(queue);
  core.answer(reply, Value::object({}));
}

void Sqs::remove_permission(const Request& r, Reply reply) {
  auto q = requested_queue(r);
  if (!q) return core.answer(reply, Unexpected<Error>(q.error()));
  Queue& queue = **q;
  std::string label(string_of(r.field("Label")));
  std::vector<Value> kept;
  bool found = false;
  json::Value policy;
  if (auto it = queue.attributes.find("Policy"); it != queue.attributes.end()) {
    if (auto parsed = json::parse(it->second); parsed && parsed->is_object()) {
      policy = *parsed;
      if (const Value* s = policy.find("Statement"); s != nullptr && s->is_array()) {
        for (const Value& st : s->as_array()) {
          if (st.is_object() && string_of(st.find("Sid")) == label) {
            found = true;
          } else {
            kept.push_back(st);
          }
        }
      }
    }
  }
  if (!found) {
    return core.answer(reply, fail("InvalidParameterValue",
                                   "Value " + label +
                                       " for parameter Label is invalid. Reason: can't find "
                                       "label on existing policy."));
  }
  if (kept.empty()) {
    queue.attributes.erase("Policy");
  } else {
    json::ObjectBuilder out;
    for (const json::Member& m : policy.members()) {
      out.add(m.name(), m.name() == "Statement" ? Value::array(kept) : m.value);
    }
    queue.attributes["Policy"] = json::to_string(out.build());
  }
  queue.modified_ms = core.now_ms();
  save_queue(queue);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::sqs
