#include "service/sam_template.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/json.h"
#include "service/sam_reader.h"

namespace baton::service {

namespace fs = std::filesystem;

namespace {

using sam::kAccount;
using sam::kRegion;
using sam::Reader;
using sam::to_json;

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
  if (auto read = sam::read_messaging(resources, reader, project); !read) {
    return Unexpected<Error>(read.error());
  }
  if (auto read = sam::read_events(resources, reader, project); !read) {
    return Unexpected<Error>(read.error());
  }
  if (auto read = sam::read_http_apis(resources, reader, project); !read) {
    return Unexpected<Error>(read.error());
  }
  if (auto read = sam::read_rest_apis(resources, reader, project); !read) {
    return Unexpected<Error>(read.error());
  }
  return project;
}

}  // namespace baton::service
