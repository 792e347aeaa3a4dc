#pragma once

// A project as AWS SAM describes it (template.yaml): its functions and state machines, read
// the way `sam deploy` reads them, for `baton run --functions` and `baton deploy`.

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "runtime/function.h"

namespace baton::service {

struct SamStateMachine {
  std::string logical_id;
  std::string name;             // Name, or the logical id
  std::string definition;       // the definition's text, substitutions made
  std::string definition_path;  // the DefinitionUri file, absolute; "" for an inline one
  std::string type = "STANDARD";
};

struct SamProject {
  std::string template_path;
  // AWS::Serverless::Function and AWS::Lambda::Function resources, by function name. The
  // code_dir is the CodeUri folder; arn, revision are left for whoever runs them.
  std::map<std::string, runtime::FunctionConfig> functions;
  std::vector<SamStateMachine> state_machines;
};

// Reads the template at `path`, or `path`/template.yaml (or .yml) when `path` is a folder.
// Globals.Function supplies defaults. Errors (InvalidTemplate) name the file and the resource
// or property that is wrong.
[[nodiscard]] Result<SamProject> read_sam_project(const std::string& path);

}  // namespace baton::service
