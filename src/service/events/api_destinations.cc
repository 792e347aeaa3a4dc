// Connections (how to authorize a request: an API key header, basic credentials, OAuth client
// credentials; and parameters added to every request) and API destinations (an HTTP endpoint
// and method, through a connection): the targets that take events to HTTP endpoints. Secrets
// are kept for the requests, never answered back. Their ARNs end in an id made from their name
// (service/arn.h), so a template can name them before they exist.

#include "service/arn.h"
#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

namespace {

Value epoch_seconds(std::int64_t ms) { return Value::number(static_cast<double>(ms) / 1000.0); }

// The record a connection is described with: the auth parameters without their secrets.
Value without_secrets(const Value& auth) {
  json::ObjectBuilder out;
  for (const json::Member& m : auth.members()) {
    std::string_view key = m.name();
    if (key == "BasicAuthParameters") {
      out.add(
          key,
          json::ObjectBuilder().add("Username", text(string_member(m.value, "Username"))).build());
    } else if (key == "ApiKeyAuthParameters") {
      out.add(key, json::ObjectBuilder()
                       .add("ApiKeyName", text(string_member(m.value, "ApiKeyName")))
                       .build());
    } else if (key == "OAuthParameters") {
      json::ObjectBuilder oauth;
      for (const json::Member& o : m.value.members()) {
        if (o.name() == "ClientParameters") {
          oauth.add(o.name(), json::ObjectBuilder()
                                  .add("ClientID", text(string_member(o.value, "ClientID")))
                                  .build());
        } else {
          oauth.add(o.name(), o.value);
        }
      }
      out.add(key, oauth.build());
    } else {
      out.add(key, m.value);
    }
  }
  return out.build();
}

Value connection_summary(const HttpResource& c, bool full) {
  json::ObjectBuilder out;
  out.add("ConnectionArn", text(c.arn));
  out.add("Name", text(c.name));
  out.add("ConnectionState", text("AUTHORIZED"));
  out.add("AuthorizationType", text(string_member(c.record, "AuthorizationType")));
  if (full) {
    if (std::string d = string_member(c.record, "Description"); !d.empty()) {
      out.add("Description", text(d));
    }
    if (const Value* auth = c.record.find("AuthParameters"); auth != nullptr) {
      out.add("AuthParameters", without_secrets(*auth));
    }
  }
  out.add("CreationTime", epoch_seconds(c.created_ms));
  out.add("LastModifiedTime", epoch_seconds(c.modified_ms));
  out.add("LastAuthorizedTime", epoch_seconds(c.modified_ms));
  return out.build();
}

Value destination_summary(const HttpResource& d, bool full) {
  json::ObjectBuilder out;
  out.add("ApiDestinationArn", text(d.arn));
  out.add("Name", text(d.name));
  out.add("ApiDestinationState", text("ACTIVE"));
  if (full) {
    if (std::string s = string_member(d.record, "Description"); !s.empty()) {
      out.add("Description", text(s));
    }
  }
  for (std::string_view key : {"ConnectionArn", "InvocationEndpoint", "HttpMethod"}) {
    out.add(key, text(string_member(d.record, key)));
  }
  const Value* rate = d.record.find("InvocationRateLimitPerSecond");
  out.add("InvocationRateLimitPerSecond", rate != nullptr ? *rate : Value::integer(300));
  out.add("CreationTime", epoch_seconds(d.created_ms));
  out.add("LastModifiedTime", epoch_seconds(d.modified_ms));
  return out.build();
}

// What AWS checks of a connection's authorization.
Expected<void, Error> check_auth(const Request& r) {
  std::string type = string_member(r.body(), "AuthorizationType");
  const Value* auth = r.field("AuthParameters");
  std::string_view needed = type == "BASIC"     ? "BasicAuthParameters"
                            : type == "API_KEY" ? "ApiKeyAuthParameters"
                                                : "OAuthParameters";
  if (auth == nullptr || auth->find(needed) == nullptr) {
    return validation("AuthParameters." + std::string(needed) + " is required for " +
                      "AuthorizationType " + type + ".");
  }
  return {};
}

// Fields of the request body, as the record keeps them.
Value record_of(const Request& r) {
  json::ObjectBuilder out;
  for (const json::Member& m : r.body().members()) out.add(m.name(), m.value);
  return out.build();
}

}  // namespace

void EventBridge::save(const HttpResource& resource, store::Kind kind) {
  store::Resource stored;
  stored.kind = kind;
  stored.arn = resource.arn;
  stored.name = resource.name;
  stored.created_ms = resource.created_ms;
  stored.record = json::ObjectBuilder()
                      .add("Record", resource.record)
                      .add("LastModified", Value::integer(resource.modified_ms))
                      .build();
  core.stage(store::ops::PutResource{std::move(stored)});
}

Expected<void, Error> EventBridge::recover_http_resources() {
  for (auto [kind, into] : {std::pair{store::Kind::EventConnection, &connections},
                            std::pair{store::Kind::ApiDestination, &api_destinations}}) {
    std::string next;
    store::PageRequest page{"", 1000};
    do {
      auto found = core.store->resources(kind, "", page, next);
      if (!found) return Unexpected<Error>(found.error());
      for (store::Resource& r : *found) {
        const Value* modified = r.record.find("LastModified");
        const Value* record = r.record.find("Record");
        into->emplace(
            r.name,
            HttpResource{r.name, r.arn, record ? *record : Value::object({}), r.created_ms,
                         modified && modified->is_int64() ? modified->as_int64() : r.created_ms});
      }
      page.after = next;
    } while (!next.empty());
  }
  return {};
}

