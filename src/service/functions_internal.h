#pragma once

// Lambda functions as the service keeps them, shared by the files of the Lambda API and the
// tasks that invoke functions.

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"
#include "runtime/function.h"
#include "store/store.h"

namespace baton::service {

// A FunctionName as Lambda takes it: a name, a partial ARN (ACCOUNT:function:NAME) or an ARN,
// each with an optional ":QUALIFIER".
struct FunctionRef {
  std::string name;
  std::string qualifier;  // "", "$LATEST", a version or an alias
};
[[nodiscard]] Result<FunctionRef> parse_function_ref(std::string_view text);

// Code unpacked under the data folder.
struct StoredCode {
  std::string dir;
  std::string sha256;  // base64, as Lambda shows CodeSha256
  std::int64_t size = 0;
};

// A stored function as Lambda's FunctionConfiguration shows it.
json::Value function_configuration(const json::Value& record);
// A stored function as the host runs it.
runtime::FunctionConfig function_config(const store::Resource& function);

}  // namespace baton::service
