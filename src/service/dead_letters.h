#pragma once

// Dead-letter queues of the services that deliver on their own (EventBridge targets, Scheduler
// targets): what could not be delivered is sent to an SQS queue with string attributes saying
// why, in the group of the failure.

#include <string>
#include <utility>
#include <vector>

#include "service/core.h"

namespace baton::service {

// Sends `body` to the queue `queue_arn` with `attributes` (name, value) as String message
// attributes. A failure is logged, starting with `who` ("EventBridge").
void send_dead_letter(Core& core, const std::string& who, const std::string& queue_arn,
                      const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& attributes);

}  // namespace baton::service
