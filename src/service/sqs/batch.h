#pragma once

// What SQS's batch operations share: the checks of the entries as a whole (EmptyBatchRequest,
// TooManyEntriesInBatchRequest, BatchEntryIdsNotDistinct, InvalidBatchEntryId) and the answer
// {Successful, Failed}.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "service/request.h"

namespace baton::service::sqs {

// The request's Entries, checked as AWS checks a batch. `entry_shape` names the entries in
// AWS's messages ("SendMessageBatchRequestEntry").
[[nodiscard]] Result<std::vector<const json::Value*>> batch_entries(const Request& r,
                                                                    std::string_view entry_shape);

struct BatchAnswer {
  std::vector<json::Value> successful;
  std::vector<json::Value> failures;
  void failed(const std::string& id, const Error& error);
  json::Value build();
};

}  // namespace baton::service::sqs
