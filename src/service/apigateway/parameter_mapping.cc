// Parameter mapping of HTTP APIs: parsing the mapped values, evaluating them for a request, and
// applying RequestParameters and ResponseParameters, as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
// describes them.

#include "service/apigateway/parameter_mapping.h"

#include <algorithm>
#include <charconv>
#include <functional>

#include "asl/path.h"
#include "core/text.h"
#include "net/http.h"
#include "net/http_client.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

Unexpected<Error> invalid(const std::string& message) {
  return fail("BadRequestException", message);
}

// "request.header.x" (without its `$`) as a source.
Result<Source> parse_source(std::string_view s, std::string_view written, MappingSide side) {
  Source source;
  source.text = std::string(written);
  auto after = [&s](std::string_view prefix) -> std::optional<std::string_view> {
    if (s.starts_with(prefix) && s.size() > prefix.size()) return s.substr(prefix.size());
    return std::nullopt;
  };
  // A JSONPath below a body: "a.b", "items[0]".
  auto body_path = [&](std::string_view rest) -> Result<std::string> {
    std::string path = rest.starts_with("[") ? "$" + std::string(rest) : "$." + std::string(rest);
    if (!asl::Path::compile_reference(path)) {
      return invalid("Invalid source: " + std::string(written) +
                     " (a JSON path of .names and [indexes]: recursive descent and filter "
                     "expressions are not supported)");
    }
    return std::string(rest);
  };
  bool request = side == MappingSide::Request;
  if (auto name = after("request.header."); name && request) {
    source.kind = SourceKind::RequestHeader;
    source.name = ascii_lower(*name);
  } else if (auto query = after("request.querystring."); query && request) {
    source.kind = SourceKind::RequestQuery;
    source.name = std::string(*query);
  } else if (s == "request.path" && request) {
    source.kind = SourceKind::RequestPath;
  } else if (auto parameter = after("request.path."); parameter && request) {
    source.kind = SourceKind::RequestPathParameter;
    source.name = std::string(*parameter);
  } else if (s == "request.body" && request) {
    source.kind = SourceKind::RequestBody;
  } else if (s.starts_with("request.body") && request) {
    source.kind = SourceKind::RequestBody;
    std::string_view rest = s.substr(12);
    if (rest.starts_with(".")) rest.remove_prefix(1);
    auto path = body_path(rest);
    if (!path) return Unexpected<Error>(path.error());
    source.name = *path;
  } else if (auto header = after("response.header."); header && !request) {
    source.kind = SourceKind::ResponseHeader;
    source.name = ascii_lower(*header);
  } else if (s == "response.body" && !request) {
    source.kind = SourceKind::ResponseBody;
  } else if (s.starts_with("response.body") && !request) {
    source.kind = SourceKind::ResponseBody;
    std::string_view rest = s.substr(13);
    if (rest.starts_with(".")) rest.remove_prefix(1);
    auto path = body_path(rest);
    if (!path) return Unexpected<Error>(path.error());
    source.name = *path;
  } else if (auto variable = after("context.")) {
    source.kind = SourceKind::Context;
    source.name = std::string(*variable);
  } else if (auto stage = after("stageVariables.")) {
    source.kind = SourceKind::StageVariable;
    source.name = std::string(*stage);
  } else {
    return invalid("Invalid source: " + std::string(written));
  }
  return source;
}

// The member a JSONPath below `document` names, as text: a string as itself, else its JSON.
std::optional<std::string> member_text(std::string_view document, const std::string& path) {
  if (path.empty()) return std::string(document);
  auto parsed = json::parse(document);
  if (!parsed) return std::nullopt;
  auto compiled = asl::Path::compile_reference(path.starts_with("[") ? "$" + path : "$." + path);
  if (!compiled) return std::nullopt;
  const Value* at = &*parsed;
  Value held;
  for (const asl::Path::Step& step : compiled->reference_steps()) {
    if (step.is_index()) {
      if (!at->is_array() || static_cast<std::size_t>(step.index) >= at->size()) {
        return std::nullopt;
      }
      held = at->as_array()[static_cast<std::size_t>(step.index)];
    } else {
      const Value* next = at->is_object() ? at->find(step.name) : nullptr;
      if (next == nullptr) return std::nullopt;
      held = *next;
    }
    at = &held;
  }
  if (at->is_string()) return std::string(at->as_string());
  return json::to_string(*at);
}

