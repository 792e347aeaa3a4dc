#pragma once

// The Lambda service: functions kept in the store (their code unpacked under the data folder),
// run by the function host. Internal to lambda/; it lives on the service thread.

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"
#include "runtime/function.h"
#include "runtime/function_host.h"
#include "service/core.h"
#include "service/lambda/async_invocations.h"
#include "service/lambda/sqs_pollers.h"
#include "store/store.h"

namespace baton::service::lambda {

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

struct Lambda final : EmulatedService {
  explicit Lambda(Core& c);

  std::string_view name() const override { return "lambda"; }
  std::string_view title() const override { return "Lambda API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "ServiceException"; }
  std::optional<Error> refuses_calls() const override;
  // Takes up the Event invokes still queued or waiting for a retry, and the pollers of the
  // event source mappings.
  Expected<void, Error> recover() override;

  // The operations (functions.cc, invoke.cc).
  void create_function(const Request& r, Reply reply);
  void get_function(const Request& r, Reply reply);
  void get_function_configuration(const Request& r, Reply reply);
  void list_functions(const Request& r, Reply reply);
  void delete_function(const Request& r, Reply reply);
  void update_function_code(const Request& r, Reply reply);
  void update_function_configuration(const Request& r, Reply reply);
  void put_function_concurrency(const Request& r, Reply reply);
  void get_function_concurrency(const Request& r, Reply reply);
  void delete_function_concurrency(const Request& r, Reply reply);
  // Answers at once (it writes nothing), or when the function has answered; an Event invoke
  // once it is queued durably.
  void invoke(const Request& r, Reply reply);
  // The configuration of asynchronous invocation (event_invoke_configs.cc).
  void put_function_event_invoke_config(const Request& r, Reply reply);
  void update_function_event_invoke_config(const Request& r, Reply reply);
  void get_function_event_invoke_config(const Request& r, Reply reply);
  void list_function_event_invoke_configs(const Request& r, Reply reply);
  void delete_function_event_invoke_config(const Request& r, Reply reply);
  // Event source mappings (event_source_mappings.cc).
  void create_event_source_mapping(const Request& r, Reply reply);
  void get_event_source_mapping(const Request& r, Reply reply);
  void list_event_source_mappings(const Request& r, Reply reply);
  void update_event_source_mapping(const Request& r, Reply reply);
  void delete_event_source_mapping(const Request& r, Reply reply);

  // Function URLs (function_urls.cc) and the requests to them (function_url_serve.cc), which
  // answer at once or once the function has answered.
  void create_function_url_config(const Request& r, Reply reply);
  void get_function_url_config(const Request& r, Reply reply);
  void update_function_url_config(const Request& r, Reply reply);
  void delete_function_url_config(const Request& r, Reply reply);
  void list_function_url_configs(const Request& r, Reply reply);
  void serve_function_url(const Request& r, Reply reply);
  // The resource-based policy (permissions.cc).
  void add_permission(const Request& r, Reply reply);
  void get_policy(const Request& r, Reply reply);
  void remove_permission(const Request& r, Reply reply);

  runtime::FunctionHost& functions();
  std::string function_arn(const std::string& name) const;
  // The stored function a FunctionName names. Errors: ResourceNotFoundException.
  Result<store::Resource> function_or_error(const std::string& reference);
  // The function the request's FunctionName names.
  Result<store::Resource> requested_function(const Request& r);
  // Unpacks a zip archive (`code`.ZipFile, raw bytes) under the data folder.
  Result<StoredCode> store_code(const std::string& name, const json::Value* code);
  Expected<void, Error> check_revision(const Request& r, const json::Value& record);
  // Stages the deletion of every function URL of the function (its own and its aliases').
  Expected<void, Error> delete_function_urls(const std::string& function_arn);
  void save_function_update(store::Resource function, json::Value record, const Reply& reply);

  // The event invoke configuration of the function `function_arn`, qualifier $LATEST, or
  // nothing.
  Result<std::optional<store::Resource>> event_invoke_config(const std::string& function_arn);

  Core& core;
  const std::vector<Operation> table;
  AsyncInvocations async;
  SqsPollers pollers;
};

}  // namespace baton::service::lambda
