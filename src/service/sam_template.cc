#include "service/sam_template.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/json.h"

namespace baton::service {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kRegion = "us-east-1";
constexpr std::string_view kAccount = "123456789012";

class Reader {
 public:
  Reader(std::string file, const YAML::Node& root) : file_(std::move(file)), root_(root) {
    stack_ = fs::path(file_).parent_path().filename().string();
  }

  Unexpected<Error> invalid(const std::string& where, const std::string& what) const {
    return fail("InvalidTemplate", file_ + ": " + where + ": " + what);
  }

  // A scalar, with the intrinsic functions a local run can resolve: !Ref to a parameter's
  // default or a function's name, !Sub with AWS::Region/AccountId/StackName and references,
  // !GetAtt Function.Arn.
  Result<std::string> scalar(const YAML::Node& node, const std::string& where) const {
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

  // The function name of a resource, for !Ref and !GetAtt.
  std::string function_name(const std::string& logical_id) const {
    const YAML::Node props = root_["Resources"][logical_id]["Properties"];
    if (props && props["FunctionName"] && props["FunctionName"].IsScalar() &&
        props["FunctionName"].Tag() != "!Sub") {
      return props["FunctionName"].Scalar();
    }
    return logical_id;
  }

  bool is_resource(const std::string& id) const {
    return root_["Resources"] && root_["Resources"][id].IsDefined() &&
           root_["Resources"][id].IsMap();
  }

 private:
  Result<std::string> ref(const std::string& name, const std::string& where) const {
    if (name == "AWS::Region") return std::string(kRegion);
    if (name == "AWS::AccountId") return std::string(kAccount);
    if (name == "AWS::StackName") return stack_;
    const YAML::Node params = root_["Parameters"];
    if (params && params.IsMap() && params[name] && params[name]["Default"]) {
      return params[name]["Default"].as<std::string>();
    }
    if (is_resource(name)) return function_name(name);
    return invalid(where, "!Ref " + name + " names no parameter with a Default and no resource");
  }

  Result<std::string> get_att(const std::string& spec, const std::string& where) const {
    auto dot = spec.find('.');
    std::string id = spec.substr(0, dot);
    std::string attribute = dot == std::string::npos ? "" : spec.substr(dot + 1);
    if (!is_resource(id)) return invalid(where, "!GetAtt " + spec + " names no resource");
    std::string type = root_["Resources"][id]["Type"].as<std::string>("");
    if (attribute == "Arn" &&
        (type == "AWS::Serverless::Function" || type == "AWS::Lambda::Function")) {
      return "arn:aws:lambda:" + std::string(kRegion) + ":" + std::string(kAccount) +
             ":function:" + function_name(id);
    }
    return invalid(where, "!GetAtt " + spec + " is not one baton resolves (Function.Arn is)");
  }

  Result<std::string> sub(const std::string& text, const std::string& where) const {
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
      auto value = name.find('.') != std::string::npos ? get_att(name, where) : ref(name, where);
      if (!value) return value;
      out += *value;
      i = end + 1;
    }
    return out;
  }