std::optional<std::string> joined(const std::vector<std::string_view>& values) {
  if (values.empty()) return std::nullopt;
  std::string out;
  for (std::string_view v : values) out += (out.empty() ? "" : ",") + std::string(v);
  return out;
}

// The values of query string parameter `name`, decoded.
std::vector<std::string> query_values(std::string_view raw_query, std::string_view name) {
  std::vector<std::string> out;
  for (auto& [key, value] : net::form_pairs(raw_query)) {
    if (key == name) out.push_back(std::move(value));
  }
  return out;
}

std::optional<std::string> context_variable(const std::string& name, const MappingInput& in) {
  if (in.context == nullptr) return std::nullopt;
  const ProxyContext& c = *in.context;
  if (name == "accountId") return c.account_id;
  if (name == "apiId") return c.api_id;
  if (name == "domainName") return c.domain_name;
  if (name == "domainPrefix") return c.domain_name.substr(0, c.domain_name.find('.'));
  if (name == "requestId" || name == "extendedRequestId") return c.request_id;
  if (name == "routeKey") return c.route_key;
  if (name == "stage") return c.stage;
  if (name == "path") return c.path;
  if (name == "requestTime") return request_time(c.time_ms);
  if (name == "requestTimeEpoch") return std::to_string(c.time_ms);
  if (in.request != nullptr) {
    if (name == "httpMethod") return in.request->method;
    if (name == "protocol") return in.request->protocol;
    if (name == "identity.sourceIp") return in.request->source_ip;
    if (name == "identity.userAgent") return joined(in.request->header_values("user-agent"));
  }
  return std::nullopt;
}

std::optional<std::string> source_value(const Source& s, const MappingInput& in) {
  switch (s.kind) {
    case SourceKind::RequestHeader:
      if (in.request == nullptr) return std::nullopt;
      return joined(in.request->header_values(s.name));
    case SourceKind::RequestQuery: {
      if (in.request == nullptr) return std::nullopt;
      auto values = query_values(in.request->raw_query, s.name);
      std::vector<std::string_view> views(values.begin(), values.end());
      return joined(views);
    }
    case SourceKind::RequestPath:
      if (in.context == nullptr) return std::nullopt;
      return in.context->path;
    case SourceKind::RequestPathParameter:
      if (in.context == nullptr) return std::nullopt;
      for (const auto& [name, value] : in.context->path_parameters) {
        if (name == s.name) return value;
      }
      return std::nullopt;
    case SourceKind::RequestBody:
      if (in.request == nullptr) return std::nullopt;
      if (s.name.empty() && in.request->body.empty()) return std::nullopt;
      return member_text(in.request->body, s.name);
    case SourceKind::Context:
      return context_variable(s.name, in);
    case SourceKind::StageVariable: {
      if (in.context == nullptr || !in.context->stage_variables.is_object()) return std::nullopt;
      const Value* v = in.context->stage_variables.find(s.name);
      if (v == nullptr || !v->is_string()) return std::nullopt;
      return std::string(v->as_string());
    }
    case SourceKind::ResponseHeader: {
      if (in.response == nullptr) return std::nullopt;
      std::vector<std::string_view> values;
      for (const auto& [name, value] : in.response->headers) {
        if (ascii_lower(name) == s.name) values.push_back(value);
      }
      return joined(values);
    }
    case SourceKind::ResponseBody:
      if (in.response == nullptr) return std::nullopt;
      return member_text(in.response->body, s.name);
  }
  return std::nullopt;
}

