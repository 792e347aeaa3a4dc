// The function URLs of a SAM template: a function's FunctionUrlConfig (AuthType, Cors,
// InvokeMode; SAM names what it makes <FunctionId>Url, https://docs.aws.amazon.com/
// serverless-application-model/latest/developerguide/sam-property-function-functionurlconfig.html)
// and the CloudFormation resource AWS::Lambda::Url (TargetFunctionArn, Qualifier, AuthType, Cors,
// InvokeMode), as CreateFunctionUrlConfig requests.

#include "service/sam_reader.h"

namespace baton::service::sam {

namespace {

using json::Value;

// AuthType (required), Cors and InvokeMode of `properties`, checked.
Result<Value> url_config(const Reader& reader, const Value& properties, const std::string& where) {
  json::ObjectBuilder out;
  const Value* auth = properties.find("AuthType");
  if (auth == nullptr || !auth->is_string() ||
      (auth->as_string() != "NONE" && auth->as_string() != "AWS_IAM")) {
    return reader.invalid(where + "/AuthType", "is required: NONE or AWS_IAM");
  }
  out.add("AuthType", *auth);
  if (const Value* cors = properties.find("Cors"); cors != nullptr && !cors->is_null()) {
    if (!cors->is_object()) {
      return reader.invalid(where + "/Cors",
                            "must be an object (AllowOrigins, AllowMethods, AllowHeaders, "
                            "ExposeHeaders, AllowCredentials, MaxAge)");
    }
    out.add("Cors", *cors);
  }
  if (const Value* mode = properties.find("InvokeMode"); mode != nullptr && !mode->is_null()) {
    if (!mode->is_string() ||
        (mode->as_string() != "BUFFERED" && mode->as_string() != "RESPONSE_STREAM")) {
      return reader.invalid(where + "/InvokeMode", "must be BUFFERED or RESPONSE_STREAM");
    }
    out.add("InvokeMode", *mode);
  }
  return out.build();
}

}  // namespace

Result<void> read_function_urls(const YAML::Node& resources, const Reader& reader,
                                SamProject& project) {
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    std::string where = "/Resources/" + id;
    std::string type = reader.type_of(id);
    const YAML::Node props = entry.second["Properties"];
    if (type == "AWS::Serverless::Function") {
      if (!props || !props["FunctionUrlConfig"]) continue;
      std::string config_where = where + "/Properties/FunctionUrlConfig";
      auto properties = to_json(props["FunctionUrlConfig"], reader, config_where);
      if (!properties) return Unexpected<Error>(properties.error());
      auto config = url_config(reader, *properties, config_where);
      if (!config) return Unexpected<Error>(config.error());
      project.function_urls.push_back(
          SamFunctionUrl{config_where, id + "Url", reader.function_name(id), "", *config});
    } else if (type == "AWS::Lambda::Url") {
      auto target = reader.function_url_target(id);
      if (!target) return Unexpected<Error>(target.error());
      auto properties = to_json(props, reader, where + "/Properties");
      if (!properties) return Unexpected<Error>(properties.error());
      auto config = url_config(reader, *properties, where + "/Properties");
      if (!config) return Unexpected<Error>(config.error());
      project.function_urls.push_back(
          SamFunctionUrl{where, id, (*target)->first, (*target)->second, *config});
    }
  }
  return {};
}

}  // namespace baton::service::sam
