// CloudEvents 1.0: the HTTP binding's three content modes, the JSON format's rules, and the
// mapping to and from EventBridge events.

#include "events/cloudevent.h"

#include <cctype>

#include "core/crypto.h"
#include "core/time.h"

namespace baton::events {

using json::Value;

namespace {

Unexpected<Error> invalid(std::string_view where, const std::string& message) {
  return Unexpected<Error>(Error{std::string(kInvalidCloudEvent), std::string(where) + message});
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

// The media type of a Content-Type, lower-cased, without its parameters.
std::string media_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return lower(type);
}

bool is_json_type(std::string_view content_type) {
  std::string type = media_type(content_type);
  return type.empty() || type == "application/json" || type == "text/json" ||
         type.ends_with("+json");
}

bool is_text_type(std::string_view content_type) {
  std::string type = media_type(content_type);
  return type.starts_with("text/") || type.ends_with("+xml") || type == "application/xml";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The binding percent-encodes header values (a space, '"', '%', anything not printable ASCII).
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '%') {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

bool valid_attribute_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

Result<Value> binary_event(const HttpHeaders& headers, std::string_view body) {
  json::ObjectBuilder event;
  for (const auto& [key, value] : headers) {
    if (!key.starts_with("ce-")) continue;
    std::string name = key.substr(3);
    if (name == "data" || name == "data_base64") {
      return invalid("", "header " + key + ": " + name + " is not an attribute");
    }
    event.add(name, Value::string(percent_decode(value)));
  }
  std::string_view content_type = header(headers, "content-type");
  if (!content_type.empty()) event.add("datacontenttype", Value::string(content_type));
  if (!body.empty()) {
    if (is_json_type(content_type)) {
      auto data = json::parse(body);
      if (!data) {
        return invalid("", "the body is not JSON, as Content-Type " +
                               std::string(content_type.empty() ? "(none)" : content_type) +
                               " says it is");
      }
      event.add("data", std::move(*data));
    } else if (is_text_type(content_type)) {
      event.add("data", Value::string(body));
    } else {
      event.add("data_base64", Value::string(crypto::base64_encode(body)));
    }
  }
  return event.build();
}

}  // namespace

Result<Value> validate_cloudevent(const Value& event, std::string_view where) {
  if (!event.is_object()) return invalid(where, "a CloudEvent is a JSON object");
  json::ObjectBuilder out;
  for (const json::Member& m : event.members()) {
    std::string name(m.name());
    if (m.value.is_null()) continue;  // absent, as the JSON format reads null
    if (name == "data") {
      if (event.find("data_base64") != nullptr && !event.find("data_base64")->is_null()) {
        return invalid(where, "data and data_base64 cannot both be given");
      }
    } else if (name == "data_base64") {
      if (!m.value.is_string() || !crypto::base64_decode(m.value.as_string())) {
        return invalid(where, "data_base64 must be base64 text");
      }
    } else if (!valid_attribute_name(name)) {
      return invalid(where, "attribute name \"" + name +
                                "\" is not valid: names are lower-case letters and digits");
    } else if (!m.value.is_string() && !m.value.is_bool() && !m.value.is_int64()) {
      return invalid(where, "attribute " + name + " must be a string, a boolean or an integer");
    }
    out.add(name, m.value);
  }
  Value checked = out.build();
  auto text = [&](std::string_view name) -> const Value* { return checked.find(name); };
  const Value* version = text("specversion");
  if (version == nullptr) return invalid(where, "specversion is required");
  if (!version->is_string() || version->as_string() != "1.0") {
    return invalid(where, "specversion " + json::to_string(*version) +
                              " is not supported: baton reads CloudEvents 1.0");
  }
  for (std::string_view required : {"id", "source", "type"}) {
    const Value* v = text(required);
    if (v == nullptr) return invalid(where, std::string(required) + " is required");
    if (!v->is_string() || v->as_string().empty()) {
      return invalid(where, std::string(required) + " must be a non-empty string");
    }
  }
  for (std::string_view optional : {"subject", "dataschema", "datacontenttype"}) {
    const Value* v = text(optional);
    if (v != nullptr && (!v->is_string() || v->as_string().empty())) {
      return invalid(where, std::string(optional) + " must be a non-empty string");
    }
  }
  if (const Value* time = text("time"); time != nullptr) {
    if (!time->is_string() || !parse_rfc3339(time->as_string())) {
      return invalid(where, "time " + json::to_string(*time) + " is not an RFC 3339 timestamp");
    }
  }
  return checked;
}

Result<std::vector<Value>> read_http_cloudevents(const HttpHeaders& headers,
                                                 std::string_view body) {
  std::string type = media_type(header(headers, "content-type"));
  std::vector<Value> events;
  if (type == "application/cloudevents+json") {
    auto parsed = json::parse(body);
    if (!parsed) return invalid("", "the body is not JSON");
    auto event = validate_cloudevent(*parsed, "");
    if (!event) return Unexpected<Error>(event.error());
    events.push_back(std::move(*event));
  } else if (type == "application/cloudevents-batch+json") {
    auto parsed = json::parse(body);
    if (!parsed || !parsed->is_array()) {
      return invalid("", "a batch is a JSON array of CloudEvents");
    }
    std::size_t i = 0;
    for (const Value& item : parsed->as_array()) {
      auto event = validate_cloudevent(item, "event " + std::to_string(i++) + ": ");
      if (!event) return Unexpected<Error>(event.error());
      events.push_back(std::move(*event));
    }
  } else if (!header(headers, "ce-specversion").empty()) {
    auto event = binary_event(headers, body);
    if (!event) return Unexpected<Error>(event.error());
    auto checked = validate_cloudevent(*event, "");
    if (!checked) return Unexpected<Error>(checked.error());
    events.push_back(std::move(*checked));
  } else {
    return invalid("",
                   "not a CloudEvent: binary mode needs a ce-specversion header, structured "
                   "mode Content-Type application/cloudevents+json, batched mode "
                   "application/cloudevents-batch+json (Content-Type was " +
                       (type.empty() ? std::string("none") : type) + ")");
  }
  return events;
}

Value cloudevent_of(const Value& e) {
  const Value* detail = e.find("detail");
  if (detail != nullptr && detail->is_object()) {
    const Value* version = detail->find("specversion");
    if (version != nullptr && version->is_string()) return *detail;
  }
  auto member = [&](std::string_view name) {
    const Value* v = e.find(name);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  json::ObjectBuilder out;
  out.add("specversion", Value::string("1.0"));
  out.add("id", Value::string(member("id")));
  out.add("source", Value::string(member("source")));
  out.add("type", Value::string(member("detail-type")));
  if (std::string time = member("time"); !time.empty()) out.add("time", Value::string(time));
  if (const Value* resources = e.find("resources"); resources != nullptr && resources->is_array() &&
                                                    resources->size() > 0 &&
                                                    resources->as_array()[0].is_string()) {
    out.add("subject", resources->as_array()[0]);
  }
  out.add("datacontenttype", Value::string("application/json"));
  out.add("data", detail != nullptr ? *detail : Value::object({}));
  return out.build();
}

std::pair<HttpHeaders, std::string> binary_http(const Value& event) {
  HttpHeaders headers;
  std::string body;
  std::string content_type = "application/json";
  for (const json::Member& m : event.members()) {
    std::string_view name = m.name();
    if (name == "data") {
      continue;  // below, once the content type is known
    } else if (name == "data_base64") {
      body = crypto::base64_decode(m.value.as_string()).value_or("");
    } else if (name == "datacontenttype") {
      content_type = std::string(m.value.as_string());
    } else {
      std::string value =
          m.value.is_string() ? std::string(m.value.as_string()) : json::to_string(m.value);
      headers.emplace_back("ce-" + std::string(name), percent_encode(value));
    }
  }
  // The data's form depends on the content type, which may come after it.
  if (const Value* data = event.find("data"); data != nullptr) {
    body = data->is_string() && !is_json_type(content_type) ? std::string(data->as_string())
                                                            : json::to_string(*data);
  }
  headers.emplace_back("content-type", content_type);
  return {std::move(headers), std::move(body)};
}

}  // namespace baton::events
