#pragma once

// Step Functions ARNs and names, as AWS forms and checks them.

#include <optional>
#include <string>
#include <string_view>

namespace baton::service {

// Where this service says it runs: every ARN it makes carries these.
struct Partition {
  std::string region = "us-east-1";
  std::string account = "123456789012";

  std::string state_machine_arn(std::string_view name) const;
  std::string execution_arn(std::string_view machine, std::string_view execution) const;
  std::string express_execution_arn(std::string_view machine, std::string_view execution,
                                    std::string_view id) const;
  std::string activity_arn(std::string_view name) const;
};

// The id EventBridge puts at the end of a connection's or an API destination's ARN
// (".../connection/NAME/ID"), made from the ARN before it: the same name has the same ARN from
// one creation to the next, so that a template can name it before it exists.
std::string arn_suffix_id(std::string_view arn_prefix);

// The parts of a states ARN: arn:aws:states:<region>:<account>:<type>:<rest...>.
struct ParsedArn {
  std::string region;
  std::string account;
  std::string type;       // stateMachine, execution, express, activity, mapRun
  std::string name;       // the state machine's (or activity's) name
  std::string qualifier;  // stateMachine: a version number or an alias name; execution: its name
  std::string test_case;  // "#TestCase" after a state machine ARN (Step Functions Local)
  std::string rest;       // express executions: the id after the name
};

// Parses a states ARN; nullopt when it is not one.
std::optional<ParsedArn> parse_arn(std::string_view arn);

// AWS's InvalidArn message for `arn`: "Invalid Arn: 'Invalid ARN prefix: <arn>'" when it does
// not start with "arn:", else "Invalid Arn: '<arn>'".
std::string invalid_arn_message(std::string_view arn);

// AWS's naming rule for state machines, executions, activities and aliases: 1-80 characters,
// none of whitespace, brackets, wildcards, control characters or " # % \ ^ | ~ ` $ & , ; : /.
bool valid_name(std::string_view name);

// An IAM role ARN: arn:<partition>:iam::<account>:role/<name>.
bool valid_role_arn(std::string_view arn);

// An SQS queue's URL from its ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), as SQS answers it; the ARN
// itself when it is not one. What services hand SQS when they send to a queue they know by ARN.
std::string queue_url(std::string_view queue_arn);

}  // namespace baton::service
