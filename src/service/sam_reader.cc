// Reading a SAM template's values, with the intrinsic functions baton resolves.

#include "service/sam_reader.h"

#include <filesystem>

#include "core/crypto.h"
#include "service/arn.h"
#include "service/function_url.h"

namespace baton::service::sam {

namespace fs = std::filesystem;

Reader::Reader(std::string file, const YAML::Node& root, std::uint16_t http_api_port)
    : file_(std::move(file)), root_(root), http_api_port_(http_api_port) {
  stack_ = fs::path(fs::absolute(file_)).parent_path().filename().string();
}

Unexpected<Error> Reader::invalid(const std::string& where, const std::string& what) const {
  return fail("InvalidTemplate", file_ + ": " + where + ": " + what);
}

Result<std::string> Reader::scalar(const YAML::Node& node, const std::string& where) const {
  if (node.IsScalar()) {
    const std::string& tag = node.Tag();
    if (tag == "!Ref") return ref(node.Scalar(), where);
    if (tag == "!Sub") return sub(node.Scalar(), where);
    if (tag == "!GetAtt") return get_att(node.Scalar(), where);
    return node.Scalar();
  }
  if (node.IsMap() && node.size() == 1) {
    auto it = node.begin();
    std::string key = it->first.Scalar();
    const YAML::Node& arg = it->second;
    if (key == "Ref" && arg.IsScalar()) return ref(arg.Scalar(), where);
    if (key == "Fn::Sub" && arg.IsScalar()) return sub(arg.Scalar(), where);
    if (key == "Fn::GetAtt") {
      if (arg.IsScalar()) return get_att(arg.Scalar(), where);
      if (arg.IsSequence() && arg.size() == 2) {
        return get_att(arg[0].Scalar() + "." + arg[1].Scalar(), where);
      }
    }
  }
  if (node.IsSequence() && node.Tag() == "!GetAtt" && node.size() == 2) {
    return get_att(node[0].Scalar() + "." + node[1].Scalar(), where);
  }
  return invalid(where, "expected a value baton can resolve (a string, !Ref, !Sub, !GetAtt)");
}

bool Reader::is_resource(const std::string& id) const {
  return root_["Resources"] && root_["Resources"][id].IsDefined() && root_["Resources"][id].IsMap();
}

std::string Reader::type_of(const std::string& id) const {
  if (!is_resource(id)) return "";
  return root_["Resources"][id]["Type"].as<std::string>("");
}

std::string Reader::named(const std::string& logical_id, const char* property,
                          std::size_t max_length) const {
  if (!is_resource(logical_id)) return "";
  const YAML::Node props = root_["Resources"][logical_id]["Properties"];
  if (props && props[property] && props[property].IsScalar() && props[property].Tag() != "!Sub" &&
      props[property].Tag() != "!Ref") {
    return props[property].Scalar();
  }
  // As CloudFormation: STACK-LOGICALID-SUFFIX, the suffix 12 letters and digits (here derived
  // from the stack and the id, so a second deploy finds what the first made).
  std::string digest = crypto::hex_digest(crypto::Digest::SHA256, stack_ + "/" + logical_id);
  std::string suffix;
  for (std::size_t i = 0; i < 12; ++i) {
    suffix +=
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[std::stoi(digest.substr(i * 2, 2), nullptr, 16) %
                                               36];
  }
  std::string name = stack_ + "-" + logical_id;
  if (name.size() + 13 > max_length) name.resize(max_length - 13);
  return name + "-" + suffix;
}

std::string Reader::function_name(const std::string& logical_id) const {
  const YAML::Node props = root_["Resources"][logical_id]["Properties"];
  if (props && props["FunctionName"] && props["FunctionName"].IsScalar() &&
      props["FunctionName"].Tag() != "!Sub") {
    return props["FunctionName"].Scalar();
  }
  return logical_id;
}

std::string Reader::queue_name(const std::string& logical_id) const {
  const YAML::Node props = root_["Resources"][logical_id]["Properties"];
  bool fifo = props && props["FifoQueue"] && props["FifoQueue"].as<std::string>("") == "true";
  bool given = props && props["QueueName"];
  std::string name = named(logical_id, "QueueName", fifo ? 75 : 80);
  return fifo && !given ? name + ".fifo" : name;
}

std::string Reader::topic_name(const std::string& logical_id) const {
  const YAML::Node props = root_["Resources"][logical_id]["Properties"];
  bool fifo = props && props["FifoTopic"] && props["FifoTopic"].as<std::string>("") == "true";
  bool given = props && props["TopicName"];
  std::string name = named(logical_id, "TopicName", fifo ? 251 : 256);
  return fifo && !given ? name + ".fifo" : name;
}

std::string Reader::state_machine_name(const std::string& logical_id) const {
  const YAML::Node props = root_["Resources"][logical_id]["Properties"];
  for (const char* key : {"Name", "StateMachineName"}) {
    if (props && props[key] && props[key].IsScalar() && props[key].Tag() != "!Sub") {
      return props[key].Scalar();
    }
  }
  return logical_id;
}

std::string Reader::bus_name(const std::string& logical_id) const {
  return named(logical_id, "Name", 256);
}

std::string Reader::rule_name(const std::string& logical_id) const {
  return named(logical_id, "Name", 64);
}

std::string Reader::archive_name(const std::string& logical_id) const {
  return named(logical_id, "ArchiveName", 48);
}

std::string Reader::queue_url(const std::string& logical_id) const {
  return "https://sqs." + std::string(kRegion) + ".amazonaws.com/" + std::string(kAccount) + "/" +
         queue_name(logical_id);
}

std::string Reader::arn(std::string_view service, const std::string& resource) const {
  return "arn:aws:" + std::string(service) + ":" + std::string(kRegion) + ":" +
         std::string(kAccount) + ":" + resource;
}

Result<std::string> Reader::ref(const std::string& name, const std::string& where) const {
  if (name == "AWS::Region") return std::string(kRegion);
  if (name == "AWS::AccountId") return std::string(kAccount);
  if (name == "AWS::StackName") return stack_;
  if (name == "AWS::Partition") return std::string("aws");
  const YAML::Node params = root_["Parameters"];
  if (params && params.IsMap() && params[name] && params[name]["Default"]) {
    return params[name]["Default"].as<std::string>();
  }
  std::string type = type_of(name);
  if (type == "AWS::SQS::Queue") return queue_url(name);
  if (type == "AWS::SNS::Topic") return arn("sns", topic_name(name));
  if (type == "AWS::Serverless::StateMachine" || type == "AWS::StepFunctions::StateMachine") {
    return arn("states", "stateMachine:" + state_machine_name(name));
  }
  if (type == "AWS::Events::EventBus") return bus_name(name);
  if (type == "AWS::Events::Archive") return archive_name(name);
  if (type == "AWS::Events::Rule" || type == "AWS::Events::Connection" ||
      type == "AWS::Events::ApiDestination") {
    return rule_name(name);
  }
  if (type == "AWS::Scheduler::ScheduleGroup" || type == "AWS::Scheduler::Schedule") {
    return rule_name(name);
  }
  // Their ids are made when they are deployed: the logical id stands for them until then.
  if (type == "AWS::Serverless::HttpApi" || type.starts_with("AWS::ApiGatewayV2::") ||
      type == "AWS::Serverless::Api" || type.starts_with("AWS::ApiGateway::")) {
    return name;
  }
  if (is_resource(name)) return function_name(name);
  return invalid(where, "!Ref " + name + " names no parameter with a Default and no resource");
}

Result<std::optional<std::pair<std::string, std::string>>> Reader::function_url_target(
    const std::string& id) const {
  using Target = std::optional<std::pair<std::string, std::string>>;
  if (type_of(id) == "AWS::Lambda::Url") {
    const YAML::Node props = root_["Resources"][id]["Properties"];
    if (!props || !props["TargetFunctionArn"]) {
      return invalid("/Resources/" + id + "/Properties", "TargetFunctionArn is required");
    }
    auto target =
        scalar(props["TargetFunctionArn"], "/Resources/" + id + "/Properties/TargetFunctionArn");
    if (!target) return Unexpected<Error>(target.error());
    // A function's ARN (!GetAtt F.Arn), name (!Ref F) or ARN with an alias.
    std::string name = *target;
    if (auto at = name.find(":function:"); at != std::string::npos) name = name.substr(at + 10);
    std::string qualifier;
    if (auto colon = name.find(':'); colon != std::string::npos) {
      qualifier = name.substr(colon + 1);
      name.resize(colon);
    }
    if (props["Qualifier"]) {
      auto given = scalar(props["Qualifier"], "/Resources/" + id + "/Properties/Qualifier");
      if (!given) return Unexpected<Error>(given.error());
      qualifier = *given;
    }
    return Target(std::pair{name, qualifier});
  }
  // SAM's: a function with FunctionUrlConfig makes <FunctionId>Url.
  if (id.size() > 3 && id.ends_with("Url")) {
    std::string function = id.substr(0, id.size() - 3);
    const YAML::Node props = type_of(function) == "AWS::Serverless::Function"
                                 ? root_["Resources"][function]["Properties"]
                                 : YAML::Node();
    if (props && props.IsMap() && props["FunctionUrlConfig"]) {
      return Target(std::pair{function_name(function), std::string()});
    }
  }
  return Target();
}

Result<std::string> Reader::get_att(const std::string& spec, const std::string& where) const {
  auto dot = spec.find('.');
  std::string id = spec.substr(0, dot);
  std::string attribute = dot == std::string::npos ? "" : spec.substr(dot + 1);
  auto url = function_url_target(id);
  if (!url) return Unexpected<Error>(url.error());
  if (*url) {
    std::string function_arn = arn("lambda", "function:" + (*url)->first);
    if (attribute == "FunctionUrl") {
      return function_url(function_url_id(function_arn, (*url)->second), http_api_port_, kRegion);
    }
    if (attribute == "FunctionArn") {
      return function_arn + ((*url)->second.empty() ? "" : ":" + (*url)->second);
    }
    return invalid(where, "!GetAtt " + spec +
                              " is not one baton resolves (a function URL's FunctionUrl or "
                              "FunctionArn)");
  }
  if (!is_resource(id)) return invalid(where, "!GetAtt " + spec + " names no resource");
  std::string type = type_of(id);
  if (type == "AWS::Serverless::Function" || type == "AWS::Lambda::Function") {
    if (attribute == "Arn") return arn("lambda", "function:" + function_name(id));
  } else if (type == "AWS::SQS::Queue") {
    if (attribute == "Arn") return arn("sqs", queue_name(id));
    if (attribute == "QueueUrl") return queue_url(id);
    if (attribute == "QueueName") return queue_name(id);
  } else if (type == "AWS::SNS::Topic") {
    if (attribute == "TopicArn") return arn("sns", topic_name(id));
    if (attribute == "TopicName") return topic_name(id);
  } else if (type == "AWS::Serverless::StateMachine" ||
             type == "AWS::StepFunctions::StateMachine") {
    if (attribute == "Arn") return arn("states", "stateMachine:" + state_machine_name(id));
    if (attribute == "Name") return state_machine_name(id);
  } else if (type == "AWS::Events::EventBus") {
    if (attribute == "Arn") return arn("events", "event-bus/" + bus_name(id));
    if (attribute == "Name") return bus_name(id);
  } else if (type == "AWS::Events::Archive") {
    if (attribute == "Arn") return arn("events", "archive/" + archive_name(id));
  } else if (type == "AWS::Events::Connection" || type == "AWS::Events::ApiDestination") {
    std::string prefix =
        arn("events", (type == "AWS::Events::Connection" ? "connection/" : "api-destination/") +
                          rule_name(id));
    if (attribute == "Arn") return prefix + "/" + arn_suffix_id(prefix);
  } else if (type == "AWS::ApiGateway::RestApi" || type == "AWS::Serverless::Api") {
    // The root resource: what an AWS::ApiGateway::Resource's ParentId names for "/".
    if (attribute == "RootResourceId") return std::string("/");
  } else if (type == "AWS::Scheduler::ScheduleGroup") {
    if (attribute == "Arn") return arn("scheduler", "schedule-group/" + rule_name(id));
  } else if (type == "AWS::IAM::Role") {
    // A role baton does not make: its ARN, for the resources that name it (CredentialsArn).
    // IAM's ARNs have no region.
    if (attribute == "Arn") return "arn:aws:iam::" + std::string(kAccount) + ":role/" + id;
  } else if (type == "AWS::Events::Rule") {
    if (attribute == "Arn") {
      // A rule of a bus other than the default is named under it.
      std::string bus = "default";
      if (const YAML::Node b = root_["Resources"][id]["Properties"]["EventBusName"]; b) {
        auto given = scalar(b, where);
        if (!given) return given;
        bus = given->substr(given->rfind('/') + 1);
      }
      return arn("events", "rule/" + (bus == "default" ? "" : bus + "/") + rule_name(id));
    }
  }
  return invalid(where, "!GetAtt " + spec +
                            " is not one baton resolves (Function.Arn; Queue.Arn, .QueueUrl, "
                            ".QueueName; Topic.TopicArn, .TopicName; StateMachine.Arn, .Name; "
                            "EventBus.Arn, .Name; Rule.Arn; Archive.Arn; Connection.Arn; "
                            "ApiDestination.Arn; ScheduleGroup.Arn; Url.FunctionUrl, .FunctionArn; "
                            "Role.Arn)");
}

Result<std::string> Reader::sub(const std::string& text, const std::string& where) const {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto start = text.find("${", i);
    if (start == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, start - i);
    auto end = text.find('}', start);
    if (end == std::string::npos) return invalid(where, "unclosed ${ in !Sub");
    std::string name = text.substr(start + 2, end - start - 2);
    if (name.starts_with("!")) {
      // ${!Literal} is the text ${Literal}, as CloudFormation writes it.
      out += "${" + name.substr(1) + "}";
      i = end + 1;
      continue;
    }
    auto value = name.find('.') != std::string::npos ? get_att(name, where) : ref(name, where);
    if (!value) return value;
    out += *value;
    i = end + 1;
  }
  return out;
}

