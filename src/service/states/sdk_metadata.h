#pragma once

// What Step Functions adds to the result of an optimized integration (lambda:invoke,
// sqs:sendMessage, sns:publish): the HTTP metadata of the service's answer, as the AWS SDK for
// Java reports it.

#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/time.h"

namespace baton::service::states {

// AWS's RFC 1123 date: "Thu, 01 Jan 1970 00:00:00 GMT".
std::string http_date(Timestamp t);

// SdkHttpMetadata: {AllHttpHeaders (each a list, in the answer's order), HttpHeaders (in name
// order, ignoring case), HttpStatusCode 200}.
json::Value sdk_http_metadata(const std::vector<std::pair<std::string, std::string>>& headers);
// SdkResponseMetadata: {RequestId}.
json::Value sdk_response_metadata(const std::string& request_id);

}  // namespace baton::service::states