// "append:header.x" -> {"append", "header", "x"}.
struct Destination {
  std::string action;
  std::string location;
  std::string name;
};

std::optional<Destination> destination_of(std::string_view key) {
  auto colon = key.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  Destination d;
  d.action = std::string(key.substr(0, colon));
  std::string_view rest = key.substr(colon + 1);
  auto dot = rest.find('.');
  d.location = std::string(rest.substr(0, dot));
  if (dot != std::string_view::npos) d.name = std::string(rest.substr(dot + 1));
  return d;
}

bool is_action(const std::string& a) { return a == "append" || a == "overwrite" || a == "remove"; }

// The message AWS gives for a mapping it refuses.
Unexpected<Error> invalid_mapping(const std::string& what) {
  return invalid(
      "Invalid mapping expression specified: Validation Result: warnings : [], errors : [" + what +
      "]");
}

Result<void> check_values(const Value& map, MappingSide side,
                          const std::function<bool(const Destination&)>& allowed,
                          const std::string& keys) {
  if (!map.is_object()) return invalid_mapping("parameters must be a map of strings");
  for (const json::Member& m : map.members()) {
    auto d = destination_of(m.name());
    if (!d || !allowed(*d)) {
      return invalid_mapping("Invalid mapping expression specified: " + std::string(m.name()) +
                             " (" + keys + ")");
    }
    if (!m.value.is_string()) {
      return invalid_mapping("Invalid source for destination " + std::string(m.name()) +
                             ": a string is required");
    }
    if (d->action == "remove") continue;
    auto parsed = parse_mapped_value(m.value.as_string(), side);
    if (!parsed) {
      return invalid_mapping(parsed.error().cause +
                             " specified for destination: " + std::string(m.name()));
    }
  }
  return {};
}

void set_header(Headers& headers, const std::string& action, const std::string& name,
                const std::string& value) {
  std::string lower = ascii_lower(name);
  auto same = [&lower](const auto& h) { return ascii_lower(h.first) == lower; };
  if (action == "remove" || action == "overwrite") {
    std::erase_if(headers, same);
    if (action == "overwrite") headers.emplace_back(name, value);
    return;
  }
  auto it = std::find_if(headers.begin(), headers.end(), same);
  if (it == headers.end()) {
    headers.emplace_back(name, value);
  } else {
    it->second += "," + value;
  }
}

}  // namespace

bool MappedValue::is_static() const {
  return std::all_of(parts.begin(), parts.end(), [](const Part& p) { return !p.source; });
}

Result<MappedValue> parse_mapped_value(std::string_view text, MappingSide side) {
  MappedValue out;
  if (text.starts_with("$") && text.find("${") == std::string_view::npos) {
    auto source = parse_source(text.substr(1), text, side);
    if (!source) return Unexpected<Error>(source.error());
    out.parts.push_back({"", std::move(*source)});
    return out;
  }
  std::size_t at = 0;
  while (at < text.size()) {
    auto open = text.find("${", at);
    if (open == std::string_view::npos) {
      out.parts.push_back({std::string(text.substr(at)), std::nullopt});
      break;
    }
    if (open > at) out.parts.push_back({std::string(text.substr(at, open - at)), std::nullopt});
    auto close = text.find('}', open);
    if (close == std::string_view::npos) {
      return invalid("Invalid source: " + std::string(text) + " (a ${ with no closing })");
    }
    auto source = parse_source(text.substr(open + 2, close - open - 2),
                               text.substr(open, close - open + 1), side);
    if (!source) return Unexpected<Error>(source.error());
    out.parts.push_back({"", std::move(*source)});
    at = close + 1;
  }
  return out;
}

std::optional<std::string> evaluate(const MappedValue& value, const MappingInput& input) {
  std::string out;
  for (const MappedValue::Part& part : value.parts) {
    if (!part.source) {
      out += part.literal;
      continue;
    }
    auto v = source_value(*part.source, input);
    if (!v) return std::nullopt;
    out += *v;
  }
  return out;
}

