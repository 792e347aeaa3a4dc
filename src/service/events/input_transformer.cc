// InputTransformer: reading InputPathsMap and InputTemplate once, when PutTargets sets them,
// and filling the template for each event delivered.

#include "service/events/input_transformer.h"

#include <map>
#include <optional>

namespace baton::service::events {

using json::Value;

namespace {

Unexpected<Error> invalid(std::string_view where, const std::string& message) {
  return Unexpected<Error>(Error{"ValidationException", std::string(where) + message});
}

// AWS's pattern for a variable's name, [A-Za-z0-9_-]+: the reserved names, which have dots,
// cannot be defined.
bool valid_variable_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A JSON string's content: the string as JSON without its quotes.
std::string escaped(std::string_view s) {
  std::string quoted = json::to_string(Value::string(std::string(s)));
  return quoted.substr(1, quoted.size() - 2);
}

std::string_view trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<InputTransformer> InputTransformer::read(const Value& spec, std::string_view where) {
  if (!spec.is_object()) return invalid(where, "InputTransformer must be an object.");
  const Value* tmpl = spec.find("InputTemplate");
  if (tmpl == nullptr || !tmpl->is_string() || tmpl->as_string().empty()) {
    return invalid(where, "InputTransformer.InputTemplate is required.");
  }
  std::string_view text = tmpl->as_string();
  if (text.size() > kMaxInputTemplateBytes) {
    return invalid(where, "InputTransformer.InputTemplate is longer than " +
                              std::to_string(kMaxInputTemplateBytes) + " characters.");
  }
  InputTransformer t;
  std::map<std::string, std::size_t, std::less<>> names;
  if (const Value* map = spec.find("InputPathsMap"); map != nullptr && !map->is_null()) {
    if (!map->is_object()) return invalid(where, "InputTransformer.InputPathsMap must be a map.");
    if (map->size() > kMaxInputPathsMapEntries) {
      return invalid(where, "InputTransformer.InputPathsMap has " + std::to_string(map->size()) +
                                " variables; at most " + std::to_string(kMaxInputPathsMapEntries) +
                                " are allowed.");
    }
    for (const json::Member& m : map->members()) {
      std::string name(m.name());
      std::string at = "InputTransformer.InputPathsMap." + name;
      if (!valid_variable_name(name)) {
        return invalid(where, at + ": a variable's name has only letters, digits, _ and - " +
                                  "(names starting with aws. are reserved).");
      }
      if (!m.value.is_string() || m.value.as_string().empty() ||
          m.value.as_string().size() > kMaxInputPathBytes) {
        return invalid(where, at + " must be a JSON path of 1 to " +
                                  std::to_string(kMaxInputPathBytes) + " characters.");
      }
      auto path = asl::Path::compile(m.value.as_string());
      if (!path || path->root() != asl::PathRoot::Input) {
        return invalid(
            where, at + " is not a valid JSON path" +
                       (path ? std::string(" (it must start with $)") : ": " + path.error()) + ".");
      }
      names.emplace(name, t.variables_.size());
      t.variables_.push_back(std::move(*path));
    }
  }
  auto resolve = [&](std::string_view name) -> std::optional<Placeholder> {
    if (name == "aws.events.rule-arn") return Placeholder{Source::RuleArn};
    if (name == "aws.events.rule-name") return Placeholder{Source::RuleName};
    if (name == "aws.events.event.ingestion-time") return Placeholder{Source::IngestionTime};
    if (name == "aws.events.event") return Placeholder{Source::EventWithoutDetail};
    if (name == "aws.events.event.json") return Placeholder{Source::Event};
    auto found = names.find(name);
    if (found == names.end()) return std::nullopt;
    return Placeholder{Source::Variable, found->second};
  };
  // Cut the template at its placeholders, noting which sit inside a JSON string.
  std::string literal;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string && c == '\\' && i + 1 < text.size()) {
      literal += text.substr(i, 2);
      ++i;
      continue;
    }
    if (c == '"') in_string = !in_string;
    if (c == '<') {
      std::size_t close = text.find('>', i + 1);
      if (close != std::string_view::npos) {
        if (auto p = resolve(text.substr(i + 1, close - i - 1))) {
          p->quoted = in_string;
          t.text_.push_back(std::move(literal));
          literal.clear();
          t.placeholders_.push_back(*p);
          i = close;
          continue;
        }
      }
    }
    literal += c;
  }
  t.text_.push_back(std::move(literal));
  // Is it JSON once filled? Fill each placeholder with what keeps JSON JSON and see.
  std::string probe;
  for (std::size_t i = 0; i < t.placeholders_.size(); ++i) {
    probe += t.text_[i];
    probe += t.placeholders_[i].quoted ? "" : "null";
  }
  probe += t.text_.back();
  auto parsed = json::parse(probe);
  t.json_ = parsed.has_value();
  std::string_view body = trimmed(text);
  if (body.starts_with('{') && body.ends_with('}') && (!parsed || !parsed->is_object())) {
    return invalid(where,
                   "InputTransformer.InputTemplate is in braces but is not a JSON object once "
                   "its placeholders are filled (a placeholder cannot be an object's key).");
  }
  return t;
}

std::string InputTransformer::apply(const Value& event, const TransformContext& context) const {
  std::string out = text_.front();
  for (std::size_t i = 0; i < placeholders_.size(); ++i) {
    const Placeholder& p = placeholders_[i];
    std::optional<Value> value;
    bool raw_json = false;  // the event, put in as JSON even inside quotes
    switch (p.source) {
      case Source::Variable: {
        asl::Scope scope;
        scope.input = &event;
        auto found = variables_[p.variable].evaluate_on(event, scope);
        if (found) value = std::move(*found);
        break;
      }
      case Source::RuleArn:
        value = Value::string(context.rule_arn);
        break;
      case Source::RuleName:
        value = Value::string(context.rule_name);
        break;
      case Source::IngestionTime:
        value = Value::string(context.ingestion_time);
        break;
      case Source::EventWithoutDetail: {
        json::ObjectBuilder without;
        for (const json::Member& m : event.members()) {
          if (m.name() != "detail") without.add(m.name(), m.value);
        }
        value = without.build();
        raw_json = true;
        break;
      }
      case Source::Event:
        value = event;
        raw_json = true;
        break;
    }
    if (!value) {
      if (json_ && !p.quoted) out += "null";
    } else if (json_ && !p.quoted) {
      out += json::to_string(*value);
    } else if (value->is_string()) {
      out += json_ ? escaped(value->as_string()) : std::string(value->as_string());
    } else {
      std::string as_json = json::to_string(*value);
      out += json_ && !raw_json ? escaped(as_json) : as_json;
    }
    out += text_[i + 1];
  }
  return out;
}

}  // namespace baton::service::events