Result<json::Value> to_json(const YAML::Node& node, const Reader& reader,
                            const std::string& where) {
  if (node.IsMap()) {
    if (node.size() == 1) {
      std::string key = node.begin()->first.Scalar();
      if (key == "Ref" || key.starts_with("Fn::")) {
        auto text = reader.scalar(node, where);
        if (!text) return Unexpected<Error>(text.error());
        return json::Value::string(*text);
      }
    }
    json::ObjectBuilder b;
    for (const auto& member : node) {
      std::string key = member.first.Scalar();
      auto value = to_json(member.second, reader, where + "/" + key);
      if (!value) return value;
      b.add(key, *value);
    }
    return b.build();
  }
  if (node.IsSequence() && node.Tag() != "!GetAtt") {
    std::vector<json::Value> items;
    for (std::size_t i = 0; i < node.size(); ++i) {
      auto value = to_json(node[i], reader, where + "/" + std::to_string(i));
      if (!value) return value;
      items.push_back(std::move(*value));
    }
    return json::Value::array(std::move(items));
  }
  if (node.IsNull()) return json::Value();
  if (node.Tag() == "?") {  // plain: maybe a number, a boolean or null
    const std::string& s = node.Scalar();
    if (s == "true" || s == "false") return json::Value::boolean(s == "true");
    if (s == "null" || s == "~") return json::Value();
    auto number = json::parse(s);
    if (number && number->is_number()) return *number;
  }
  auto text = reader.scalar(node, where);
  if (!text) return Unexpected<Error>(text.error());
  return json::Value::string(*text);
}

Result<json::Value> properties_of(const YAML::Node& resource, const Reader& reader,
                                  const std::string& where) {
  if (const YAML::Node props = resource["Properties"]; props && props.IsMap()) {
    return to_json(props, reader, where + "/Properties");
  }
  return json::Value::object({});
}

std::string text_member(const json::Value& object, std::string_view name) {
  const json::Value* v = object.find(name);
  if (v == nullptr || v->is_null()) return "";
  return v->is_string() ? std::string(v->as_string()) : json::to_string(*v);
}

json::Value deploy_tags(const Reader& reader, const std::string& logical_id,
                        const json::Value& properties) {
  json::ObjectBuilder tags;
  if (const json::Value* given = properties.find("Tags"); given != nullptr && given->is_object()) {
    for (const json::Member& m : given->members()) tags.add(m.name(), m.value);
  }
  tags.add("baton:stack", json::Value::string(reader.stack()));
  tags.add("baton:logical-id", json::Value::string(logical_id));
  return tags.build();
}

}  // namespace baton::service::sam