Result<void> check_response_parameters(const Value& parameters) {
  if (!parameters.is_object()) return invalid_mapping("ResponseParameters must be a map");
  for (const json::Member& m : parameters.members()) {
    int status = 0;
    auto [end, ec] = std::from_chars(m.name().data(), m.name().data() + m.name().size(), status);
    if (ec != std::errc() || end != m.name().data() + m.name().size() || status < 200 ||
        status > 599) {
      return invalid_mapping("Invalid status code " + std::string(m.name()) +
                             ": the keys of ResponseParameters are HTTP status codes from 200 "
                             "to 599");
    }
    auto checked = check_values(
        m.value, MappingSide::Response,
        [](const Destination& d) {
          if (d.location == "statuscode") return d.action == "overwrite" && d.name.empty();
          return d.location == "header" && is_action(d.action) && !d.name.empty();
        },
        "overwrite:statuscode, append|overwrite|remove:header.NAME");
    if (!checked) return checked;
  }
  return {};
}

Result<void> check_request_parameters(const Value& parameters) {
  return check_values(
      parameters, MappingSide::Request,
      [](const Destination& d) {
        if (d.location == "path") return d.action == "overwrite" && d.name.empty();
        return (d.location == "header" || d.location == "querystring") && is_action(d.action) &&
               !d.name.empty();
      },
      "append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME, "
      "overwrite:path");
}

void apply_response_parameters(const Value& parameters, const MappingInput& input,
                               HttpAnswer& answer) {
  if (!parameters.is_object()) return;
  const Value* for_status = parameters.find(std::to_string(answer.status));
  if (for_status == nullptr || !for_status->is_object()) return;
  // Every value reads the integration's answer as it came, before any change.
  HttpAnswer original = answer;
  MappingInput from = input;
  from.response = &original;
  for (const json::Member& m : for_status->members()) {
    auto d = destination_of(m.name());
    if (!d || !m.value.is_string()) continue;
    std::optional<std::string> value;
    if (d->action != "remove") {
      auto parsed = parse_mapped_value(m.value.as_string(), MappingSide::Response);
      if (!parsed) continue;
      value = evaluate(*parsed, from);
      if (!value) continue;
    }
    if (d->location == "statuscode") {
      int status = 0;
      auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), status);
      if (ec == std::errc() && end == value->data() + value->size() && status >= 100 &&
          status <= 599) {
        answer.status = status;
      }
    } else if (d->location == "header") {
      set_header(answer.headers, d->action, d->name, value.value_or(""));
    }
  }
}

void apply_request_parameters(const Value& parameters, const MappingInput& input,
                              HttpRequestIn& request) {
  if (!parameters.is_object()) return;
  HttpRequestIn original = request;
  MappingInput from = input;
  from.request = &original;
  for (const json::Member& m : parameters.members()) {
    auto d = destination_of(m.name());
    if (!d || !m.value.is_string()) continue;
    std::optional<std::string> value;
    if (d->action != "remove") {
      auto parsed = parse_mapped_value(m.value.as_string(), MappingSide::Request);
      if (!parsed) continue;
      value = evaluate(*parsed, from);
      if (!value) continue;
    }
    if (d->location == "header") {
      Headers& h = request.headers;
      set_header(h, d->action, ascii_lower(d->name), value.value_or(""));
    } else if (d->location == "path") {
      request.raw_path = *value;
    } else if (d->location == "querystring") {
      std::string rebuilt;
      for (const auto& [key, kept] : net::form_pairs(request.raw_query)) {
        if (key == d->name && d->action != "append") continue;
        rebuilt +=
            (rebuilt.empty() ? "" : "&") + net::url_encode(key) + "=" + net::url_encode(kept);
      }
      if (d->action != "remove") {
        rebuilt +=
            (rebuilt.empty() ? "" : "&") + net::url_encode(d->name) + "=" + net::url_encode(*value);
      }
      request.raw_query = rebuilt;
    }
  }
}

}  // namespace baton::service::apigateway
