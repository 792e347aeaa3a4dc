// The Lambda service's registration: its operations, in one table.

#include "service/lambda/lambda.h"

#include "service/http_api_request.h"
#include "service/lambda/functions.h"

namespace baton::service::lambda {

std::unique_ptr<EmulatedService> make(Core& core) { return std::make_unique<Lambda>(core); }

Lambda::Lambda(Core& c)
    : core(c),
      table{
          operation("CreateFunction", this, &Lambda::create_function),
          operation("GetFunction", this, &Lambda::get_function, true),
          operation("GetFunctionConfiguration", this, &Lambda::get_function_configuration, true),
          operation("ListFunctions", this, &Lambda::list_functions, true),
          operation("DeleteFunction", this, &Lambda::delete_function),
          operation("UpdateFunctionCode", this, &Lambda::update_function_code),
          operation("UpdateFunctionConfiguration", this, &Lambda::update_function_configuration),
          operation("PutFunctionConcurrency", this, &Lambda::put_function_concurrency),
          operation("GetFunctionConcurrency", this, &Lambda::get_function_concurrency, true),
          operation("DeleteFunctionConcurrency", this, &Lambda::delete_function_concurrency),
          // Invoke keeps nothing in the store: it runs while writes are refused.
          operation("Invoke", this, &Lambda::invoke, true),
          operation("PutFunctionEventInvokeConfig", this,
                    &Lambda::put_function_event_invoke_config),
          operation("UpdateFunctionEventInvokeConfig", this,
                    &Lambda::update_function_event_invoke_config),
          operation("GetFunctionEventInvokeConfig", this, &Lambda::get_function_event_invoke_config,
                    true),
          operation("ListFunctionEventInvokeConfigs", this,
                    &Lambda::list_function_event_invoke_configs, true),
          operation("DeleteFunctionEventInvokeConfig", this,
                    &Lambda::delete_function_event_invoke_config),
          operation("CreateEventSourceMapping", this, &Lambda::create_event_source_mapping),
          operation("GetEventSourceMapping", this, &Lambda::get_event_source_mapping, true),
          operation("ListEventSourceMappings", this, &Lambda::list_event_source_mappings, true),
          operation("UpdateEventSourceMapping", this, &Lambda::update_event_source_mapping),
          operation("DeleteEventSourceMapping", this, &Lambda::delete_event_source_mapping),
          operation("CreateFunctionUrlConfig", this, &Lambda::create_function_url_config),
          operation("GetFunctionUrlConfig", this, &Lambda::get_function_url_config, true),
          operation("UpdateFunctionUrlConfig", this, &Lambda::update_function_url_config),
          operation("DeleteFunctionUrlConfig", this, &Lambda::delete_function_url_config),
          operation("ListFunctionUrlConfigs", this, &Lambda::list_function_url_configs, true),
          // Invokes the function and keeps nothing: served while writes are refused.
          operation(kServeFunctionUrl, this, &Lambda::serve_function_url, true),
          operation("AddPermission", this, &Lambda::add_permission),
          operation("GetPolicy", this, &Lambda::get_policy, true),
          operation("RemovePermission", this, &Lambda::remove_permission),
      },
      async(*this),
      pollers(*this) {}

std::optional<Error> Lambda::refuses_calls() const {
  if (core.options.functions == nullptr)
    return Error{"ServiceException", "This baton runs no functions"};
  return std::nullopt;
}

}  // namespace baton::service::lambda
