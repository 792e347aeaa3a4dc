// Lambda's resource-based policy: AddPermission, GetPolicy and RemovePermission. The statements
// are kept in the function's record ("policy") and shown as Lambda shows them; baton enforces
// none of them (who may call is --auth's business), but keeps what deploy tools add, such as the
// statement a function URL of AuthType NONE comes with (FunctionUrlAuthType).

#include "service/lambda/functions.h"

namespace baton::service::lambda {

using json::Value;

namespace {

Unexpected<Error> invalid(const std::string& message) {
  return fail("InvalidParameterValueException", message);
}

// A Principal as a policy shows it: "*", {"Service": ...} or {"AWS": ...}.
Value principal_of(std::string_view principal) {
  if (principal == "*") return Value::string("*");
  bool service = principal.find(".amazonaws.com") != std::string_view::npos ||
                 principal.find(".amazon.com") != std::string_view::npos;
  std::string aws(principal);
  if (!service && aws.size() == 12 && aws.find_first_not_of("0123456789") == std::string::npos) {
    aws = "arn:aws:iam::" + aws + ":root";
  }
  return json::ObjectBuilder().add(service ? "Service" : "AWS", Value::string(aws)).build();
}

std::vector<Value> statements_of(const store::Resource& function) {
  const Value* policy = function.record.find("policy");
  if (policy == nullptr || !policy->is_array()) return {};
  return {policy->as_array().begin(), policy->as_array().end()};
}

std::string sid_of(const Value& statement) {
  const Value* sid = statement.find("Sid");
  return sid != nullptr && sid->is_string() ? std::string(sid->as_string()) : std::string();
}

}  // namespace

void Lambda::add_permission(const Request& r, Reply reply) {
  auto function = requested_function(r);
  if (!function) return core.answer(reply, Unexpected<Error>(function.error()));
  auto sid = r.required("StatementId");
  auto action = r.required("Action");
  auto principal = r.required("Principal");
  for (const auto* read : {&sid, &action, &principal}) {
    if (!*read) return core.answer(reply, Unexpected<Error>(read->error()));
  }
  if (auto stale = check_revision(r, function->record); !stale) {
    return core.answer(reply, Unexpected<Error>(stale.error()));
  }
  if (!action->starts_with("lambda:")) {
    return core.answer(reply, invalid("Action '" + *action +
                                      "' is not a Lambda action (lambda:InvokeFunction, "
                                      "lambda:InvokeFunctionUrl, lambda:*, ...)"));
  }
  for (const Value& statement : statements_of(*function)) {
    if (sid_of(statement) == *sid) {
      return core.answer(reply, fail("ResourceConflictException",
                                     "The statement id (" + *sid +
                                         ") provided already exists. Please provide a new "
                                         "statement id, or remove the existing statement."));
    }
  }
  auto qualifier = r.string("Qualifier");
  if (!qualifier) return core.answer(reply, Unexpected<Error>(qualifier.error()));
  std::string resource = function->arn + (*qualifier ? ":" + **qualifier : "");
  json::ObjectBuilder conditions;
  json::ObjectBuilder equals;
  bool any_equal = false;
  if (const Value* auth = r.field("FunctionUrlAuthType"); auth != nullptr && auth->is_string()) {
    equals.add("lambda:FunctionUrlAuthType", *auth);
    any_equal = true;
  }
  if (const Value* via = r.field("InvokedViaFunctionUrl"); via != nullptr && via->is_bool()) {
    conditions.add("Bool", json::ObjectBuilder()
                               .add("lambda:InvokedViaFunctionUrl",
                                    Value::string(via->as_bool() ? "true" : "false"))
                               .build());
  }
  if (const Value* account = r.field("SourceAccount"); account != nullptr && account->is_string()) {
    equals.add("AWS:SourceAccount", *account);
    any_equal = true;
  }
  if (const Value* org = r.field("PrincipalOrgID"); org != nullptr && org->is_string()) {
    equals.add("aws:PrincipalOrgID", *org);
    any_equal = true;
  }
  if (any_equal) conditions.add("StringEquals", equals.build());
  if (const Value* source = r.field("SourceArn"); source != nullptr && source->is_string()) {
    conditions.add("ArnLike", json::ObjectBuilder().add("AWS:SourceArn", *source).build());
  }
  Value condition = conditions.build();
  json::ObjectBuilder statement;
  statement.add("Sid", Value::string(*sid));
  statement.add("Effect", Value::string("Allow"));
  statement.add("Principal", principal_of(*principal));
  statement.add("Action", Value::string(*action));
  statement.add("Resource", Value::string(resource));
  if (condition.size() > 0) statement.add("Condition", condition);
  Value added = statement.build();
  std::vector<Value> policy = statements_of(*function);
  policy.push_back(added);
  function->record = json::with_member(function->record, "policy", Value::array(std::move(policy)));
  core.stage(store::ops::PutResource{std::move(*function)});
  core.answer(
      reply, json::ObjectBuilder().add("Statement", Value::string(json::to_string(added))).build());
}

void Lambda::get_policy(const Request& r, Reply reply) {
  auto function = requested_function(r);
  if (!function) return core.answer(reply, Unexpected<Error>(function.error()));
  std::vector<Value> statements = statements_of(*function);
  if (statements.empty()) {
    return core.answer(
        reply, fail("ResourceNotFoundException", "The resource you requested does not exist."));
  }
  Value policy = json::ObjectBuilder()
                     .add("Version", Value::string("2012-10-17"))
                     .add("Id", Value::string("default"))
                     .add("Statement", Value::array(std::move(statements)))
                     .build();
  json::ObjectBuilder out;
  out.add("Policy", Value::string(json::to_string(policy)));
  if (const Value* revision = function->record.find("RevisionId")) out.add("RevisionId", *revision);
  core.answer(reply, out.build());
}

void Lambda::remove_permission(const Request& r, Reply reply) {
  auto function = requested_function(r);
  if (!function) return core.answer(reply, Unexpected<Error>(function.error()));
  auto sid = r.required("StatementId");
  if (!sid) return core.answer(reply, Unexpected<Error>(sid.error()));
  std::vector<Value> statements = statements_of(*function);
  std::vector<Value> kept;
  for (const Value& statement : statements) {
    if (sid_of(statement) != *sid) kept.push_back(statement);
  }
  if (kept.size() == statements.size()) {
    return core.answer(reply, fail("ResourceNotFoundException",
                                   "Statement " + *sid + " is not found in resource policy."));
  }
  function->record = json::with_member(function->record, "policy", Value::array(std::move(kept)));
  core.stage(store::ops::PutResource{std::move(*function)});
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::lambda