  std::string file_;
  const YAML::Node& root_;
  std::string stack_;
};

// A YAML value as JSON: plain scalars that read as numbers, booleans or null become those.
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
  if (node.IsSequence()) {
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

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

static Result<SamProject> read_project(const std::string& path);

Result<SamProject> read_sam_project(const std::string& path) {
  // yaml-cpp reports a document of an unexpected shape by throwing.
  try {
    return read_project(path);
  } catch (const YAML::Exception& e) {
    return fail("InvalidTemplate", path + ": " + e.what());
  }
}

static Result<SamProject> read_project(const std::string& path) {
  fs::path file(path);
  if (fs::is_directory(file)) {
    file = fs::exists(file / "template.yaml") ? file / "template.yaml" : file / "template.yml";
  }
  if (!fs::exists(file)) {
    return fail("InvalidTemplate", path + ": no SAM template (template.yaml) there");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    return fail("InvalidTemplate", file.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                                       std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  SamProject project;
  project.template_path = file.string();
  fs::path base = fs::absolute(file).parent_path();
  Reader reader(file.string(), root);
  const YAML::Node globals = root["Globals"]["Function"];
  const YAML::Node resources = root["Resources"];
  if (!resources || !resources.IsMap()) return reader.invalid("/Resources", "missing");
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    const YAML::Node& resource = entry.second;
    std::string where = "/Resources/" + id;
    std::string type = resource["Type"].as<std::string>("");
    const YAML::Node props = resource["Properties"];
    // A property of the resource, else of Globals.Function.
    auto property = [&](const char* name) -> std::optional<YAML::Node> {
      if (props && props[name]) return props[name];
      if (globals && globals[name]) return globals[name];
      return std::nullopt;
    };
    auto text = [&](const char* name, std::string fallback) -> Result<std::string> {
      std::optional<YAML::Node> node = property(name);
      if (!node) return fallback;
      return reader.scalar(*node, where + "/Properties/" + name);
    };
    if (type == "AWS::Serverless::Function" || type == "AWS::Lambda::Function") {
      runtime::FunctionConfig f;
      auto name = text("FunctionName", id);
      auto runtime_name = text("Runtime", "");
      auto handler = text("Handler", "");
      auto code = text(type == "AWS::Serverless::Function" ? "CodeUri" : "Code", ".");
      for (auto* r : {&name, &runtime_name, &handler, &code}) {
        if (!*r) return Unexpected<Error>(r->error());
      }
      if (runtime_name->empty()) return reader.invalid(where, "Runtime is required");
      if (auto kind = runtime::runtime_kind(*runtime_name); !kind) {
        return reader.invalid(where + "/Properties/Runtime", kind.error().cause);
      }
      f.name = *name;
      f.runtime = *runtime_name;
      f.handler = handler->empty() ? "bootstrap" : *handler;
      f.code_dir = (base / *code).lexically_normal().string();
      if (!fs::is_directory(f.code_dir)) {
        return reader.invalid(where + "/Properties/CodeUri", "no folder " + f.code_dir);
      }
      try {
        if (auto t = property("Timeout")) f.timeout_seconds = t->as<int>();
        if (auto m = property("MemorySize")) f.memory_mb = m->as<int>();
        if (auto c = property("ReservedConcurrentExecutions"))
          f.reserved_concurrency = c->as<int>();
      } catch (const YAML::Exception&) {
        return reader.invalid(where,
                              "Timeout, MemorySize and ReservedConcurrentExecutions are "
                              "numbers");
      }
      for (const YAML::Node& env : {globals ? globals["Environment"] : YAML::Node(),
                                    props ? props["Environment"] : YAML::Node()}) {
        if (!env || !env["Variables"]) continue;
        for (const auto& var : env["Variables"]) {
          auto value = reader.scalar(
              var.second, where + "/Properties/Environment/Variables/" + var.first.Scalar());
          if (!value) return Unexpected<Error>(value.error());
          f.environment[var.first.Scalar()] = *value;
        }
      }
      f.arn = "arn:aws:lambda:" + std::string(kRegion) + ":" + std::string(kAccount) +
              ":function:" + f.name;
      f.revision = "template";
      project.functions[f.name] = std::move(f);
    } else if (type == "AWS::Serverless::StateMachine") {
      SamStateMachine machine;
      machine.logical_id = id;
      auto name = props && props["Name"] ? reader.scalar(props["Name"], where + "/Properties/Name")
                                         : Result<std::string>(id);
      if (!name) return Unexpected<Error>(name.error());
      machine.name = *name;
      if (props && props["Type"]) machine.type = props["Type"].as<std::string>("STANDARD");
      std::string definition;
      if (props && props["Definition"]) {
        auto value = to_json(props["Definition"], reader, where + "/Properties/Definition");
        if (!value) return Unexpected<Error>(value.error());
        definition = json::to_string(*value);
      } else if (props && props["DefinitionUri"] && props["DefinitionUri"].IsScalar()) {
        fs::path uri = base / props["DefinitionUri"].Scalar();
        if (!fs::exists(uri)) {
          return reader.invalid(where + "/Properties/DefinitionUri", "no file " + uri.string());
        }
        definition = read_file(uri);
        machine.definition_path = fs::absolute(uri).lexically_normal().string();
      } else {
        return reader.invalid(where, "Definition or DefinitionUri is required");
      }
      // DefinitionSubstitutions: ${Name} in the definition becomes the value.
      if (props && props["DefinitionSubstitutions"]) {
        for (const auto& s : props["DefinitionSubstitutions"]) {
          auto value = reader.scalar(
              s.second, where + "/Properties/DefinitionSubstitutions/" + s.first.Scalar());
          if (!value) return Unexpected<Error>(value.error());
          std::string key = "${" + s.first.Scalar() + "}";
          // Searching on after each value: a value holding its own ${Key} is not expanded again.
          for (std::size_t at = 0; (at = definition.find(key, at)) != std::string::npos;
               at += value->size()) {
            definition.replace(at, key.size(), *value);
          }
        }
      }
      machine.definition = std::move(definition);
      project.state_machines.push_back(std::move(machine));
    }
  }
  return project;
}

}  // namespace baton::service
