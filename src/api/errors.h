#pragma once

// Errors on the wire: which HTTP status each error name gets, and the body AWS's clients read.
// The one place that knows HTTP status codes for errors.

#include "core/error.h"
#include "net/http.h"

namespace baton::api {

// An awsJson1_0 error response: {"__type", "message"}, with the name also in
// X-Amzn-ErrorType (the SDKs other than botocore read that header).
net::HttpResponse json_error(const Error& error, const std::string& request_id);

// HTTP status of an error name: 400 for client errors, 500 for InternalFailure and the
// store's errors, 503 for ServiceUnavailable.
int status_of(const std::string& error_name);

}  // namespace baton::api
