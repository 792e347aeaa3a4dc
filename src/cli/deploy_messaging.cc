// `baton deploy`'s queues, topics, subscriptions, queue policies and event source mappings,
// through baton serve's SQS, SNS and Lambda APIs. Each step finds what a deploy before made and
// brings it to what the template says.

#include "cli/deploy_messaging.h"

#include <iostream>

#include "net/http_client.h"

namespace baton::cli {

namespace {

using json::Value;

Value string_map(const std::map<std::string, std::string>& map) {
  json::ObjectBuilder b;
  for (const auto& [key, value] : map) b.add(key, Value::string(value));
  return b.build();
}

// The error name of a JSON answer: "com.amazonaws.sqs#QueueNameExists" -> "QueueNameExists".
std::string error_name(const ServeAnswer& a) {
  const Value* type = a.body.find("__type");
  if (type == nullptr || !type->is_string()) return "";
  std::string_view name = type->as_string();
  return std::string(name.substr(name.find('#') + 1));
}

Unexpected<Error> failed(const std::string& where, const std::string& what, const ServeAnswer& a) {
  return fail("DeployFailed", where + ": " + what + ": " + message_of(a));
}

// Runs `call` and requires a 2xx answer.
template <class Call>
Result<ServeAnswer> required(const std::string& where, const std::string& what, Call call) {
  Result<ServeAnswer> a = call();
  if (!a) return a;
  if (a->status >= 300) return failed(where, what, *a);
  return a;
}

Result<std::string> deploy_queue(ServeClient& client, const service::SamQueue& q) {
  auto attributes = q.attributes;
  // The dead-letter queue may come later in the template: redrive is set once all exist.
  attributes.erase("RedrivePolicy");
  auto created = client.sqs("CreateQueue", json::ObjectBuilder()
                                               .add("QueueName", Value::string(q.name))
                                               .add("Attributes", string_map(attributes))
                                               .add("tags", string_map(q.tags))
                                               .build());
  if (!created) return Unexpected<Error>(created.error());
  if (created->status < 300) {
    std::cout << "queue " << q.name << " created\n";
    return std::string(created->body.find("QueueUrl")->as_string());
  }
  std::string name = error_name(*created);
  if (name != "QueueNameExists" && name != "QueueAlreadyExists") {
    return failed(q.where, "queue " + q.name, *created);
  }
  // It exists with other attributes: those that may change are set.
  auto found = required(q.where, "queue " + q.name, [&] {
    return client.sqs("GetQueueUrl",
                      json::ObjectBuilder().add("QueueName", Value::string(q.name)).build());
  });
  if (!found) return Unexpected<Error>(found.error());
  std::string url(found->body.find("QueueUrl")->as_string());
  attributes.erase("FifoQueue");
  auto set = required(q.where, "queue " + q.name, [&] {
    return client.sqs("SetQueueAttributes", json::ObjectBuilder()
                                                .add("QueueUrl", Value::string(url))
                                                .add("Attributes", string_map(attributes))
                                                .build());
  });
  if (!set) return Unexpected<Error>(set.error());
  std::cout << "queue " << q.name << " updated\n";
  return url;
}

Expected<void, Error> set_redrive(ServeClient& client, const service::SamQueue& q,
                                  const std::string& url) {
  auto redrive = q.attributes.find("RedrivePolicy");
  if (redrive == q.attributes.end()) return {};
  auto set = required(q.where, "queue " + q.name, [&] {
    return client.sqs(
        "SetQueueAttributes",
        json::ObjectBuilder()
            .add("QueueUrl", Value::string(url))
            .add("Attributes",
                 json::ObjectBuilder().add("RedrivePolicy", Value::string(redrive->second)).build())
            .build());
  });
  if (!set) return Unexpected<Error>(set.error());
  return {};
}

using Parameters = std::vector<std::pair<std::string, std::string>>;

Expected<void, Error> deploy_topic(ServeClient& client, const service::SamTopic& t) {
  Parameters create{{"Name", t.name}};
  auto fifo = t.attributes.find("FifoTopic");
  if (fifo != t.attributes.end()) {
    create.emplace_back("Attributes.entry.1.key", "FifoTopic");
    create.emplace_back("Attributes.entry.1.value", fifo->second);
  }
  int n = 0;
  for (const auto& [key, value] : t.tags) {
    ++n;
    create.emplace_back("Tags.member." + std::to_string(n) + ".Key", key);
    create.emplace_back("Tags.member." + std::to_string(n) + ".Value", value);
  }
  auto created =
      required(t.where, "topic " + t.name, [&] { return client.sns("CreateTopic", create); });
  if (!created) return Unexpected<Error>(created.error());
  std::string arn = xml_text(*created, "TopicArn");
  for (const auto& attribute : t.attributes) {
    // Named, not bound: clang 14 cannot capture a structured binding in a lambda.
    const std::string& key = attribute.first;
    const std::string& value = attribute.second;
    if (key == "FifoTopic") continue;
    auto set = required(t.where, "topic " + t.name, [&] {
      return client.sns("SetTopicAttributes",
                        {{"TopicArn", arn}, {"AttributeName", key}, {"AttributeValue", value}});
    });
    if (!set) return Unexpected<Error>(set.error());
  }
  std::cout << "topic " << t.name << ": " << arn << "\n";
  return {};
}

Expected<void, Error> deploy_subscription(ServeClient& client, const service::SamSubscription& s) {
  std::string what = "subscription of " + s.endpoint + " to " + s.topic_arn;
  auto subscribed = required(s.where, what, [&] {
    return client.sns("Subscribe", {{"TopicArn", s.topic_arn},
                                    {"Protocol", s.protocol},
                                    {"Endpoint", s.endpoint},
                                    {"ReturnSubscriptionArn", "true"}});
  });
  if (!subscribed) return Unexpected<Error>(subscribed.error());
  std::string arn = xml_text(*subscribed, "SubscriptionArn");
  for (const auto& attribute : s.attributes) {
    const std::string& key = attribute.first;
    const std::string& value = attribute.second;
    auto set = required(s.where, what, [&] {
      return client.sns(
          "SetSubscriptionAttributes",
          {{"SubscriptionArn", arn}, {"AttributeName", key}, {"AttributeValue", value}});
    });
    if (!set) return Unexpected<Error>(set.error());
  }
  std::cout << "subscription " << s.protocol << " " << s.endpoint << " to " << s.topic_arn << "\n";
  return {};
}

Expected<void, Error> deploy_mapping(ServeClient& client, const service::SamEventSourceMapping& m) {
  auto text = [&](std::string_view key) {
    const Value* v = m.request.find(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string function = text("FunctionName");
  std::string source = text("EventSourceArn");
  std::string what = "event source mapping " + source + " -> " + function;
  auto listed = required(m.where, what, [&] {
    return client.lambda(
        "GET",
        "/2015-03-31/event-source-mappings/?FunctionName=" + net::url_encode(function) +
            "&EventSourceArn=" + net::url_encode(source),
        Value());
  });
  if (!listed) return Unexpected<Error>(listed.error());
  const Value* existing = listed->body.find("EventSourceMappings");
  if (existing != nullptr && existing->is_array() && !existing->as_array().empty()) {
    std::string uuid(existing->as_array()[0].find("UUID")->as_string());
    json::ObjectBuilder update;
    for (const json::Member& member : m.request.members()) {
      if (member.name() != "EventSourceArn") update.add(member.name(), member.value);
    }
    auto updated = required(m.where, what, [&] {
      return client.lambda("PUT", "/2015-03-31/event-source-mappings/" + uuid, update.build());
    });
    if (!updated) return Unexpected<Error>(updated.error());
    std::cout << what << " updated\n";
    return {};
  }
  auto created = required(m.where, what, [&] {
    return client.lambda("POST", "/2015-03-31/event-source-mappings/", m.request);
  });
  if (!created) return Unexpected<Error>(created.error());
  std::cout << what << " created\n";
  return {};
}

// --- teardown ---

Unexpected<Error> teardown_failed(const std::string& what, const ServeAnswer& a) {
  return fail("TeardownFailed", what + ": " + message_of(a));
}

Expected<void, Error> remove_mapping(ServeClient& client, const service::SamEventSourceMapping& m) {
  auto text = [&](std::string_view key) {
    const Value* v = m.request.find(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string what =
      "event source mapping " + text("EventSourceArn") + " -> " + text("FunctionName");
  auto listed = client.lambda(
      "GET",
      "/2015-03-31/event-source-mappings/?FunctionName=" + net::url_encode(text("FunctionName")) +
          "&EventSourceArn=" + net::url_encode(text("EventSourceArn")),
      Value());
  if (!listed) return Unexpected<Error>(listed.error());
  // A function that is gone has no mappings left.
  const Value* found = listed->body.find("EventSourceMappings");
  if (listed->status == 404 || found == nullptr || !found->is_array() ||
      found->as_array().empty()) {
    if (listed->status >= 300 && listed->status != 404) return teardown_failed(what, *listed);
    std::cout << what << " is not there\n";
    return {};
  }
  for (const Value& mapping : found->as_array()) {
    std::string uuid(mapping.find("UUID")->as_string());
    auto deleted = client.lambda("DELETE", "/2015-03-31/event-source-mappings/" + uuid, Value());
    if (!deleted) return Unexpected<Error>(deleted.error());
    if (deleted->status >= 300 && deleted->status != 404) return teardown_failed(what, *deleted);
  }
  std::cout << what << " deleted\n";
  return {};
}

Expected<void, Error> remove_subscription(ServeClient& client, const service::SamSubscription& s) {
  std::string what = "subscription " + s.protocol + " " + s.endpoint + " to " + s.topic_arn;
  std::string next;
  do {
    Parameters request{{"TopicArn", s.topic_arn}};
    if (!next.empty()) request.emplace_back("NextToken", next);
    auto page = client.sns("ListSubscriptionsByTopic", request);
    if (!page) return Unexpected<Error>(page.error());
    if (page->status == 404 || xml_text(*page, "Code") == "NotFound") break;
    if (page->status >= 300) return teardown_failed(what, *page);
    for (const std::string& member : xml_texts(*page, "member")) {
      ServeAnswer one{200, Value(), member};
      if (xml_text(one, "Protocol") != s.protocol || xml_text(one, "Endpoint") != s.endpoint) {
        continue;
      }
      auto gone =
          client.sns("Unsubscribe", {{"SubscriptionArn", xml_text(one, "SubscriptionArn")}});
      if (!gone) return Unexpected<Error>(gone.error());
      if (gone->status >= 300) return teardown_failed(what, *gone);
      std::cout << what << " deleted\n";
      return {};
    }
    next = xml_text(*page, "NextToken");
  } while (!next.empty());
  std::cout << what << " is not there\n";
  return {};
}

Expected<void, Error> remove_topic(ServeClient& client, const service::SamTopic& t) {
  const std::string& arn = t.arn;
  auto found = client.sns("GetTopicAttributes", {{"TopicArn", arn}});
  if (!found) return Unexpected<Error>(found.error());
  if (found->status >= 300) {
    if (xml_text(*found, "Code") != "NotFound") return teardown_failed("topic " + t.name, *found);
    std::cout << "topic " << t.name << " is not there\n";
    return {};
  }
  auto deleted = client.sns("DeleteTopic", {{"TopicArn", arn}});
  if (!deleted) return Unexpected<Error>(deleted.error());
  if (deleted->status >= 300) return teardown_failed("topic " + t.name, *deleted);
  std::cout << "topic " << t.name << " deleted: " << arn << "\n";
  return {};
}

Expected<void, Error> remove_queue(ServeClient& client, const service::SamQueue& q) {
  auto found = client.sqs("GetQueueUrl",
                          json::ObjectBuilder().add("QueueName", Value::string(q.name)).build());
  if (!found) return Unexpected<Error>(found.error());
  if (found->status >= 300) {
    if (error_name(*found) != "QueueDoesNotExist")
      return teardown_failed("queue " + q.name, *found);
    std::cout << "queue " << q.name << " is not there\n";
    return {};
  }
  const Value* url = found->body.find("QueueUrl");
  auto deleted = client.sqs("DeleteQueue", json::ObjectBuilder().add("QueueUrl", *url).build());
  if (!deleted) return Unexpected<Error>(deleted.error());
  if (deleted->status >= 300) return teardown_failed("queue " + q.name, *deleted);
  std::cout << "queue " << q.name << " deleted\n";
  return {};
}

}  // namespace

Expected<void, Error> deploy_queues_and_topics(ServeClient& client,
                                               const service::SamProject& project) {
  std::vector<std::string> urls;
  for (const service::SamQueue& q : project.queues) {
    auto url = deploy_queue(client, q);
    if (!url) return Unexpected<Error>(url.error());
    urls.push_back(*url);
  }
  for (std::size_t i = 0; i < project.queues.size(); ++i) {
    if (auto ok = set_redrive(client, project.queues[i], urls[i]); !ok) return ok;
  }
  for (const service::SamTopic& t : project.topics) {
    if (auto ok = deploy_topic(client, t); !ok) return ok;
  }
  return {};
}

Expected<void, Error> deploy_triggers(ServeClient& client, const service::SamProject& project) {
  for (const service::SamSubscription& s : project.subscriptions) {
    if (auto ok = deploy_subscription(client, s); !ok) return ok;
  }
  for (const service::SamEventSourceMapping& m : project.event_source_mappings) {
    if (auto ok = deploy_mapping(client, m); !ok) return ok;
  }
  for (const service::SamQueuePolicy& p : project.queue_policies) {
    for (const std::string& url : p.queue_urls) {
      auto set = required(p.where, "the policy of " + url, [&] {
        return client.sqs(
            "SetQueueAttributes",
            json::ObjectBuilder()
                .add("QueueUrl", Value::string(url))
                .add("Attributes",
                     json::ObjectBuilder().add("Policy", Value::string(p.policy)).build())
                .build());
      });
      if (!set) return Unexpected<Error>(set.error());
    }
  }
  return {};
}

}  // namespace baton::cli

namespace baton::cli {

Expected<void, Error> teardown_triggers(ServeClient& client, const service::SamProject& project) {
  for (const service::SamEventSourceMapping& m : project.event_source_mappings) {
    if (auto ok = remove_mapping(client, m); !ok) return ok;
  }
  for (const service::SamSubscription& s : project.subscriptions) {
    if (auto ok = remove_subscription(client, s); !ok) return ok;
  }
  return {};
}

Expected<void, Error> teardown_queues_and_topics(ServeClient& client,
                                                 const service::SamProject& project) {
  for (const service::SamTopic& t : project.topics) {
    if (auto ok = remove_topic(client, t); !ok) return ok;
  }
  for (const service::SamQueue& q : project.queues) {
    if (auto ok = remove_queue(client, q); !ok) return ok;
  }
  return {};
}

}  // namespace baton::cli
