// The Choice state and its rules.

#include "asl/parse_internal.h"

namespace baton::asl::parse_detail {

using json::Value;

namespace {

std::optional<ChoiceRule> build_rule(Builder& builder, const Value& object,
                                     const std::string& location);

std::string_view family_type(ChoiceFamily family) {
  switch (family) {
    case ChoiceFamily::String:
    case ChoiceFamily::Timestamp:
      return "STRING";
    case ChoiceFamily::Numeric:
      return "NUMBER";
    case ChoiceFamily::Boolean:
    case ChoiceFamily::Type:
      return "BOOLEAN";
  }
  return "STRING";
}

bool operand_has_type(ChoiceFamily family, const Value& v) {
  switch (family) {
    case ChoiceFamily::String:
    case ChoiceFamily::Timestamp:
      return v.is_string();
    case ChoiceFamily::Numeric:
      return v.is_number();
    case ChoiceFamily::Boolean:
    case ChoiceFamily::Type:
      return v.is_bool();
  }
  return false;
}

// The rule's comparison, given the one operator field it has.
std::optional<ChoiceRule> build_comparison(ObjectReader& reader, const ChoiceOperator& op) {
  ChoiceRule rule;
  rule.kind = ChoiceRule::Kind::Comparison;
  rule.op = &op;
  reader.require({"Variable"});
  auto variable = reader.path("Variable");
  const Value* operand = reader.take(op.name);
  bool ok = variable.has_value();
  if (variable) rule.variable = std::move(*variable);
  if (op.is_path) {
    if (!operand->is_string()) {
      reader.error_at(op.name, "Expected value of type [STRING]");
      return std::nullopt;
    }
    auto path = Path::compile(operand->as_string());
    if (!path) {
      reader.error_at(op.name, "Value must be a valid JSONPath.");
      return std::nullopt;
    }
    rule.operand_path = std::move(*path);
  } else {
    if (!operand_has_type(op.family, *operand)) {
      reader.error_at(op.name,
                      "Expected value of type [" + std::string(family_type(op.family)) + "]");
      return std::nullopt;
    }
    if (op.family == ChoiceFamily::Timestamp) {
      rule.timestamp = parse_rfc3339(operand->as_string());
      if (!rule.timestamp) {
        reader.error_at(op.name, "String does not match RFC3339 timestamp");
        return std::nullopt;
      }
    }
    rule.operand = *operand;
  }
  if (!ok) return std::nullopt;
  return rule;
}

std::optional<ChoiceRule> build_rule_fields(ObjectReader& reader) {
  // A rule with a bad operator still has a legitimate Variable.
  reader.take("Variable");
  // Exactly one operator: a comparison, And, Or or Not.
  std::vector<std::string_view> present;
  const ChoiceOperator* comparison = nullptr;
  for (const ChoiceOperator& op : choice_operators()) {
    if (reader.has(op.name)) {
      present.push_back(op.name);
      comparison = &op;
    }
  }
  for (std::string_view combinator : {"And", "Or", "Not"}) {
    if (reader.has(combinator)) present.push_back(combinator);
  }
  if (present.empty()) {
    reader.error(codes::kSchemaValidationFailed,
                 "A Choice rule needs exactly one comparison operator (such as StringEquals or "
                 "IsPresent), or And, Or or Not",
                 reader.location());
    return std::nullopt;
  }
  if (present.size() > 1) {
    std::string names;
    for (std::string_view name : present) {
      reader.take(name);
      if (!names.empty()) names += ", ";
      names += name;
    }
    reader.error(codes::kSchemaValidationFailed,
                 "There should only be one of the following fields: [" + names + "]",
                 reader.location());
    return std::nullopt;
  }
  if (comparison != nullptr) return build_comparison(reader, *comparison);

  ChoiceRule rule;
  if (const Value* inner = reader.take("Not")) {
    rule.kind = ChoiceRule::Kind::Not;
    if (!inner->is_object()) {
      reader.error_at("Not", "Expected value of type [OBJECT]");
      return std::nullopt;
    }
    auto child = build_rule(reader.builder(), *inner, reader.at("Not"));
    if (!child) return std::nullopt;
    rule.children.push_back(std::move(*child));
    return rule;
  }
  std::string_view name = reader.has("And") ? "And" : "Or";
  rule.kind = name == "And" ? ChoiceRule::Kind::And : ChoiceRule::Kind::Or;
  const Value* list = reader.array(name);
  if (list == nullptr) return std::nullopt;
  if (list->size() == 0) {
    reader.error_at(name, "The list must have at least one Choice rule");
    return std::nullopt;
  }
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string location = reader.at(name) + "[" + std::to_string(i) + "]";
    auto child = build_rule(reader.builder(), (*list)[i], location);
    if (child) {
      rule.children.push_back(std::move(*child));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return rule;
}

// A nested rule: no Next, no Assign.
std::optional<ChoiceRule> build_rule(Builder& builder, const Value& object,
                                     const std::string& location) {
  if (!object.is_object()) {
    builder.diagnostics().push_back({Severity::Error, std::string(codes::kSchemaValidationFailed),
                                     "Expected value of type [OBJECT]", location});
    return std::nullopt;
  }
  ObjectReader reader(builder, object, location);
  reader.string("Comment");
  auto rule = build_rule_fields(reader);
  reader.finish();
  return rule;
}

bool rule_reads_context(const ChoiceRule& rule) {
  if (rule.kind == ChoiceRule::Kind::Comparison) {
    return rule.variable.root() == PathRoot::Context ||
           (rule.op->is_path && rule.operand_path.root() == PathRoot::Context);
  }
  for (const ChoiceRule& child : rule.children) {
    if (rule_reads_context(child)) return true;
  }
  return false;
}

}  // namespace

void build_choice(ObjectReader& reader, State& state, Builder& builder, const Graph& graph,
                  GraphRefs& refs) {
  ChoiceState choice;
  reader.require({"Choices"});
  if (const Value* list = reader.array("Choices")) {
    if (list->size() == 0) {
      reader.error_at("Choices", "The list must have at least one Choice rule");
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      std::string location = reader.at("Choices") + "[" + std::to_string(i) + "]";
      const Value& object = (*list)[i];
      if (!object.is_object()) {
        reader.error(codes::kSchemaValidationFailed, "Expected value of type [OBJECT]", location);
        continue;
      }
      ObjectReader r(builder, object, location);
      r.require({"Next"});
      r.string("Comment");
      auto next = builder.resolve(graph, refs, r.take("Next"), r.at("Next"));
      auto assign = r.assign("Assign");
      auto rule = build_rule_fields(r);
      r.finish();
      if (rule && next) choice.choices.push_back({std::move(*rule), *next, std::move(assign)});
    }
  }
  choice.default_state = builder.resolve(graph, refs, reader.take("Default"), reader.at("Default"));
  for (const ChoiceBranch& branch : choice.choices) {
    choice.reads_context = choice.reads_context || rule_reads_context(branch.rule);
  }
  state.body = std::move(choice);
}

}  // namespace baton::asl::parse_detail