void EventBridge::create_connection(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  if (connections.contains(*name)) {
    return reply(
        fail("ResourceAlreadyExistsException", "Connection " + *name + " already exists."));
  }
  if (auto ok = check_auth(r); !ok) return reply(Unexpected<Error>(ok.error()));
  const Partition& p = core.options.partition;
  std::string prefix = "arn:aws:events:" + p.region + ":" + p.account + ":connection/" + *name;
  HttpResource c{*name, prefix + "/" + arn_suffix_id(prefix), record_of(r), core.now_ms(),
                 core.now_ms()};
  save(c, store::Kind::EventConnection);
  Value summary = connection_summary(c, false);
  connections.emplace(c.name, std::move(c));
  core.answer(reply, summary);
}

void EventBridge::update_connection(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = connections.find(*name);
  if (it == connections.end())
    return reply(not_found("Connection '" + *name + "' does not exist."));
  HttpResource& c = it->second;
  for (const json::Member& m : r.body().members())
    c.record = json::with_member(c.record, m.name(), m.value);
  c.modified_ms = core.now_ms();
  save(c, store::Kind::EventConnection);
  core.answer(reply, connection_summary(c, false));
}

void EventBridge::describe_connection(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = connections.find(*name);
  if (it == connections.end())
    return reply(not_found("Connection '" + *name + "' does not exist."));
  core.answer(reply, connection_summary(it->second, true));
}

void EventBridge::delete_connection(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = connections.find(*name);
  if (it == connections.end())
    return reply(not_found("Connection '" + *name + "' does not exist."));
  Value summary = connection_summary(it->second, false);
  summary = json::with_member(summary, "ConnectionState", text("DELETING"));
  core.stage(store::ops::DeleteResource{store::Kind::EventConnection, it->second.arn});
  connections.erase(it);
  core.answer(reply, summary);
}

void EventBridge::list_connections(const Request& r, Reply reply) {
  auto page = name_page<HttpResource>(r, connections, "Connections", [](const HttpResource& c) {
    return connection_summary(c, false);
  });
  if (!page) return reply(Unexpected<Error>(page.error()));
  core.answer(reply, std::move(*page));
}

void EventBridge::create_api_destination(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  if (api_destinations.contains(*name)) {
    return reply(fail("ResourceAlreadyExistsException",
                      "An api-destination '" + *name + "' already exists."));
  }
  std::string connection = string_member(r.body(), "ConnectionArn");
  bool known = false;
  for (const auto& [key, c] : connections) known = known || c.arn == connection;
  if (!known) return reply(not_found("Connection '" + connection + "' does not exist."));
  std::string endpoint = string_member(r.body(), "InvocationEndpoint");
  if (!endpoint.starts_with("https://") && !endpoint.starts_with("http://")) {
    return reply(validation("InvocationEndpoint " + endpoint + " must be an http(s):// URL."));
  }
  const Partition& p = core.options.partition;
  std::string prefix = "arn:aws:events:" + p.region + ":" + p.account + ":api-destination/" + *name;
  HttpResource d{*name, prefix + "/" + arn_suffix_id(prefix), record_of(r), core.now_ms(),
                 core.now_ms()};
  save(d, store::Kind::ApiDestination);
  Value summary = destination_summary(d, false);
  api_destinations.emplace(d.name, std::move(d));
  core.answer(reply, json::ObjectBuilder()
                         .add("ApiDestinationArn", *summary.find("ApiDestinationArn"))
                         .add("ApiDestinationState", text("ACTIVE"))
                         .add("CreationTime", *summary.find("CreationTime"))
                         .add("LastModifiedTime", *summary.find("LastModifiedTime"))
                         .build());
}

void EventBridge::update_api_destination(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = api_destinations.find(*name);
  if (it == api_destinations.end()) {
    return reply(not_found("An api-destination '" + *name + "' does not exist."));
  }
  HttpResource& d = it->second;
  for (const json::Member& m : r.body().members())
    d.record = json::with_member(d.record, m.name(), m.value);
  d.modified_ms = core.now_ms();
  save(d, store::Kind::ApiDestination);
  Value summary = destination_summary(d, false);
  core.answer(reply, json::ObjectBuilder()
                         .add("ApiDestinationArn", text(d.arn))
                         .add("ApiDestinationState", text("ACTIVE"))
                         .add("CreationTime", *summary.find("CreationTime"))
                         .add("LastModifiedTime", *summary.find("LastModifiedTime"))
                         .build());
}

void EventBridge::describe_api_destination(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = api_destinations.find(*name);
  if (it == api_destinations.end()) {
    return reply(not_found("An api-destination '" + *name + "' does not exist."));
  }
  core.answer(reply, destination_summary(it->second, true));
}

void EventBridge::delete_api_destination(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = api_destinations.find(*name);
  if (it == api_destinations.end()) {
    return reply(not_found("An api-destination '" + *name + "' does not exist."));
  }
  core.stage(store::ops::DeleteResource{store::Kind::ApiDestination, it->second.arn});
  api_destinations.erase(it);
  core.answer(reply, Value::object({}));
}

void EventBridge::list_api_destinations(const Request& r, Reply reply) {
  auto page =
      name_page<HttpResource>(r, api_destinations, "ApiDestinations",
                              [](const HttpResource& d) { return destination_summary(d, false); });
  if (!page) return reply(Unexpected<Error>(page.error()));
  core.answer(reply, std::move(*page));
}

}  // namespace baton::service::events
